"""SQL of the holdout lift: the conversions of each arm (``odoo.tools.SQL``).

The recipients of both arms come in as arrays (holdout, treated or not,
customer); the conversions are those of ``attribution_sql.conversion_query``
(the company's conversion event), of the recipient's customer, in the
holdout's company, dated from the send to the end of the company's lookback
window after it. Revenue is converted into the reporting currency at the
conversion date, as every campaign figure.
"""

from odoo.tools import SQL

from .attribution_sql import filtered_conversions
from .currency_sql import convert_sql, reporting_currency_sql


def arm_figures_query(holdout_ids, arm_holdouts, arm_treated, arm_partners, companies):
    """Per holdout and arm: recipients, converted recipients, revenue and the
    sum of the revenue of each recipient squared."""
    partners = sorted({partner for partner in arm_partners if partner})
    conversions = filtered_conversions(
        SQL("company_id = ANY(%s) AND partner_id = ANY(%s)", companies, partners)
    )
    amount = convert_sql(
        SQL("conv.amount"),
        SQL("conv.currency_id"),
        reporting_currency_sql(),
        SQL("conv.company_id"),
        SQL("conv.conversion_date"),
    )
    return SQL(
        """
        WITH arm AS (
            SELECT * FROM unnest(%(holdouts)s::int[], %(treated)s::bool[], %(partners)s::int[])
                AS arm(holdout_id, treated, partner_id)
        ), h AS (
            SELECT id, company_id, sent_date FROM crm_campaign_holdout
             WHERE id = ANY(%(ids)s) AND sent_date IS NOT NULL
        ), conv AS MATERIALIZED (%(conversions)s),
        per_customer AS (
            SELECT pair.holdout_id, pair.partner_id, SUM(%(amount)s)::float AS revenue
              FROM (SELECT DISTINCT holdout_id, partner_id FROM arm
                     WHERE partner_id IS NOT NULL) AS pair
              JOIN h ON h.id = pair.holdout_id
              JOIN conv ON conv.partner_id = pair.partner_id AND conv.company_id = h.company_id
               AND conv.conversion_date >= h.sent_date
               AND conv.conversion_date <= h.sent_date + make_interval(days => conv.lookback)
             GROUP BY pair.holdout_id, pair.partner_id
        )
        SELECT arm.holdout_id, arm.treated, COUNT(*) AS recipients,
               COUNT(pc.partner_id) AS conversions,
               COALESCE(SUM(pc.revenue), 0.0) AS revenue,
               COALESCE(SUM(pc.revenue * pc.revenue), 0.0) AS revenue_squares
          FROM arm
          JOIN h ON h.id = arm.holdout_id
          LEFT JOIN per_customer pc
            ON pc.holdout_id = arm.holdout_id AND pc.partner_id = arm.partner_id
         GROUP BY arm.holdout_id, arm.treated
        """,
        holdouts=arm_holdouts,
        treated=arm_treated,
        partners=[partner or None for partner in arm_partners],
        ids=list(holdout_ids),
        conversions=conversions,
        amount=amount,
    )
