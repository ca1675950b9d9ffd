# The global control group kept apart from the attribution settings.
# pylint: disable=consider-merging-classes-inherited
import secrets

from odoo import api, fields, models

from ..tools.integrity import check_numbers, refuse_engine_fields

CONTROL_LIMITS = {"campaign_roi_control_percent": (0.0, 20.0)}
CONTROL_ENGINE_FIELDS = ("campaign_roi_control_seed",)


class ResCompany(models.Model):
    _inherit = "res.company"

    campaign_roi_control_percent = fields.Float(
        string="Global Control Group (%)",
        help="Share of the customers kept out of every mass mailing of the company, to "
        "measure the lift of whole campaigns (0 to 20; 0 for none).",
    )
    # Chooses the customers of the control group; set by the system.
    campaign_roi_control_seed = fields.Char(
        string="Global Control Group Seed", readonly=True, copy=False
    )

    @api.constrains(*CONTROL_LIMITS)
    def _check_campaign_roi_control(self):
        for company in self:
            values = {name: company[name] for name in CONTROL_LIMITS}
            check_numbers(company, values, CONTROL_LIMITS)

    @api.model_create_multi
    def create(self, vals_list):
        refuse_engine_fields(self, vals_list, CONTROL_ENGINE_FIELDS)
        for vals in vals_list:
            check_numbers(self, vals, CONTROL_LIMITS)
        return super().create(vals_list)

    def write(self, vals):
        refuse_engine_fields(self, [vals], CONTROL_ENGINE_FIELDS)
        check_numbers(self, vals, CONTROL_LIMITS)
        return super().write(vals)

    def _campaign_roi_control_seed(self):
        """The seed of the company's global control group, drawn on first use."""
        self.ensure_one()
        if not self.campaign_roi_control_seed:
            # sudo: the system sets the seed once; nobody chooses it.
            self.sudo().campaign_roi_control_seed = secrets.token_hex(16)
        return self.campaign_roi_control_seed
