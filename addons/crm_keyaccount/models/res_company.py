import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import KA_PREFETCH, SENSITIVE_GROUPS

# Bounds of the settings: beyond them a value is a typing error.
MAX_WINDOW_MONTHS = 120
MAX_WEIGHT = 100.0


class ResCompany(models.Model):
    _inherit = "res.company"

    # Pareto classes
    keyaccount_abc_threshold_a = fields.Float(
        string="Class A Threshold (%)",
        default=80.0,
        help="A customer is class A when the customers ranked above it hold less than "
        "this share of the revenue.",
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_abc_threshold_b = fields.Float(
        string="Class B Threshold (%)",
        default=95.0,
        help="A customer is class B when the customers ranked above it hold less than "
        "this share of the revenue.",
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_window_months = fields.Integer(
        string="Revenue Window (Months)",
        default=12,
        help="Rolling window, up to today, over which the revenue is summed.",
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_revenue_basis = fields.Selection(
        [("invoiced", "Invoiced Revenue"), ("margin", "Sales Margin")],
        string="Revenue Basis",
        default="invoiced",
        required=True,
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_revenue_total = fields.Monetary(
        string="Ranked Revenue Total",
        readonly=True,
        help="Total positive revenue of the customers at the last ranking: the base of "
        "their revenue shares.",
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_ranked_date = fields.Datetime(
        string="Last Key-Account Ranking",
        readonly=True,
        help="When the Pareto classes were last recomputed; empty before the first ranking.",
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    # Score weights
    keyaccount_weight_profit = fields.Float(
        string="Profit Weight", default=40.0, groups=SENSITIVE_GROUPS, prefetch=KA_PREFETCH
    )
    keyaccount_weight_opportunity = fields.Float(
        string="Opportunities Weight", default=20.0, groups=SENSITIVE_GROUPS, prefetch=KA_PREFETCH
    )
    keyaccount_weight_partnership = fields.Float(
        string="Partnership Weight", default=20.0, groups=SENSITIVE_GROUPS, prefetch=KA_PREFETCH
    )
    keyaccount_weight_influence = fields.Float(
        string="Market Influence Weight",
        default=20.0,
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_weight_service = fields.Float(
        string="Service Weight",
        default=0.0,
        help="Weight of the service criterion (SLA compliance less complaints), when the "
        "service addon is installed.",
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )

    @api.constrains("keyaccount_abc_threshold_a", "keyaccount_abc_threshold_b")
    def _check_keyaccount_thresholds(self):
        for company in self:
            threshold_a = company.keyaccount_abc_threshold_a
            threshold_b = company.keyaccount_abc_threshold_b
            if not (0.0 <= threshold_a <= 100.0 and 0.0 <= threshold_b <= 100.0):
                raise ValidationError(
                    self.env._("The class A and B thresholds must lie between 0 and 100.")
                )
            if threshold_a > threshold_b:
                raise ValidationError(
                    self.env._(
                        "The class A threshold (%(a)s) cannot exceed the class B threshold "
                        "(%(b)s).",
                        a=threshold_a,
                        b=threshold_b,
                    )
                )

    @api.constrains("keyaccount_window_months")
    def _check_keyaccount_window_months(self):
        for company in self:
            if not 1 <= company.keyaccount_window_months <= MAX_WINDOW_MONTHS:
                raise ValidationError(
                    self.env._(
                        "The revenue window must be between 1 and %(max)s months.",
                        max=MAX_WINDOW_MONTHS,
                    )
                )

    @api.constrains(
        "keyaccount_weight_profit",
        "keyaccount_weight_opportunity",
        "keyaccount_weight_partnership",
        "keyaccount_weight_influence",
        "keyaccount_weight_service",
    )
    def _check_keyaccount_weights(self):
        for company in self:
            weights = company._keyaccount_weights()
            if any(not 0.0 <= weight <= MAX_WEIGHT for weight in weights):
                # NaN fails every comparison, and so lands here too
                raise ValidationError(
                    self.env._(
                        "Each criterion weight must be a number between 0 and %(max)s.",
                        max=MAX_WEIGHT,
                    )
                )
            if not sum(weights):
                raise ValidationError(
                    self.env._("At least one criterion weight must be greater than zero.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._keyaccount_check_integers(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._keyaccount_check_integers(vals)
        return super().write(vals)

    @api.model
    def _keyaccount_check_integers(self, vals):
        """An integer setting given as NaN or infinity: a clear error rather
        than a conversion failure."""
        value = vals.get("keyaccount_window_months")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(
                self.env._(
                    "The revenue window must be between 1 and %(max)s months.",
                    max=MAX_WINDOW_MONTHS,
                )
            )

    def _keyaccount_weights(self):
        """Weights of profit, opportunities, partnership, market influence and service."""
        self.ensure_one()
        return (
            self.keyaccount_weight_profit,
            self.keyaccount_weight_opportunity,
            self.keyaccount_weight_partnership,
            self.keyaccount_weight_influence,
            self.keyaccount_weight_service,
        )
