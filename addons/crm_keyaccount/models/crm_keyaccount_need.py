from odoo import fields, models


class CrmKeyaccountNeed(models.Model):
    """One entry of the log of the client's changing needs."""

    _name = "crm.keyaccount.need"
    _description = "Key-Account Need"
    _order = "date desc, id desc"

    plan_id = fields.Many2one("crm.keyaccount.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    name = fields.Char(string="Need", required=True)
    description = fields.Text()
    status = fields.Selection(
        [("new", "New"), ("addressed", "Addressed"), ("dropped", "Dropped")],
        required=True,
        default="new",
    )
    user_id = fields.Many2one("res.users", string="Noted By", default=lambda self: self.env.user)
