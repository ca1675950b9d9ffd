from odoo import api, fields, models
from odoo.tools.misc import formatLang

from ..tools.lift import holdout_lift

ROI_GROUP = "crm_campaign_roi.crm_campaign_roi_group_user"
LIFT_VERDICT_SELECTION = [
    ("none", "Not measured"),
    ("too_small", "Too small"),
    ("positive", "Positive"),
    ("negative", "Negative"),
    ("inconclusive", "Inconclusive"),
]


class CrmCampaignLiftMixin(models.AbstractModel):
    """The incremental figures of a holdout or of a campaign's holdouts.

    Computed on reading (never stored) by ``_compute_lift`` of the model,
    which gives ``_set_lift`` each record's arms: ``{"treated": (recipients,
    conversions, revenue, revenue squares), "control": (...), "cost": c}``,
    revenue and cost in the reporting currency.
    """

    _name = "crm.campaign.lift.mixin"
    _description = "Incremental Lift Figures"

    lift_currency_id = fields.Many2one("res.currency", compute="_compute_lift", groups=ROI_GROUP)
    lift_treated_count = fields.Integer(
        string="Mailed Recipients", compute="_compute_lift", groups=ROI_GROUP
    )
    lift_control_count = fields.Integer(
        string="Held-out Recipients (Lift)", compute="_compute_lift", groups=ROI_GROUP
    )
    lift_treated_rate = fields.Float(
        string="Conversion Rate Mailed (%)", compute="_compute_lift", groups=ROI_GROUP
    )
    lift_control_rate = fields.Float(
        string="Conversion Rate Held Out (%)", compute="_compute_lift", groups=ROI_GROUP
    )
    lift_incremental_conversions = fields.Float(
        string="Incremental Conversions", compute="_compute_lift", groups=ROI_GROUP
    )
    lift_conversions_interval = fields.Char(
        string="Incremental Conversions (95% CI)",
        compute="_compute_lift",
        groups=ROI_GROUP,
        help="Two-proportion z-test interval, scaled to the mailed recipients.",
    )
    lift_incremental_revenue = fields.Monetary(
        string="Incremental Revenue",
        compute="_compute_lift",
        currency_field="lift_currency_id",
        groups=ROI_GROUP,
    )
    lift_revenue_interval = fields.Char(
        string="Incremental Revenue (95% CI)",
        compute="_compute_lift",
        groups=ROI_GROUP,
        help="Welch interval of the revenue per recipient, scaled to the mailed recipients.",
    )
    lift_cost = fields.Monetary(
        string="Cost (Lift)",
        compute="_compute_lift",
        currency_field="lift_currency_id",
        groups=ROI_GROUP,
    )
    lift_icpa = fields.Monetary(
        string="iCPA",
        compute="_compute_lift",
        currency_field="lift_currency_id",
        groups=ROI_GROUP,
        help="Cost per incremental conversion (when there are incremental conversions).",
    )
    lift_iroas = fields.Float(
        string="iROAS",
        compute="_compute_lift",
        groups=ROI_GROUP,
        help="Incremental revenue per unit of cost.",
    )
    lift_p_value = fields.Float(string="p-value", compute="_compute_lift", groups=ROI_GROUP)
    lift_verdict = fields.Selection(
        LIFT_VERDICT_SELECTION, string="Lift", compute="_compute_lift", groups=ROI_GROUP
    )

    @api.depends_context("company", "allowed_company_ids")
    def _compute_lift(self):
        raise NotImplementedError

    def _set_lift(self, arms):
        """Set the lift figures of one record from its arms (or None)."""
        self.update(self._lift_values(arms))

    @api.model
    def _lift_values(self, arms):
        """The lift field values of arms (see the class), or of None."""
        currency = self.env["res.company"]._campaign_roi_reporting_currency()
        arms = arms or {}
        treated = arms.get("treated") or (0, 0, 0.0, 0.0)
        control = arms.get("control") or (0, 0, 0.0, 0.0)
        cost = currency.round(arms.get("cost") or 0.0)
        lift = holdout_lift(treated, control, cost)
        values = dict.fromkeys(
            [
                "lift_treated_rate",
                "lift_control_rate",
                "lift_incremental_conversions",
                "lift_incremental_revenue",
                "lift_icpa",
                "lift_iroas",
                "lift_p_value",
            ],
            0.0,
        )
        values.update(
            lift_currency_id=currency.id,
            lift_treated_count=treated[0],
            lift_control_count=control[0],
            lift_cost=cost,
            lift_verdict=lift.verdict if lift else "none",
        )
        if lift is None:
            message = self.env._("No holdout measured yet.")
            values.update(lift_conversions_interval=message, lift_revenue_interval=message)
            return values
        values.update(
            lift_treated_rate=lift.rate_t * 100.0,
            lift_control_rate=lift.rate_c * 100.0,
            lift_incremental_conversions=lift.incremental_conversions,
            lift_incremental_revenue=currency.round(lift.incremental_revenue),
            lift_icpa=currency.round(lift.icpa) if lift.icpa is not None else 0.0,
            lift_iroas=lift.iroas or 0.0,
            lift_p_value=lift.p_value,
        )
        if lift.verdict == "too_small":
            message = self.env._("Groups too small for a confidence interval.")
            values.update(lift_conversions_interval=message, lift_revenue_interval=message)
        else:
            values.update(
                lift_conversions_interval=self._lift_interval(
                    lift.incremental_conversions_low, lift.incremental_conversions_high, 1
                ),
                lift_revenue_interval=self._lift_interval(
                    lift.incremental_revenue_low,
                    lift.incremental_revenue_high,
                    currency.decimal_places,
                ),
            )
        return values

    def _lift_interval(self, low, high, digits):
        return self.env._(
            "%(low)s to %(high)s",
            low=formatLang(self.env, low, digits=digits),
            high=formatLang(self.env, high, digits=digits),
        )
