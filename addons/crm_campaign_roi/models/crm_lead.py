from odoo import api, models

# Writing one of these on a won (or newly won) lead recomputes its attribution.
CONVERSION_FIELDS = {
    "stage_id",
    "probability",
    "active",
    "expected_revenue",
    "partner_id",
    "company_id",
    "date_closed",
}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        self.env["crm.campaign.touch"]._capture(
            leads, lambda lead: "opportunity" if lead.type == "opportunity" else "lead", "self"
        )
        won = leads.filtered(lambda lead: lead._campaign_roi_is_won())
        self.env["crm.campaign.attribution"]._refresh_conversions(self._name, won.ids)
        return leads

    def write(self, vals):
        campaign_changed = self.browse()
        if vals.get("campaign_id"):
            campaign_changed = self.filtered(
                lambda lead: lead.campaign_id.id != vals["campaign_id"]
            )
        converted = self.browse()
        if vals.get("type") == "opportunity":
            converted = self.filtered(lambda lead: lead.type == "lead")
        was_won = self.browse()
        check_conversion = not CONVERSION_FIELDS.isdisjoint(vals)
        if check_conversion:
            was_won = self.filtered(lambda lead: lead._campaign_roi_is_won())
        res = super().write(vals)
        Touch = self.env["crm.campaign.touch"]
        Touch._capture(campaign_changed - converted, "campaign", "self")
        Touch._capture(converted, "opportunity", "self")
        if check_conversion:
            now_won = self.filtered(lambda lead: lead._campaign_roi_is_won())
            self.env["crm.campaign.attribution"]._refresh_conversions(
                self._name, (was_won | now_won).ids
            )
        return res

    def unlink(self):
        ids = self.ids
        res = super().unlink()
        self.env["crm.campaign.attribution"]._refresh_conversions(self._name, ids)
        return res

    def _update_revenues_from_so(self, order):
        # sudo: confirming an order raises the expected revenue of its
        # opportunity (sale_crm). A salesman may confirm his own order linked
        # to an opportunity he cannot edit; only that revenue is written, and
        # the attribution of the conversion is refreshed by write().
        return super(CrmLead, self.sudo())._update_revenues_from_so(order)

    def _campaign_roi_is_won(self):
        self.ensure_one()
        return self.active and self.stage_id.is_won
