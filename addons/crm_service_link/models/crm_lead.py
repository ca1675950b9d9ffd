from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    service_handoff_ids = fields.One2many("crm.service.handoff", "lead_id", string="Handoff")
    service_handoff_count = fields.Integer(compute="_compute_service_handoff_count")

    @api.depends("service_handoff_ids")
    def _compute_service_handoff_count(self):
        counts = dict(
            self.env["crm.service.handoff"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.service_handoff_count = counts.get(lead, 0)

    def write(self, vals):
        res = super().write(vals)
        if "stage_id" in vals:
            won = self.filtered(
                lambda lead: (
                    lead.stage_id.is_won
                    and (lead.company_id or self.env.company).service_handoff_trigger == "won"
                )
            )
            if won:
                self.env["crm.service.handoff"]._create_from_leads(won)
        return res

    def action_open_service_handoff(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_service_link.crm_service_handoff_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        if self.service_handoff_ids:
            action.update(
                view_mode="form", res_id=self.service_handoff_ids[:1].id, views=[(False, "form")]
            )
        return action
