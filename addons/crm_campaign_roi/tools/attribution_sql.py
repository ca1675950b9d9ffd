"""SQL building blocks of the attribution engine (``odoo.tools.SQL``, no ORM).

``conversion_query`` lists the conversions of every company according to its
``campaign_roi_conversion`` setting, with the revenue in company currency
rounded to the currency. ``eligible_query`` joins them to their eligible
touches. ``attribution_insert_query`` computes the lines of all the requested
models in one set-based statement with window functions; its weights mirror
``tools/attribution.py`` (the reference, tested directly).
"""

from odoo.tools import SQL

from .attribution import MODELS, POSITION_SHAPES, W_MILESTONE, W_OTHERS

CONVERSION_COLUMNS = SQL(
    "conversion_model, conversion_id, lead_id, sale_order_id, partner_id, "
    "conversion_date, amount, currency_id, rounding, company_id, lookback, half_life, "
    "w_first, w_middle, w_last"
)


def _company_columns():
    return SQL(
        "cur.id AS currency_id, cur.rounding AS rounding, c.id AS company_id, "
        "c.campaign_roi_lookback_days AS lookback, c.campaign_roi_half_life_days AS half_life, "
        "c.campaign_roi_weight_first AS w_first, c.campaign_roi_weight_middle AS w_middle, "
        "c.campaign_roi_weight_last AS w_last"
    )


def _rounded(expr):
    return SQL("ROUND((%s)::numeric / cur.rounding) * cur.rounding", expr)


# What each company setting counts as a conversion, and the model converting.
CONVERSION_EVENTS = {
    "crm.lead": "lead_won",
    "sale.order": "sale_confirmed",
    "account.move": "invoice_posted",
}


def _conversion_branches(company):
    return {
        "crm.lead": SQL(
            """
        SELECT 'crm.lead'::varchar AS conversion_model, l.id AS conversion_id,
               l.id AS lead_id, NULL::int AS sale_order_id,
               COALESCE(p.commercial_partner_id, l.partner_id) AS partner_id,
               COALESCE(l.date_closed, l.write_date) AS conversion_date,
               %(amount)s AS amount, %(company)s
          FROM crm_lead l
          JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
          JOIN res_company c ON c.id = l.company_id AND c.campaign_roi_conversion = 'lead_won'
          JOIN res_currency cur ON cur.id = c.currency_id
          LEFT JOIN res_partner p ON p.id = l.partner_id
         WHERE l.active""",
            company=company,
            amount=_rounded(SQL("COALESCE(l.expected_revenue, 0)")),
        ),
        "sale.order": SQL(
            """
        SELECT 'sale.order'::varchar AS conversion_model, so.id AS conversion_id,
               so.opportunity_id AS lead_id, so.id AS sale_order_id,
               p.commercial_partner_id AS partner_id, so.date_order AS conversion_date,
               %(amount)s AS amount, %(company)s
          FROM sale_order so
          JOIN res_company c
            ON c.id = so.company_id AND c.campaign_roi_conversion = 'sale_confirmed'
          JOIN res_currency cur ON cur.id = c.currency_id
          JOIN res_partner p ON p.id = so.partner_id
         WHERE so.state = 'sale'""",
            company=company,
            amount=_rounded(
                SQL("COALESCE(so.amount_untaxed, 0) / COALESCE(NULLIF(so.currency_rate, 0), 1)")
            ),
        ),
        "account.move": SQL(
            """
        SELECT 'account.move'::varchar AS conversion_model, m.id AS conversion_id,
               NULL::int AS lead_id, NULL::int AS sale_order_id,
               p.commercial_partner_id AS partner_id,
               m.invoice_date + INTERVAL '1 day' - INTERVAL '1 second' AS conversion_date,
               %(amount)s AS amount, %(company)s
          FROM account_move m
          JOIN res_company c
            ON c.id = m.company_id AND c.campaign_roi_conversion = 'invoice_posted'
          JOIN res_currency cur ON cur.id = c.currency_id
          JOIN res_partner p ON p.id = m.partner_id
         WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')""",
            company=company,
            amount=_rounded(SQL("COALESCE(m.amount_untaxed_signed, 0)")),
        ),
    }


def conversion_query(conversion_models=None):
    """Every conversion: won leads, confirmed orders or posted customer invoices.

    ``conversion_models`` limits it to the conversions of these models.
    """
    branches = _conversion_branches(_company_columns())
    return SQL(" UNION ALL ").join(
        branches[model] for model in (conversion_models or CONVERSION_EVENTS)
    )


def filtered_conversions(where, conversion_models=None):
    return SQL(
        "SELECT %s FROM (%s) AS allconv WHERE %s",
        CONVERSION_COLUMNS,
        conversion_query(conversion_models),
        where,
    )


def eligible_query(conversions):
    """Touches of the same commercial partner or lead, in the lookback window."""
    window = SQL(
        "t.company_id = conv.company_id AND t.touch_date <= conv.conversion_date "
        "AND t.touch_date >= conv.conversion_date - make_interval(days => conv.lookback)"
    )
    columns = SQL(
        "conv.*, t.id AS touch_id, t.campaign_id, t.touch_date, "
        "t.lead_id AS touch_lead_id, t.touch_type"
    )
    return SQL(
        """
        WITH conv AS (%(conversions)s)
        SELECT %(columns)s FROM conv
          JOIN crm_campaign_touch t ON t.partner_id = conv.partner_id AND %(window)s
        UNION
        SELECT %(columns)s FROM conv
          JOIN crm_campaign_touch t ON t.lead_id = conv.lead_id AND %(window)s
        """,
        conversions=conversions,
        columns=columns,
        window=window,
    )


def _weight_case(models):
    """CASE computing the weight of model ``m`` for touch ``rn`` of ``n``."""
    cases = [SQL("WHEN r.n = 1 THEN 1.0::float8")]
    for model in models:
        if model == "first_touch":
            expr = SQL("(r.rn = 1)::int::float8")
        elif model == "last_touch":
            expr = SQL("(r.rn = r.n)::int::float8")
        elif model == "linear":
            expr = SQL("1.0::float8 / r.n")
        elif model in POSITION_SHAPES:
            first, last, (two_first, two_last) = POSITION_SHAPES[model]
            expr = SQL(
                """CASE WHEN r.n = 2 THEN
                        CASE WHEN r.rn = 1 THEN %(two_first)s::float8 ELSE %(two_last)s::float8 END
                     WHEN r.rn = 1 THEN %(first)s::float8
                     WHEN r.rn = r.n THEN %(last)s::float8
                     ELSE (1.0::float8 - %(first)s::float8 - %(last)s::float8) / (r.n - 2) END""",
                first=first,
                last=last,
                two_first=two_first,
                two_last=two_last,
            )
        elif model == "w_shaped":
            expr = SQL(
                """CASE WHEN r.n = 2 THEN 0.5::float8
                     WHEN r.w_others = 0 THEN r.w_slots / 3.0::float8
                     WHEN r.w_slots > 0 THEN %(milestone)s::float8 * r.w_slots
                     ELSE %(others)s::float8 / r.w_others END""",
                milestone=W_MILESTONE,
                others=W_OTHERS,
            )
        elif model == "time_decay":
            expr = SQL("r.decay / r.decay_sum")
        elif model == "custom":
            expr = SQL(
                """CASE WHEN r.custom_sum <= 0 THEN 1.0::float8 / r.n
                     ELSE (CASE WHEN r.rn = 1 THEN r.w_first WHEN r.rn = r.n THEN r.w_last
                                ELSE r.w_middle END)::float8 / r.custom_sum END"""
            )
        else:
            raise ValueError(model)
        cases.append(SQL("WHEN m.model = %s THEN %s", model, expr))
    return SQL("CASE %s END", SQL(" ").join(cases))


def attribution_insert_query(conversions, models=MODELS):
    """INSERT the attribution lines of ``conversions`` for ``models``."""
    model_values = SQL(", ").join(SQL("(%s::varchar)", model) for model in models)
    return SQL(
        """
        INSERT INTO crm_campaign_attribution (
            conversion_model, conversion_id, lead_id, sale_order_id, partner_id, campaign_id,
            touch_id, attribution_model, weight, amount, conversion_date,
            touch_date, lag_days, company_id)
        WITH elig AS (%(eligible)s),
        ranked AS (
            SELECT e.*,
                   row_number() OVER (PARTITION BY e.conversion_model, e.conversion_id
                                      ORDER BY e.touch_date, e.touch_id) AS rn,
                   count(*) OVER (PARTITION BY e.conversion_model, e.conversion_id) AS n,
                   EXTRACT(EPOCH FROM (e.conversion_date - e.touch_date))::float8 / 86400.0
                       AS delta
              FROM elig e
        ),
        marked AS (
            SELECT r.*,
                   COALESCE(min(r.rn) FILTER (WHERE r.touch_lead_id = r.lead_id) OVER p,
                            (r.n - 1) / 2 + 1) AS lead_m,
                   COALESCE(min(r.rn) FILTER (WHERE r.touch_lead_id = r.lead_id
                                                AND r.touch_type = 'opportunity') OVER p,
                            r.n) AS opp_m,
                   power(2.0::float8, -r.delta / r.half_life) AS decay,
                   sum(power(2.0::float8, -r.delta / r.half_life)) OVER p AS decay_sum,
                   r.w_first + r.w_last + r.w_middle * GREATEST(r.n - 2, 0) AS custom_sum
              FROM ranked r
            WINDOW p AS (PARTITION BY r.conversion_model, r.conversion_id)
        ),
        slotted AS (
            SELECT k.*,
                   (k.rn = 1)::int + (k.rn = k.lead_m)::int + (k.rn = k.opp_m)::int AS w_slots,
                   k.n - 1 - (k.lead_m <> 1)::int
                       - (k.opp_m <> 1 AND k.opp_m <> k.lead_m)::int AS w_others
              FROM marked k
        ),
        weighted AS (
            SELECT r.*, m.model, %(weight)s AS weight,
                   ROUND(abs(r.amount) / r.rounding) AS units
              FROM slotted r CROSS JOIN (VALUES %(models)s) AS m(model)
        ),
        split AS (
            SELECT w.*, w.weight * w.units::float8 AS share,
                   floor(w.weight * w.units::float8) AS base
              FROM weighted w
             WHERE w.weight > 0
        ),
        placed AS (
            SELECT s.*,
                   sum(s.base) OVER q AS base_sum,
                   row_number() OVER (PARTITION BY s.conversion_model, s.conversion_id, s.model
                                      ORDER BY round((s.share - s.base)::numeric, 9) DESC, s.rn)
                       AS rk
              FROM split s
            WINDOW q AS (PARTITION BY s.conversion_model, s.conversion_id, s.model)
        )
        SELECT conversion_model, conversion_id, lead_id, sale_order_id, partner_id, campaign_id,
               touch_id, model, weight,
               sign(amount) * (base::numeric + (rk <= units - base_sum)::int) * rounding,
               conversion_date, touch_date, delta, company_id
          FROM placed
        """,
        eligible=eligible_query(conversions),
        weight=_weight_case(models),
        models=model_values,
    )
