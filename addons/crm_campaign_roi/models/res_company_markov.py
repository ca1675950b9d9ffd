# The Markov model kept apart from the rule-based models it extends.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models

from ..tools.integrity import check_numbers, refuse_engine_fields
from .res_company import ROI_RECOMPUTE_FIELDS

MARKOV_CHANNEL_SELECTION = [
    ("campaign", "Campaign"),
    ("medium", "Medium"),
    ("source", "Source"),
]
# Settings of the Markov model; changing one recomputes the company's lines.
MARKOV_SETTING_FIELDS = (
    "campaign_roi_markov_order",
    "campaign_roi_markov_min_conversions",
    "campaign_roi_markov_channel",
)
MARKOV_SETTING_LIMITS = {
    "campaign_roi_markov_order": (1, 3),
    "campaign_roi_markov_min_conversions": (1, 10_000_000),
}
MARKOV_ENGINE_FIELDS = ("campaign_roi_markov_computed",)
# A channel needs this many journeys (converting or not) for the model.
MARKOV_MIN_CHANNEL_JOURNEYS = 50


class ResCompany(models.Model):
    _inherit = "res.company"

    campaign_roi_default_model = fields.Selection(
        selection_add=[("markov", "Markov chain")], ondelete={"markov": "set default"}
    )
    campaign_roi_markov_order = fields.Integer(
        string="Markov Chain Order",
        default=1,
        required=True,
        help="How many consecutive touches form a state of the Markov chain (1 to 3).",
    )
    campaign_roi_markov_min_conversions = fields.Integer(
        string="Markov Minimum Converting Journeys",
        default=1000,
        required=True,
        help="Below this number of converting journeys the Markov model is not computed.",
    )
    campaign_roi_markov_channel = fields.Selection(
        MARKOV_CHANNEL_SELECTION,
        string="Markov Channel",
        default="campaign",
        required=True,
        help="What a touch's channel is in the Markov model: its campaign, medium or source.",
    )
    # Set by the full recompute: whether the stored removal effects apply.
    campaign_roi_markov_computed = fields.Boolean(string="Markov Model Computed", readonly=True)

    @api.constrains(*MARKOV_SETTING_LIMITS)
    def _check_campaign_roi_markov(self):
        for company in self:
            values = {name: company[name] for name in MARKOV_SETTING_LIMITS}
            check_numbers(company, values, MARKOV_SETTING_LIMITS)

    @api.model_create_multi
    def create(self, vals_list):
        refuse_engine_fields(self, vals_list, MARKOV_ENGINE_FIELDS)
        for vals in vals_list:
            check_numbers(self, vals, MARKOV_SETTING_LIMITS)
        return super().create(vals_list)

    def write(self, vals):
        refuse_engine_fields(self, [vals], MARKOV_ENGINE_FIELDS)
        check_numbers(self, vals, MARKOV_SETTING_LIMITS)
        changed = self.browse()
        if any(name in vals for name in MARKOV_SETTING_FIELDS):
            changed = self.filtered(
                lambda company: (
                    any(
                        name in vals and company[name] != vals[name]
                        for name in MARKOV_SETTING_FIELDS
                    )
                    # (a change of the other settings already recomputes everything)
                    and not any(
                        name in vals and company[name] != vals[name]
                        for name in ROI_RECOMPUTE_FIELDS
                    )
                )
            )
        res = super().write(vals)
        if changed:
            self.env["crm.campaign.attribution"]._recompute_all(changed)
        return res


class CrmCampaignRoiSettingsMixin(models.AbstractModel):
    _inherit = "crm.campaign.roi.settings.mixin"

    campaign_roi_markov_order = fields.Integer(
        related="company_id.campaign_roi_markov_order", readonly=False
    )
    campaign_roi_markov_min_conversions = fields.Integer(
        related="company_id.campaign_roi_markov_min_conversions", readonly=False
    )
    campaign_roi_markov_channel = fields.Selection(
        related="company_id.campaign_roi_markov_channel", readonly=False
    )

    @api.model
    def _pop_roi_settings(self, vals):
        values = super()._pop_roi_settings(vals)
        values.update({name: vals.pop(name) for name in MARKOV_SETTING_FIELDS if name in vals})
        return values
