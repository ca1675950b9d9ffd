from odoo import fields, models


class CrmServiceHandoffReturn(models.TransientModel):
    _name = "crm.service.handoff.return"
    _description = "Return a Handoff to Sales"

    handoff_id = fields.Many2one("crm.service.handoff", required=True, ondelete="cascade")
    reason = fields.Text(required=True, help="The question or what is missing for service.")

    def action_confirm(self):
        self.ensure_one()
        self.handoff_id.action_return(self.reason)
        return {"type": "ir.actions.act_window_close"}
