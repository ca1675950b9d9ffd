from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.crm_campaign_attribution import CONVERSION_MODEL_SELECTION
from ..tools.attribution import MODELS
from ..tools.attribution_sql import CONVERSION_COLUMNS, conversion_query
from ..tools.currency_sql import factor_sql, reporting_currency_sql


class CrmCampaignRoiReport(models.Model):
    """One row per campaign and conversion, one revenue column per model.

    Conversions without any eligible touch appear once, without campaign, as
    "unattributed". ``months_after_first_touch`` counts the months from the
    campaign's first touch to the conversion: the revenue cohort. Every
    amount is in the reporting currency, converted at the conversion's date
    with the rates of its company, so that the companies add up.
    """

    _name = "crm.campaign.roi.report"
    _description = "Campaign Attribution Model Comparison"
    _auto = False
    _order = "conversion_date desc"
    _rec_name = "campaign_id"
    # What the view reads: flushed before it is queried.
    _depends = {
        "crm.campaign.attribution": [
            "campaign_id",
            "company_id",
            "partner_id",
            "conversion_model",
            "conversion_id",
            "conversion_date",
            "lag_days",
            "attribution_model",
            "amount",
        ],
        "crm.campaign.touch": ["campaign_id", "company_id", "touch_date"],
        "crm.lead": [
            "active",
            "stage_id",
            "date_closed",
            "write_date",
            "expected_revenue",
            "partner_id",
            "company_id",
        ],
        "crm.stage": ["is_won"],
        "sale.order": [
            "state",
            "opportunity_id",
            "partner_id",
            "date_order",
            "amount_untaxed",
            "currency_rate",
            "company_id",
        ],
        "account.move": [
            "state",
            "move_type",
            "partner_id",
            "invoice_date",
            "amount_untaxed_signed",
            "company_id",
        ],
        "res.partner": ["commercial_partner_id"],
        "res.company": [
            "currency_id",
            "parent_path",
            "campaign_roi_conversion",
            "campaign_roi_default_model",
            "campaign_roi_reporting_currency_id",
        ],
        "res.currency": ["rounding"],
        "res.currency.rate": ["rate", "name", "currency_id", "company_id"],
    }

    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Reporting Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    conversion_model = fields.Selection(CONVERSION_MODEL_SELECTION, readonly=True)
    conversion_id = fields.Many2oneReference(model_field="conversion_model", readonly=True)
    conversion_date = fields.Datetime(readonly=True)
    first_touch_date = fields.Datetime(string="Campaign First Touch", readonly=True)
    months_after_first_touch = fields.Integer(string="Months after First Touch", readonly=True)
    lag_days = fields.Float(string="Lag from First Touch (days)", readonly=True, aggregator="avg")
    conversion_count = fields.Integer(string="Conversions", readonly=True)
    unattributed_count = fields.Integer(string="Unattributed Conversions", readonly=True)
    unattributed_revenue = fields.Monetary(readonly=True)
    revenue = fields.Monetary(string="Revenue (Default Model)", readonly=True)
    revenue_first_touch = fields.Monetary(string="First Touch", readonly=True)
    revenue_last_touch = fields.Monetary(string="Last Touch", readonly=True)
    revenue_linear = fields.Monetary(string="Linear", readonly=True)
    revenue_u_shaped = fields.Monetary(string="U-shaped", readonly=True)
    revenue_w_shaped = fields.Monetary(string="W-shaped", readonly=True)
    revenue_j_shaped = fields.Monetary(string="J-shaped", readonly=True)
    revenue_inverse_j = fields.Monetary(string="Inverse J", readonly=True)
    revenue_time_decay = fields.Monetary(string="Time Decay", readonly=True)
    revenue_custom = fields.Monetary(string="Custom", readonly=True)

    def _query(self):
        per_model = SQL(", ").join(
            SQL(
                "COALESCE(SUM(a.amount) FILTER (WHERE a.attribution_model = %s), 0) AS %s",
                model,
                SQL.identifier(f"revenue_{model}"),
            )
            for model in MODELS
        )
        zeros = SQL(", ").join(
            SQL("0::numeric AS %s", SQL.identifier(f"revenue_{model}")) for model in MODELS
        )

        def converted(column):
            return SQL(
                "ROUND(%s * p.factor / rep.rounding) * rep.rounding",
                SQL.identifier("p", column),
            )

        return SQL(
            """
            WITH reporting AS (
                SELECT cur.id AS currency_id, cur.rounding FROM res_currency cur
                 WHERE cur.id = %(reporting_currency)s
            ),
            first_touch AS (
                SELECT campaign_id, company_id, MIN(touch_date) AS first_date
                  FROM crm_campaign_touch GROUP BY campaign_id, company_id
            ),
            per_conversion AS (
                SELECT a.campaign_id, a.company_id, c.currency_id, a.partner_id,
                       a.conversion_model, a.conversion_id,
                       MAX(a.conversion_date) AS conversion_date, MAX(a.lag_days) AS lag_days,
                       COALESCE(SUM(a.amount) FILTER (
                           WHERE a.attribution_model = c.campaign_roi_default_model), 0) AS revenue,
                       %(per_model)s
                  FROM crm_campaign_attribution a
                  JOIN res_company c ON c.id = a.company_id
                 GROUP BY 1, 2, 3, 4, 5, 6
            ),
            unattributed AS (
                SELECT %(conversion_columns)s FROM (%(conversions)s) AS conv
                 WHERE NOT EXISTS (
                    SELECT 1 FROM crm_campaign_attribution a
                     WHERE a.conversion_model = conv.conversion_model
                       AND a.conversion_id = conv.conversion_id)
            ),
            rows AS (
                SELECT p.campaign_id, p.company_id, p.partner_id,
                       p.conversion_model, p.conversion_id, p.conversion_date,
                       f.first_date AS first_touch_date,
                       ((EXTRACT(YEAR FROM p.conversion_date)
                         - EXTRACT(YEAR FROM f.first_date)) * 12
                        + EXTRACT(MONTH FROM p.conversion_date)
                        - EXTRACT(MONTH FROM f.first_date))::int AS months_after_first_touch,
                       p.lag_days, 1 AS conversion_count, 0 AS unattributed_count,
                       p.currency_id AS company_currency_id,
                       0::numeric AS unattributed_revenue, p.revenue,
                       %(model_columns)s
                  FROM per_conversion p
                  LEFT JOIN first_touch f
                    ON f.campaign_id = p.campaign_id AND f.company_id = p.company_id
                UNION ALL
                SELECT NULL::int, u.company_id, u.partner_id,
                       u.conversion_model, u.conversion_id, u.conversion_date,
                       NULL::timestamp, NULL::int, NULL::float8, 1, 1, u.currency_id, u.amount,
                       0::numeric, %(zeros)s
                  FROM unattributed u
            )
            SELECT row_number() OVER (ORDER BY p.conversion_date, p.conversion_id) AS id,
                   p.campaign_id, p.company_id, rep.currency_id, p.partner_id,
                   p.conversion_model, p.conversion_id, p.conversion_date, p.first_touch_date,
                   p.months_after_first_touch, p.lag_days, p.conversion_count,
                   p.unattributed_count, %(converted_columns)s
              FROM (
                SELECT r.*, %(factor)s AS factor FROM rows r
              ) AS p
              CROSS JOIN reporting rep
            """,
            reporting_currency=reporting_currency_sql(),
            per_model=per_model,
            conversion_columns=CONVERSION_COLUMNS,
            conversions=conversion_query(),
            model_columns=SQL(", ").join(
                SQL.identifier("p", f"revenue_{model}") for model in MODELS
            ),
            zeros=zeros,
            factor=factor_sql(
                SQL("r.company_currency_id"),
                SQL("(SELECT currency_id FROM reporting)"),
                SQL("r.company_id"),
                SQL("r.conversion_date::date"),
            ),
            converted_columns=SQL(", ").join(
                SQL("%s AS %s", converted(column), SQL.identifier(column))
                for column in (
                    "unattributed_revenue",
                    "revenue",
                    *(f"revenue_{model}" for model in MODELS),
                )
            ),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
