from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    service_handoff_trigger = fields.Selection(
        related="company_id.service_handoff_trigger", readonly=False
    )
