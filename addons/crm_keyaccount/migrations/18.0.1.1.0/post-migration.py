"""Move the key-account figures from ``res_partner`` to ``crm_keyaccount_figure``.

Up to 18.0.1.0.0 the figures were columns of the commercial partner, computed
in the partner's company (in the main company for a shared partner). They now
live in one row per customer and company. The class-A history cannot be
recomputed, so the figures are carried over as they are; the next ranking
refreshes the rest. The former columns are then dropped.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists

OLD_COLUMNS = {
    "revenue": "keyaccount_revenue",
    "abc_class": "keyaccount_abc_class",
    "profit_score": "keyaccount_profit_score",
    "opportunity_score": "keyaccount_opportunity_score",
    "partnership_score": "keyaccount_partnership_score",
    "influence_score": "keyaccount_influence_score",
    "score": "keyaccount_score",
    "class_a_periods": "keyaccount_class_a_periods",
}
DROPPED = [
    *OLD_COLUMNS.values(),
    "keyaccount_revenue_share",
    "keyaccount_suggested_title_id",
    "keyaccount_title_differs",
]


def migrate(cr, version):
    if not column_exists(cr, "res_partner", "keyaccount_abc_class"):
        return
    cr.execute("SELECT id FROM res_company ORDER BY sequence, id LIMIT 1")
    main_company = cr.fetchone()[0]
    cr.execute(
        SQL(
            """
            INSERT INTO crm_keyaccount_figure (partner_id, company_id, %(columns)s)
            SELECT partner.id, COALESCE(partner.company_id, %(main)s), %(old)s
              FROM res_partner partner
             WHERE partner.id = partner.commercial_partner_id
               AND (partner.keyaccount_revenue <> 0 OR partner.keyaccount_score <> 0
                    OR partner.keyaccount_class_a_periods <> 0)
                ON CONFLICT (partner_id, company_id) DO NOTHING
            """,
            columns=SQL(", ").join(SQL.identifier(name) for name in OLD_COLUMNS),
            old=SQL(", ").join(
                SQL.identifier("partner", column) for column in OLD_COLUMNS.values()
            ),
            main=main_company,
        )
    )
    # the base of the revenue shares, as the ranking stores it
    cr.execute(
        """
        UPDATE res_company company SET keyaccount_revenue_total = total.amount
          FROM (SELECT company_id, SUM(revenue) AS amount FROM crm_keyaccount_figure
                 WHERE revenue > 0 GROUP BY company_id) AS total
         WHERE total.company_id = company.id
        """
    )
    cr.execute(
        SQL(
            "ALTER TABLE res_partner %s",
            SQL(", ").join(
                SQL("DROP COLUMN IF EXISTS %s", SQL.identifier(column)) for column in DROPPED
            ),
        )
    )
