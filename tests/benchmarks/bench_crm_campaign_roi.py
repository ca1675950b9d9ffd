"""Benchmark of the campaign-ROI full attribution recompute.

Builds, inside one transaction that is rolled back at the end, won
opportunities (the conversions), their customers, campaigns and touches with
plain SQL inserts, then times:

1. a plain SQL query computing the ``linear`` model directly (eligible
   touches, ``1/n`` weights, unrounded amounts), once into a temporary table
   (pure computation) and once inserted into ``crm_campaign_attribution``
   (the baseline of the targets: the lines must be stored, with the table's
   foreign keys and indexes);
2. ``crm.campaign.attribution._recompute_all`` restricted to ``linear``;
3. ``_recompute_all`` for the nine rule-based models;
4. ``_recompute_all`` restricted to ``markov`` (journeys with their null
   ends, removal effects, stored effects and lines), in the same run;
5. the job of a stream of wins: ``_refresh_pending`` over 500 marked won
   leads (the nine models), among all the touches; it runs first, on the
   empty table, as after real wins (a won deal has no lines yet).

It prints the times and the ratios to the baseline (targets: <= 3 for linear,
<= 10 for all nine models), Markov over linear (target: <= 2), and the job's
time per conversion over the full recompute's (target: <= 3; the job works
on a few leads among many touches, so it must not scan every touch for each
of them).

Run it against a throwaway database with the addon installed, e.g.::

    .venv/bin/python /opt/odoo/odoo-bin -c .local/odoo-test.conf -d roi_dev_bench \\
        -i crm_campaign_roi --without-demo=all --stop-after-init --no-http
    .venv/bin/python tests/benchmarks/bench_crm_campaign_roi.py --db roi_dev_bench \\
        [--scale small|full] [--config .local/odoo-test.conf]

``full`` is 20,000 won conversions over 1,000,000 touches and 500 campaigns;
``small`` is a tenth of that (50 campaigns). Nothing is committed.
"""

import argparse
import os
import sys
import time

SCALES = {
    "small": {"conversions": 2_000, "touches": 100_000, "campaigns": 50, "partners": 5_000},
    "full": {"conversions": 20_000, "touches": 1_000_000, "campaigns": 500, "partners": 50_000},
}

# Won leads in one run of the attribution job (a burst of wins).
JOB_BATCH = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--config", default=os.path.join(root, ".local", "odoo-test.conf"))
    parser.add_argument("--odoo", default=os.environ.get("ODOO_SRC", "/opt/odoo"))
    return parser.parse_args()


def build_data(env, scale):
    from odoo.tools import SQL

    cr = env.cr
    company = env.company
    won_stage = env["crm.stage"].create({"name": "Bench won", "is_won": True, "sequence": 99})
    stage_id = env["utm.stage"].search([], limit=1).id
    cr.execute(
        SQL(
            """
            INSERT INTO utm_campaign (name, title, user_id, stage_id, active)
            SELECT 'bench-' || g, jsonb_build_object('en_US', 'Bench ' || g), %s, %s, true
              FROM generate_series(1, %s) g
            """,
            env.uid,
            stage_id,
            scale["campaigns"],
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, is_company, active, autopost_bills, type)
            SELECT 'Bench customer ' || g, true, true, 'ask', 'contact'
              FROM generate_series(1, %s) g
            """,
            scale["partners"],
        )
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE name LIKE 'Bench customer %'"
    )
    cr.execute("SELECT min(id), max(id) FROM res_partner WHERE name LIKE 'Bench customer %'")
    pmin, pmax = cr.fetchone()
    cr.execute("SELECT min(id), max(id) FROM utm_campaign WHERE name LIKE 'bench-%'")
    cmin, cmax = cr.fetchone()
    # conversions: won over the last year
    cr.execute(
        SQL(
            """
            INSERT INTO crm_lead (name, type, active, partner_id, stage_id, probability,
                                  company_id, expected_revenue, date_closed)
            SELECT 'Bench deal ' || g, 'opportunity', true,
                   %(pmin)s + mod(g * 7919, %(pmax)s - %(pmin)s + 1), %(stage)s, 100,
                   %(company)s, round((1000 + mod(g * 37, 90000))::numeric, 2),
                   now() AT TIME ZONE 'UTC' - make_interval(days => mod(g * 13, 365)::int)
              FROM generate_series(1, %(n)s) g
            """,
            pmin=pmin,
            pmax=pmax,
            stage=won_stage.id,
            company=company.id,
            n=scale["conversions"],
        )
    )
    # touches: random partner, campaign and moment over the last two years
    cr.execute(
        SQL(
            """
            INSERT INTO crm_campaign_touch (campaign_id, partner_id, contact_id, touch_type,
                                            touch_date, company_id)
            SELECT %(cmin)s + floor(random() * (%(cmax)s - %(cmin)s + 1))::int,
                   p, p, 'ad_click',
                   now() AT TIME ZONE 'UTC' - random() * INTERVAL '730 days', %(company)s
              FROM (SELECT %(pmin)s + floor(random() * (%(pmax)s - %(pmin)s + 1))::int AS p
                      FROM generate_series(1, %(n)s)) s
            """,
            cmin=cmin,
            cmax=cmax,
            pmin=pmin,
            pmax=pmax,
            company=company.id,
            n=scale["touches"],
        )
    )
    cr.execute("ANALYZE crm_lead; ANALYZE crm_campaign_touch; ANALYZE res_partner")
    return company


def baseline_linear(env, company, into_table=False):
    """Plain SQL: linear weights and amounts straight from the tables.

    Into a temporary table (pure computation), or ``into_table``: inserted
    into ``crm_campaign_attribution`` itself, with its foreign keys and indexes,
    as any stored result must be.
    """
    from odoo.tools import SQL

    if into_table:
        target = SQL(
            "INSERT INTO crm_campaign_attribution (conversion_model, conversion_id, lead_id, "
            "partner_id, campaign_id, touch_id, attribution_model, weight, amount, "
            "conversion_date, touch_date, lag_days, company_id) "
        )
    else:
        target = SQL("CREATE TEMP TABLE bench_linear ON COMMIT DROP AS ")
    env.cr.execute(
        SQL(
            """
            %(target)s
            WITH conv AS (
                SELECT l.id, p.commercial_partner_id AS partner_id, l.date_closed AS d,
                       l.expected_revenue AS amount, c.campaign_roi_lookback_days AS lookback
                  FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
                  JOIN res_company c ON c.id = l.company_id
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE l.active AND l.company_id = %(company)s
            ), elig AS (
                SELECT conv.*, t.id AS touch_id, t.campaign_id, t.touch_date
                  FROM conv JOIN crm_campaign_touch t
                    ON t.partner_id = conv.partner_id
                   AND t.company_id = %(company)s AND t.touch_date <= conv.d
                   AND t.touch_date >= conv.d - make_interval(days => conv.lookback)
                UNION
                SELECT conv.*, t.id AS touch_id, t.campaign_id, t.touch_date
                  FROM conv JOIN crm_campaign_touch t
                    ON t.lead_id = conv.id
                   AND t.company_id = %(company)s AND t.touch_date <= conv.d
                   AND t.touch_date >= conv.d - make_interval(days => conv.lookback)
            )
            SELECT 'crm.lead' AS conversion_model, id AS conversion_id, id AS lead_id,
                   partner_id, campaign_id, touch_id, 'linear' AS attribution_model,
                   1.0 / count(*) OVER w AS weight, amount / count(*) OVER w AS amount,
                   d AS conversion_date, touch_date,
                   EXTRACT(EPOCH FROM d - touch_date) / 86400.0 AS lag_days,
                   %(company)s AS company_id
              FROM elig WINDOW w AS (PARTITION BY id)
            """,
            target=target,
            company=company.id,
        )
    )
    return env.cr.rowcount


def timed(label, func):
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {elapsed:8.2f} s   ({result} rows)")
    return elapsed


def main():
    args = parse_args()
    sys.path.insert(0, args.odoo)
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.db])
    scale = SCALES[args.scale]
    registry = Registry(args.db)
    from odoo.addons.crm_campaign_roi.tools.attribution import MODELS

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            start = time.perf_counter()
            company = build_data(env, scale)
            print(
                f"scale {args.scale}: {scale['conversions']} won conversions, "
                f"{scale['touches']} touches, {scale['campaigns']} campaigns "
                f"(built in {time.perf_counter() - start:.1f} s)"
            )
            Attribution = env["crm.campaign.attribution"]
            compute = timed(
                "plain SQL, linear, into a temp table", lambda: baseline_linear(env, company)
            )
            base = timed(
                "plain SQL, linear, inserted into the table",
                lambda: baseline_linear(env, company, into_table=True),
            )
            env.cr.execute("DELETE FROM crm_campaign_attribution")
            env.cr.execute("ANALYZE crm_campaign_attribution")
            env.cr.execute(
                "UPDATE crm_lead SET campaign_roi_pending = TRUE WHERE id IN "
                "(SELECT id FROM crm_lead WHERE name LIKE 'Bench deal %%' ORDER BY id LIMIT %s)",
                [JOB_BATCH],
            )
            env.invalidate_all()
            job = timed(
                f"job of {JOB_BATCH} wins, all nine models",
                lambda: len(Attribution._refresh_pending(limit=JOB_BATCH)),
            )
            linear = timed(
                "full recompute, linear model",
                lambda: Attribution._recompute_all(company, models=("linear",)),
            )
            everything = timed(
                "full recompute, all nine models",
                lambda: Attribution._recompute_all(company, models=MODELS),
            )
            markov = timed(
                "full recompute, markov model",
                lambda: Attribution._recompute_all(company, models=("markov",)),
            )
            env.cr.execute(
                "SELECT count(*), bool_and(sufficient) FROM crm_campaign_markov_effect "
                "WHERE company_id = %s",
                [company.id],
            )
            channels, sufficient = env.cr.fetchone()
            print(f"markov: {channels} channels, enough data: {sufficient}")
            per_job = job / JOB_BATCH
            per_full = everything / scale["conversions"]
            print(f"ratio linear / plain insert:     {linear / base:6.2f}   (target <= 3)")
            print(f"ratio all nine / plain insert:   {everything / base:6.2f}   (target <= 10)")
            print(f"ratio markov / linear:           {markov / linear:6.2f}   (target <= 2)")
            print(
                f"ratio job / full, per conversion: {per_job / per_full:6.2f}   (target <= 3; "
                f"{per_job * 1000:.2f} ms against {per_full * 1000:.2f} ms)"
            )
            print(f"ratio linear / plain compute:    {linear / compute:6.2f}")
            print(f"ratio all nine / plain compute:  {everything / compute:6.2f}")
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()
