"""Benchmark of our addons' overhead on Odoo's core flows.

Builds (or reuses with ``--reuse``) two throwaway databases without demo data:

* plain: ``crm``, ``sale_crm``, ``account``, ``sale_margin`` and ``portal``;
* ours: the same plus ``crm_keyaccount``, ``crm_campaign_roi`` and
  ``crm_service_link``.

Then, in one process and interleaved round by round so that both databases
share the machine's noise, it times as the administrator (not the
superuser, so access rights and record rules apply) and one record at a
time, as a user clicks:

1. creating an opportunity that carries a campaign;
2. winning it;
3. confirming a quotation (created beforehand, untimed);
4. posting a customer invoice (created beforehand, untimed).

Each operation is timed with the flush that its request's commit would do.
The handoff and the attribution of a won deal are made by scheduled jobs
that the win wakes: they are timed apart ("jobs of the win", run here after
each win in the round's transaction, one deal at a time as on a quiet
server) and added to the win in "win + its jobs", all the work a win causes. Each round runs in
a transaction that is rolled back. It prints the median per-operation time
of each database over the rounds and the ratio ours/plain (target: every
ratio <= 1.5)::

    .venv/bin/python tests/benchmarks/bench_overhead.py [--rounds 7] [--per-round 40]
        [--ours crm_campaign_roi] [--reuse] [--config .local/odoo-test.conf]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAIN = "crm,sale_crm,account,sale_margin,portal"
OURS = "crm_keyaccount,crm_campaign_roi,crm_service_link"
OPERATIONS = ("create opportunity", "win opportunity", "confirm quotation", "post invoice")
# The handoff and the attribution of a won deal are made by jobs that the win
# wakes (crm_service_link, crm_campaign_roi): timed apart, one deal at a time
# as on a quiet server (under load they take many deals per run), and added
# to the win below.
AFTER_WIN = "jobs of the win"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain-db", default="bench_overhead_plain")
    parser.add_argument("--ours-db", default="bench_overhead_ours")
    parser.add_argument("--ours", default=OURS, help="our addons to install (default: all)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="keep existing databases")
    parser.add_argument("--config", default=os.path.join(ROOT, ".local", "odoo-test.conf"))
    parser.add_argument("--odoo", default=os.environ.get("ODOO_SRC", "/opt/odoo"))
    return parser.parse_args()


def build_database(args, db, modules):
    import odoo

    if db in odoo.service.db.list_dbs(force=True):
        if args.reuse:
            print(f"reusing {db}", flush=True)
            return
        # The test configuration hides the database manager (list_db = False),
        # which also blocks dropping; this throwaway script may drop its own.
        odoo.tools.config["list_db"] = True
        odoo.service.db.exp_drop(db)
    print(f"building {db} with {modules}...", flush=True)
    subprocess.run(
        [
            sys.executable,
            os.path.join(args.odoo, "odoo-bin"),
            *("-c", args.config, "-d", db, "-i", modules, "--without-demo=all"),
            *("--stop-after-init", "--no-http", "--log-level=warn"),
        ],
        check=True,
    )


def prepare(env, n, tag):
    """Untimed records of one round: customers, a product, a campaign."""
    partners = env["res.partner"].create(
        [{"name": f"Bench {tag} customer {i}", "is_company": True} for i in range(n)]
    )
    product = env["product.product"].create({"name": f"Bench {tag} product", "list_price": 100})
    campaign = env["utm.campaign"].create({"name": f"Bench {tag} campaign"})
    return partners, product, campaign


def backend_cpu(cr):
    """CPU seconds used so far by the PostgreSQL backend of ``cr`` (Linux)."""
    pid = cr.connection.get_backend_pid()
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # another host, or no /proc: the wall-clock figures remain
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(times, name, func, env):
    """Time ``func`` with the flush that the request's commit would do: the
    wall-clock time, and the CPU time of this process and of its database
    backend (which other work on the machine does not lengthen)."""
    cr = env.cr
    start, cpu = time.perf_counter(), time.process_time() + backend_cpu(cr)
    result = func()
    env.flush_all()
    times.setdefault(name, []).append(time.perf_counter() - start)
    times.setdefault(f"cpu:{name}", []).append(time.process_time() + backend_cpu(cr) - cpu)
    return result


def run_win_jobs(env):
    """What the jobs woken by a win do (as the superuser, like the jobs)."""
    env = env(su=True)
    if "crm.service.handoff" in env:
        env["crm.service.handoff"]._cron_create_pending()
    if "crm.campaign.attribution" in env:
        env["crm.campaign.attribution"]._cron_refresh_pending()


def run_round(registry, n, tag):
    import odoo

    times = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        partners, product, campaign = prepare(env, n, tag)
        uenv = env(user=admin)
        leads = []
        for partner in partners:
            leads.append(
                timed(
                    times,
                    "create opportunity",
                    lambda partner=partner: uenv["crm.lead"].create(
                        {
                            "name": f"Bench {partner.name}",
                            "type": "opportunity",
                            "partner_id": partner.id,
                            "campaign_id": campaign.id,
                            "expected_revenue": 1000.0,
                        }
                    ),
                    uenv,
                )
            )
        for lead in leads:
            timed(times, "win opportunity", lead.action_set_won, uenv)
            if "crm.service.handoff" in uenv or "crm.campaign.attribution" in uenv:
                timed(times, AFTER_WIN, lambda: run_win_jobs(uenv), uenv)
        orders = uenv["sale.order"].create(
            [
                {
                    "partner_id": lead.partner_id.id,
                    "opportunity_id": lead.id,
                    "campaign_id": campaign.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
                }
                for lead in leads
            ]
        )
        for order in orders:
            timed(times, "confirm quotation", order.action_confirm, uenv)
        moves = uenv["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "campaign_id": campaign.id,
                    "invoice_line_ids": [
                        (0, 0, {"product_id": product.id, "quantity": 1, "price_unit": 100})
                    ],
                }
                for partner in partners
            ]
        )
        for move in moves:
            timed(times, "post invoice", move.action_post, uenv)
        cr.rollback()
    return {name: statistics.mean(values) for name, values in times.items()}


def main():
    args = parse_args()
    sys.path.insert(0, args.odoo)
    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    build_database(args, args.plain_db, PLAIN)
    build_database(args, args.ours_db, f"{PLAIN},{args.ours}")
    registries = {
        "plain": odoo.modules.registry.Registry(args.plain_db),
        "ours": odoo.modules.registry.Registry(args.ours_db),
    }
    results = {key: {} for key in registries}
    # A warm-up round in each database, not counted (caches, first queries).
    for key, registry in registries.items():
        run_round(registry, 3, f"warm-{key}")
    for index in range(args.rounds):
        order = list(registries) if index % 2 == 0 else list(reversed(registries))
        for key in order:
            for name, value in run_round(registries[key], args.per_round, f"{index}").items():
                results[key].setdefault(name, []).append(value)
        print(f"round {index + 1}/{args.rounds} done", flush=True)
    worst = {prefix: report(results, prefix) for prefix in ("", "cpu:")}
    print(f"\nworst ratio {worst['']:.2f} in time, {worst['cpu:']:.2f} in CPU time (target <= 1.5)")


def report(results, prefix):
    """Print the table of one measure (wall-clock, or CPU time); the worst ratio."""
    plain, ours = results["plain"], results["ours"]

    def median(values, name):
        return statistics.median(values[prefix + name]) * 1000

    unit = "cpu ms" if prefix else "ms"
    print(f"\n{'operation':<24} {f'plain ({unit})':>14} {f'ours ({unit})':>13} {'ratio':>6}")
    worst = 0.0
    for name in OPERATIONS:
        ratio = median(ours, name) / median(plain, name)
        worst = max(worst, ratio)
        print(f"{name:<24} {median(plain, name):>14.2f} {median(ours, name):>13.2f} {ratio:>6.2f}")
    if prefix + AFTER_WIN in ours:
        # all the work a win causes: its transaction, then its jobs
        both = statistics.median(
            a + b
            for a, b in zip(ours[prefix + "win opportunity"], ours[prefix + AFTER_WIN], strict=True)
        )
        win = median(plain, "win opportunity")
        print(f"{AFTER_WIN:<24} {'-':>14} {median(ours, AFTER_WIN):>13.2f}")
        print(f"{'win + its jobs':<24} {win:>14.2f} {both * 1000:>13.2f} {both * 1000 / win:>6.2f}")
    return worst


if __name__ == "__main__":
    main()
