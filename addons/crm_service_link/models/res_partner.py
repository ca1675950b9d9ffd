from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    service_request_count = fields.Integer(
        compute="_compute_service_request_count", groups="base.group_user"
    )

    def _compute_service_request_count(self):
        counts = dict(
            self.env["crm.service.request"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.service_request_count = counts.get(partner.commercial_partner_id, 0)

    def action_open_service_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_service_link.crm_service_request_action"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
