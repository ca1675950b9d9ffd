"""Benchmark of the key-account recompute (crm_keyaccount).

Builds, with plain SQL inserts inside one transaction that is rolled back at
the end, a portfolio of customers and posted customer invoices spread over
the last 18 months (about a third of them outside the 12-month window), then
times:

- ``env["res.partner"]._keyaccount_recompute()`` on the first run (the
  initial ranking: a row of revenue, class and scores is inserted in
  ``crm_keyaccount_figure`` for every customer), on a second run where
  nothing changed, and after a day of business (1 % more invoices, dated today: their customers'
  figures and any class change are written, class-A notes posted);
- a plain SQL query computing the same revenue ranking (revenue per
  commercial partner over the window, ranked, with the running share of the
  customers strictly above and the A/B/C class), fetched to Python.

It prints the times and their ratios to the plain SQL query (target: <= 3).

With ``--service`` (on a database where crm_service_link is installed too)
it also inserts two service requests per customer over the window, with
response and resolution targets reached, reached late, breached or running,
one request in twenty flagged as a complaint and one in ten rated, and gives
the service criterion a weight of 20: the ranking then reads the service
figures (``_keyaccount_service_figures``) as well, and the baseline query
computes the same SLA compliance and complaint count per customer.

The "first" step inserts a row per customer into ``crm_keyaccount_figure``:
it is the step that foreign keys on that table would slow down (see the
docstring of ``crm_keyaccount_figure.py`` for the figures with and without).

Each invoice is one ``account_move`` row (``amount_untaxed_signed`` is what
both the recompute and the baseline read); the journal items themselves are
not inserted since neither side reads them.

Run it on a throwaway database with the addon installed, e.g.::

    .venv/bin/python /opt/odoo/odoo-bin -c .local/odoo-test.conf -d ka_dev_bench \
        -i crm_keyaccount --without-demo=all --stop-after-init --no-http
    .venv/bin/python tests/benchmarks/bench_crm_keyaccount.py --db ka_dev_bench \
        [--scale small|full] [--config .local/odoo-test.conf]

Scales: full = 50,000 customers and 500,000 invoices; small = 5,000 / 50,000.
Add ``--service`` on a database with crm_service_link installed as well.
"""

import argparse
import time

from dateutil.relativedelta import relativedelta

import odoo
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

SCALES = {"small": (5_000, 50_000), "full": (50_000, 500_000)}


def build_data(env, customers, invoices):
    """Insert ``customers`` partners and ``invoices`` posted invoices/refunds."""
    cr = env.cr
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, is_company, active, type,
                                     customer_rank, autopost_bills, create_date, write_date)
            SELECT 'Bench ' || n, 'Bench ' || n, TRUE, TRUE, 'contact', 1, 'ask', now(), now()
              FROM generate_series(1, %(customers)s) AS n
            RETURNING id
            """,
            customers=customers,
        )
    )
    ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%(ids)s)",
            ids=ids,
        )
    )
    # Heavy-tailed revenue: the customer of rank k buys ~ 1/k; one invoice in
    # ten is a refund of a smaller amount.
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (name, move_type, state, auto_post, journal_id, company_id,
                                      currency_id, partner_id, commercial_partner_id, date,
                                      invoice_date, amount_untaxed_signed, amount_total_signed,
                                      create_date, write_date)
            SELECT 'BENCH/' || n,
                   CASE WHEN mod(n, 10) = 0 THEN 'out_refund' ELSE 'out_invoice' END,
                   'posted', 'no', %(journal)s, %(company)s, %(currency)s, p.id, p.id, d.day,
                   d.day,
                   CASE WHEN mod(n, 10) = 0 THEN -1 ELSE 1 END
                     * round((100000.0 / (1 + mod(n, %(customers)s)) + random() * 50)::numeric, 2),
                   0, now(), now()
              FROM generate_series(1, %(invoices)s) AS n
              JOIN LATERAL (SELECT (%(ids)s::int[])[1 + mod(n, %(customers)s)] AS id) p ON TRUE
              JOIN LATERAL (SELECT current_date - (random() * 540 + 0 * n)::int AS day) d ON TRUE
            """,
            journal=journal.id,
            company=company.id,
            currency=company.currency_id.id,
            customers=customers,
            invoices=invoices,
            ids=ids,
        )
    )
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE account_move")


def build_service(env, customers):
    """Insert two service requests per customer over the last 11 months, as
    the SLA engine leaves them: deadlines 4 and 16 hours after the request,
    answered and resolved at random times (some late, some never)."""
    env.cr.execute(
        SQL(
            """
            INSERT INTO crm_service_request (name, channel, priority, company_id, partner_id,
                                             commercial_partner_id, request_date,
                                             response_deadline, resolution_deadline,
                                             first_response_date, resolved_date,
                                             response_late, resolution_late, is_complaint,
                                             rating_last_value, create_date, write_date)
            SELECT 'BENCH ' || r.n, 'backend', '1', %(company)s, p.id, p.id, r.day,
                   r.day + interval '4 hours', r.day + interval '16 hours',
                   r.answered, r.resolved,
                   r.answered > r.day + interval '4 hours',
                   r.resolved > r.day + interval '16 hours',
                   mod(r.n, 20) = 0,
                   CASE WHEN mod(r.n, 10) = 0 THEN 1 + mod(r.n / 10, 5) ELSE 0 END,
                   now(), now()
              FROM (SELECT id, row_number() OVER (ORDER BY id) AS k
                      FROM res_partner WHERE name LIKE %(pattern)s) AS p
              JOIN LATERAL (
                  SELECT n, day,
                         CASE WHEN mod(n, 7) <> 0
                              THEN day + random() * interval '6 hours' END AS answered,
                         CASE WHEN mod(n, 5) <> 0
                              THEN day + random() * interval '24 hours' END AS resolved
                    FROM (SELECT p.k * 2 + i AS n,
                                 now()::timestamp - (random() * 330 + 1) * interval '1 day'
                                   AS day
                            FROM generate_series(0, 1) AS i) AS requests
              ) AS r ON TRUE
             WHERE p.k <= %(customers)s
            """,
            company=env.company.id,
            customers=customers,
            pattern="Bench %",
        )
    )
    env.cr.execute("ANALYZE crm_service_request")


def service_baseline(env):
    """SLA compliance and complaints per customer, in one plain SQL query."""
    env.cr.execute(
        SQL(
            """
            SELECT commercial_partner_id,
                   SUM(response_decided + resolution_decided),
                   SUM(response_on_time + resolution_on_time),
                   COUNT(*) FILTER (WHERE is_complaint OR rating_last_value > 0
                                          AND rating_last_value <= 2)
              FROM (SELECT commercial_partner_id, is_complaint, rating_last_value,
                           (first_response_date IS NOT NULL OR response_deadline < now())::int
                             AS response_decided,
                           (first_response_date IS NOT NULL AND NOT response_late)::int
                             AS response_on_time,
                           (resolved_date IS NOT NULL OR resolution_deadline < now())::int
                             AS resolution_decided,
                           (resolved_date IS NOT NULL AND NOT resolution_late)::int
                             AS resolution_on_time
                      FROM crm_service_request
                     WHERE company_id = %(company)s AND request_date >= %(date_from)s
                       AND commercial_partner_id IS NOT NULL) AS request
             GROUP BY commercial_partner_id
            """,
            company=env.company.id,
            date_from=odoo.fields.Date.context_today(env["res.partner"])
            - relativedelta(months=env.company.keyaccount_window_months, days=-1),
        )
    )
    return env.cr.fetchall()


def add_invoices(env, count):
    """Post ``count`` more invoices dated today, as a day of business would."""
    env.cr.execute(
        SQL(
            """
            INSERT INTO account_move (name, move_type, state, auto_post, journal_id, company_id,
                                      currency_id, partner_id, commercial_partner_id, date,
                                      invoice_date, amount_untaxed_signed, amount_total_signed)
            SELECT 'BENCH/DAY/' || n, move_type, state, auto_post, journal_id, company_id,
                   currency_id, partner_id, commercial_partner_id, current_date, current_date,
                   abs(amount_untaxed_signed), 0
              FROM (SELECT *, row_number() OVER () AS n FROM account_move
                     WHERE name LIKE %(pattern)s ORDER BY random() LIMIT %(count)s) AS sample
            """,
            pattern="BENCH/%",
            count=count,
        )
    )


def baseline(env):
    """The same revenue ranking, in one plain SQL query."""
    company = env.company
    today = odoo.fields.Date.context_today(env["res.partner"])
    env.cr.execute(
        SQL(
            """
            WITH revenue AS (
                SELECT commercial_partner_id AS id, SUM(amount_untaxed_signed) AS amount
                  FROM account_move
                 WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')
                   AND company_id = %(company)s AND commercial_partner_id IS NOT NULL
                   AND invoice_date BETWEEN %(date_from)s AND %(today)s
                 GROUP BY commercial_partner_id
            ), ranked AS (
                -- running total including ties, minus the ties: strictly greater revenue
                SELECT id, amount,
                       SUM(amount) OVER (ORDER BY amount DESC)
                         - SUM(amount) OVER (PARTITION BY amount) AS above,
                       SUM(amount) OVER () AS total
                  FROM revenue WHERE amount > 0
            )
            SELECT id, amount, amount * 100 / total,
                   CASE WHEN above * 100 / total < %(a)s THEN 'a'
                        WHEN above * 100 / total < %(b)s THEN 'b' ELSE 'c' END
              FROM ranked
            """,
            company=company.id,
            # same window as the addon: the last N months up to today, inclusive
            date_from=today - relativedelta(months=company.keyaccount_window_months, days=-1),
            today=today,
            a=company.keyaccount_abc_threshold_a,
            b=company.keyaccount_abc_threshold_b,
        )
    )
    return env.cr.fetchall()


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--config", default=".local/odoo-test.conf")
    parser.add_argument(
        "--service",
        action="store_true",
        help="with service requests and the service criterion (crm_service_link installed)",
    )
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.db])
    customers, invoices = SCALES[args.scale]
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            build_seconds, _none = timed(lambda: build_data(env, customers, invoices))
            print(
                f"data: {customers} customers, {invoices} posted invoices ({build_seconds:.1f} s)"
            )
            if args.service:
                if "crm.service.request" not in env:
                    parser.error("--service needs crm_service_link installed in the database")
                service_seconds, _none = timed(lambda: build_service(env, customers))
                env.company.keyaccount_weight_service = 20.0
                print(f"service: {2 * customers} requests, weight 20 ({service_seconds:.1f} s)")

            def plain():
                rows = baseline(env)
                if args.service:
                    service_baseline(env)
                return rows

            sql_seconds, rows = timed(plain)
            first_seconds, _none = timed(env["res.partner"]._keyaccount_recompute)
            second_seconds, _none = timed(env["res.partner"]._keyaccount_recompute)
            nightly_invoices = invoices // 100
            add_invoices(env, nightly_invoices)
            nightly_seconds, _none = timed(env["res.partner"]._keyaccount_recompute)
            sql_again, _rows = timed(plain)
            sql_seconds = min(sql_seconds, sql_again)
            classes = {}
            for row in rows:
                classes[row[3]] = classes.get(row[3], 0) + 1
            print(f"plain SQL ranking:              {sql_seconds:8.3f} s  classes {classes}")
            print(
                f"_keyaccount_recompute() first:  {first_seconds:8.3f} s  "
                f"ratio {first_seconds / sql_seconds:.2f}"
            )
            print(
                f"_keyaccount_recompute() steady: {second_seconds:8.3f} s  "
                f"ratio {second_seconds / sql_seconds:.2f} (target <= 3)"
            )
            print(
                f"_keyaccount_recompute() after {nightly_invoices} new invoices: "
                f"{nightly_seconds:8.3f} s  ratio {nightly_seconds / sql_seconds:.2f}"
            )
            check = dict(
                env.execute_query(
                    SQL(
                        "SELECT figure.abc_class, COUNT(*) FROM crm_keyaccount_figure figure "
                        "JOIN res_partner partner ON partner.id = figure.partner_id "
                        "WHERE partner.name LIKE %s AND figure.revenue > 0 GROUP BY 1",
                        "Bench %",
                    )
                )
            )
            print(f"classes written by the recompute: {check}")
            if args.service:
                [(scored,)] = env.execute_query(
                    SQL("SELECT COUNT(*) FROM crm_keyaccount_figure WHERE sla_targets > 0")
                )
                print(f"customers with SLA figures: {scored}")
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()
