from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    service_handoff_trigger = fields.Selection(
        [("won", "Opportunity won"), ("sale", "Sale order confirmed")],
        string="Create Handoffs When",
        default="won",
        required=True,
    )
