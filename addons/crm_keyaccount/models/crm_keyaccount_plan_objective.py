import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

METRICS = [
    ("invoiced", "Invoiced Revenue"),
    ("won_revenue", "Won Opportunity Revenue"),
    ("won_count", "Won Opportunities"),
    ("new_opportunities", "New Opportunities"),
]


class CrmKeyaccountPlanObjective(models.Model):
    _name = "crm.keyaccount.plan.objective"
    _description = "Key-Account Plan Objective"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("crm.keyaccount.plan", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Objective", required=True)
    metric = fields.Selection(METRICS, required=True, default="invoiced")
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    target = fields.Float(required=True)
    actual = fields.Float(
        compute="_compute_actual", help="Computed from invoices and opportunities of the period."
    )
    progress = fields.Float(compute="_compute_actual", string="Progress (%)")

    @api.depends("metric", "date_from", "date_to", "partner_id", "company_id", "target")
    def _compute_actual(self):
        for objective in self:
            actual = objective._actual_value() if objective.partner_id else 0.0
            objective.actual = actual
            objective.progress = (
                min(actual / objective.target * 100.0, 999.0) if objective.target > 0 else 0.0
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for objective in self:
            if objective.date_to < objective.date_from:
                raise ValidationError(
                    self.env._(
                        "The period of the objective %(objective)s ends before it starts.",
                        objective=objective.name,
                    )
                )

    @api.constrains("target")
    def _check_target(self):
        for objective in self:
            # NaN fails the comparison too
            if not (objective.target > 0 and math.isfinite(objective.target)):
                raise ValidationError(
                    self.env._(
                        "The target of the objective %(objective)s must be a number above zero.",
                        objective=objective.name,
                    )
                )

    def _actual_value(self):
        """Actual value of the metric for the account over the objective's period."""
        self.ensure_one()
        params = {
            "partner": self.partner_id.commercial_partner_id.id,
            "company": self.company_id.id,
            "date_from": self.date_from,
            "date_to": self.date_to,
        }
        if self.metric == "invoiced":
            self.env["account.move"].flush_model()
            query = SQL(
                """
                SELECT COALESCE(SUM(amount_untaxed_signed), 0) FROM account_move
                 WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')
                   AND commercial_partner_id = %(partner)s AND company_id = %(company)s
                   AND invoice_date BETWEEN %(date_from)s AND %(date_to)s
                """,
                **params,
            )
        else:
            self.env["crm.lead"].flush_model()
            date_column = SQL("lead.create_date::date")
            aggregate = SQL("COUNT(*)")
            won = SQL("TRUE")
            if self.metric in ("won_revenue", "won_count"):
                date_column = SQL("lead.date_closed::date")
                won = SQL("stage.is_won AND lead.active")
                if self.metric == "won_revenue":
                    aggregate = SQL("COALESCE(SUM(lead.expected_revenue), 0)")
            query = SQL(
                """
                SELECT %(aggregate)s FROM crm_lead lead
                  JOIN res_partner partner ON partner.id = lead.partner_id
                  LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
                 WHERE partner.commercial_partner_id = %(partner)s
                   AND lead.company_id = %(company)s AND lead.type = 'opportunity'
                   AND %(won)s AND %(date_column)s BETWEEN %(date_from)s AND %(date_to)s
                """,
                aggregate=aggregate,
                won=won,
                date_column=date_column,
                **params,
            )
        return float(self.env.execute_query(query)[0][0] or 0.0)
