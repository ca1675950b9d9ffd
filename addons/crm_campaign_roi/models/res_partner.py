from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.campaign.roi.mixin"]

    def _campaign_roi_field(self):
        return "partner_id"

    def _campaign_roi_key(self):
        # touches and lines belong to the commercial partner (the company)
        return self.commercial_partner_id.id

    def _campaign_roi_touch_domain(self):
        return [("partner_id", "=", self._campaign_roi_key())]

    def _campaign_roi_touch_counts(self):
        commercial = {partner.id: partner.commercial_partner_id.id for partner in self}
        counts = {
            partner.id: count
            for partner, count in self.env["crm.campaign.touch"]._read_group(
                [("partner_id", "in", list(set(commercial.values())))], ["partner_id"], ["__count"]
            )
        }
        return {pid: counts.get(cid, 0) for pid, cid in commercial.items()}
