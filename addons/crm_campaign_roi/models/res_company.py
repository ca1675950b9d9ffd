import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from ..tools.integrity import check_numbers

ATTRIBUTION_MODEL_SELECTION = [
    ("first_touch", "First touch"),
    ("last_touch", "Last touch"),
    ("linear", "Linear"),
    ("u_shaped", "U-shaped"),
    ("w_shaped", "W-shaped"),
    ("j_shaped", "J-shaped"),
    ("inverse_j", "Inverse J"),
    ("time_decay", "Time decay"),
    ("custom", "Custom"),
]

CONVERSION_SELECTION = [
    ("lead_won", "Opportunity won"),
    ("sale_confirmed", "Sale order confirmed"),
    ("invoice_posted", "Customer invoice posted"),
]

# The attribution settings of a company (written at once by the settings forms).
ROI_SETTING_FIELDS = (
    "campaign_roi_conversion",
    "campaign_roi_lookback_days",
    "campaign_roi_half_life_days",
    "campaign_roi_default_model",
    "campaign_roi_weight_first",
    "campaign_roi_weight_middle",
    "campaign_roi_weight_last",
)
# The default model only chooses which lines the KPIs read; changing any other
# setting rewrites every attribution line of the company.
ROI_RECOMPUTE_FIELDS = tuple(
    name for name in ROI_SETTING_FIELDS if name != "campaign_roi_default_model"
)
# Sensible ranges of the numeric settings (checked before anything is written).
ROI_SETTING_LIMITS = {
    "campaign_roi_lookback_days": (1, 3650),
    "campaign_roi_half_life_days": (0.1, 3650.0),
    "campaign_roi_weight_first": (0.0, 1.0),
    "campaign_roi_weight_middle": (0.0, 1.0),
    "campaign_roi_weight_last": (0.0, 1.0),
}
ROI_WEIGHT_FIELDS = (
    "campaign_roi_weight_first",
    "campaign_roi_weight_middle",
    "campaign_roi_weight_last",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    # Attribution
    campaign_roi_conversion = fields.Selection(
        CONVERSION_SELECTION,
        string="Conversion Event",
        default="lead_won",
        required=True,
        help="The event that counts as a conversion and whose revenue is attributed.",
    )
    campaign_roi_lookback_days = fields.Integer(
        string="Lookback Window (days)",
        default=180,
        required=True,
        help="Touches older than this many days before the conversion are not attributed.",
    )
    campaign_roi_half_life_days = fields.Float(
        string="Time-Decay Half-Life (days)",
        default=30.0,
        required=True,
        help="In the time-decay model a touch this many days older weighs half as much.",
    )
    campaign_roi_default_model = fields.Selection(
        ATTRIBUTION_MODEL_SELECTION,
        string="Default Attribution Model",
        default="linear",
        required=True,
    )
    # Custom position weights
    campaign_roi_weight_first = fields.Float(string="Custom Weight: First Touch", default=0.4)
    campaign_roi_weight_middle = fields.Float(string="Custom Weight: Middle Touches", default=0.2)
    campaign_roi_weight_last = fields.Float(string="Custom Weight: Last Touch", default=0.4)
    # Reporting
    campaign_roi_reporting_currency_id = fields.Many2one(
        "res.currency",
        string="Campaign Reporting Currency",
        help="The currency of every campaign figure, consolidated over the companies; "
        "each amount is converted at the date of its document. Only the main company's "
        "setting is used; empty, its currency.",
    )
    # Touch capture
    campaign_roi_dedup = fields.Selection(
        [
            ("none", "Keep every touch"),
            ("day", "One touch per contact, campaign and type per day"),
            ("campaign", "One touch per contact and campaign"),
        ],
        string="Touch De-duplication",
        default="day",
        required=True,
    )

    @api.model
    def _campaign_roi_main_company(self):
        """The company whose reporting currency counts (as in ``reporting_currency_sql``)."""
        # sudo: the main company's setting applies to users of every company.
        Company = self.env["res.company"].sudo().with_context(active_test=False)
        return self.env.ref("base.main_company", raise_if_not_found=False) or Company.search(
            [], order="id", limit=1
        )

    @api.model
    def _campaign_roi_reporting_currency(self):
        """The one currency of every campaign figure, whatever the company."""
        main = self._campaign_roi_main_company().sudo()
        return main.campaign_roi_reporting_currency_id or main.currency_id

    @api.constrains(*ROI_SETTING_LIMITS)
    def _check_campaign_roi_settings(self):
        for company in self:
            values = {name: company[name] for name in ROI_SETTING_LIMITS}
            check_numbers(company, values, ROI_SETTING_LIMITS)
            weights = [company[name] for name in ROI_WEIGHT_FIELDS]
            if float_compare(math.fsum(weights), 1.0, precision_digits=4):
                raise ValidationError(
                    self.env._(
                        "The custom attribution weights of %(company)s (first, middle and "
                        "last touch) must add up to 100%% (now %(total)s%%).",
                        company=company.name,
                        total=round(math.fsum(weights) * 100.0, 2),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_numbers(self, vals, ROI_SETTING_LIMITS)
        return super().create(vals_list)

    def write(self, vals):
        check_numbers(self, vals, ROI_SETTING_LIMITS)
        changed = self.browse()
        if any(name in vals for name in ROI_RECOMPUTE_FIELDS):
            changed = self.filtered(
                lambda company: any(
                    name in vals and company[name] != vals[name] for name in ROI_RECOMPUTE_FIELDS
                )
            )
        res = super().write(vals)
        if changed:
            self.env["crm.campaign.attribution"]._recompute_all(changed)
        if "campaign_roi_default_model" in vals or "campaign_roi_reporting_currency_id" in vals:
            # the KPIs and the report read the lines of the new model, in the
            # new currency
            self.flush_model(["campaign_roi_default_model", "campaign_roi_reporting_currency_id"])
            Campaign = self.env["utm.campaign"]
            Campaign.invalidate_model(Campaign._roi_kpi_fields())
        return res
