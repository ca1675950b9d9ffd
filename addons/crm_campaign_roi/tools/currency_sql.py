"""Currency conversion in SQL, as ``res.currency._convert`` does (no ORM).

A rate is the one of the company's root company (or a shared rate) on the
last date on or before the document's date, else the first one known, else
1; company-specific rates come before shared ones.
"""

from odoo.tools import SQL


def rate_sql(currency, company, date):
    """SQL expression of the rate of ``currency`` for ``company`` on ``date``."""
    root = SQL(
        "(SELECT split_part(rc.parent_path, '/', 1)::int FROM res_company rc WHERE rc.id = %s)",
        company,
    )
    scope = SQL(
        "roi_rate.currency_id = %(currency)s "
        "AND (roi_rate.company_id IS NULL OR roi_rate.company_id = %(root)s)",
        currency=currency,
        root=root,
    )
    return SQL(
        """COALESCE(
            (SELECT roi_rate.rate FROM res_currency_rate roi_rate
              WHERE %(scope)s AND roi_rate.name <= %(date)s
              ORDER BY roi_rate.company_id, roi_rate.name DESC LIMIT 1),
            (SELECT roi_rate.rate FROM res_currency_rate roi_rate WHERE %(scope)s
              ORDER BY roi_rate.company_id, roi_rate.name LIMIT 1),
            1.0)""",
        scope=scope,
        date=date,
    )


def factor_sql(from_currency, to_currency, company, date):
    """SQL expression of the factor converting ``from_currency`` amounts."""
    return SQL(
        "CASE WHEN %(from)s = %(to)s THEN 1.0 ELSE %(rate_to)s / %(rate_from)s END",
        rate_to=rate_sql(to_currency, company, date),
        rate_from=rate_sql(from_currency, company, date),
        **{"from": from_currency, "to": to_currency},
    )


def convert_sql(amount, from_currency, to_currency, company, date):
    """SQL expression of ``amount`` converted, unrounded."""
    return SQL("(%s) * %s", amount, factor_sql(from_currency, to_currency, company, date))


def reporting_currency_sql():
    """SQL subquery of the reporting currency: the main company's setting."""
    return SQL(
        """(SELECT COALESCE(mc.campaign_roi_reporting_currency_id, mc.currency_id)
              FROM res_company mc
              LEFT JOIN ir_model_data d ON d.model = 'res.company' AND d.res_id = mc.id
                   AND d.module = 'base' AND d.name = 'main_company'
             ORDER BY d.id IS NULL, mc.id LIMIT 1)"""
    )
