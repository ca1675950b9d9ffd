from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    keyaccount_abc_threshold_a = fields.Float(
        related="company_id.keyaccount_abc_threshold_a", readonly=False
    )
    keyaccount_abc_threshold_b = fields.Float(
        related="company_id.keyaccount_abc_threshold_b", readonly=False
    )
    keyaccount_window_months = fields.Integer(
        related="company_id.keyaccount_window_months", readonly=False
    )
    keyaccount_revenue_basis = fields.Selection(
        related="company_id.keyaccount_revenue_basis", readonly=False
    )
    keyaccount_weight_profit = fields.Float(
        related="company_id.keyaccount_weight_profit", readonly=False
    )
    keyaccount_weight_opportunity = fields.Float(
        related="company_id.keyaccount_weight_opportunity", readonly=False
    )
    keyaccount_weight_partnership = fields.Float(
        related="company_id.keyaccount_weight_partnership", readonly=False
    )
    keyaccount_weight_influence = fields.Float(
        related="company_id.keyaccount_weight_influence", readonly=False
    )
    keyaccount_weight_service = fields.Float(
        related="company_id.keyaccount_weight_service", readonly=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.env["res.company"]._keyaccount_check_integers(vals)
        return super().create(vals_list)

    def action_keyaccount_recompute(self):
        return self.env["res.partner"].action_keyaccount_recompute()
