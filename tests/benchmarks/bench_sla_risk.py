"""Backtest of the SLA breach risk of crm_service_link (a script, not a test).

A synthetic history with known team speeds: resolution times in working hours
are lognormal per team (medians 6, 12 and 24 hours), requests arrive evenly
over 4,000 working hours. The history is split by time: the Kaplan–Meier
curves of ``tools/survival.py`` are fitted on what was known at the split
(requests completed by then are events, late ones included; those still
running are censored at their elapsed time), and risk snapshots of a 16-hour
target are taken on the requests that arrive after it, every 2 working hours
while they run. It prints:

- the Brier score of the Kaplan–Meier risk against the constant-rate baseline
  (an exponential fit per team: one hazard rate, events / exposure) and the
  share of late requests per team (which ignores the elapsed time);
- reliability bins (mean predicted risk against the observed breach share);
- the mean risk per team as the remaining time falls;
- the same figures again from the same seed (they must be equal).

With ``--db``, the same estimator is also run through the ORM at a smaller
scale: closed and open requests on a round-the-clock calendar, the breach
risk job timed, its stored risks compared with the estimator's. Everything
is rolled back.

    .venv/bin/python tests/benchmarks/bench_sla_risk.py [--scale small|full]
    .venv/bin/python tests/benchmarks/bench_sla_risk.py --db svc_dev_bench \
        [--config .local/odoo-test.conf]

``full``: 6,000 requests per team (ORM: 600 closed and 100 open per team);
``small``: 1,500 (ORM: 150 and 30).
"""

import argparse
import importlib.util
import itertools
import math
import random
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SURVIVAL = ROOT / "addons" / "crm_service_link" / "tools" / "survival.py"
SCALES = {"small": (1_500, 150, 30), "full": (6_000, 600, 100)}
TEAMS = {"fast": (6.0, 0.7), "middle": (12.0, 0.8), "slow": (24.0, 0.6)}
TARGET = 16.0
HORIZON, SPLIT = 4_000.0, 2_400.0
SNAPSHOT_STEP = 2.0


def load_survival():
    spec = importlib.util.spec_from_file_location("survival", SURVIVAL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def history(seed, per_team):
    """{team: [(arrival, duration)]} with lognormal durations."""
    rng = random.Random(seed)
    data = {}
    for team, (median, sigma) in TEAMS.items():
        data[team] = [
            (rng.uniform(0, HORIZON), rng.lognormvariate(math.log(median), sigma))
            for _i in range(per_team)
        ]
    return data


def fit(survival, data):
    """Curves and constant rates per team, from what is known at SPLIT."""
    curves, rates, shares = {}, {}, {}
    for team, rows in data.items():
        durations, events = [], []
        for arrival, duration in rows:
            if arrival >= SPLIT:
                continue
            done = arrival + duration <= SPLIT
            durations.append(round(duration if done else SPLIT - arrival, 2))
            events.append(done)
        curves[team] = survival.kaplan_meier(durations, events)
        exposure = sum(durations)
        rates[team] = sum(events) / exposure
        closed = [d for d, e in zip(durations, events, strict=True) if e]
        shares[team] = sum(d > TARGET for d in closed) / len(closed)
    return curves, rates, shares


def snapshots(data):
    """(team, elapsed, breached) for every request arriving after SPLIT,
    every SNAPSHOT_STEP working hours while it runs and the target is open."""
    for team, rows in data.items():
        for arrival, duration in rows:
            if arrival < SPLIT:
                continue
            elapsed = 0.0
            while elapsed < TARGET and elapsed < duration:
                yield team, elapsed, duration > TARGET
                elapsed += SNAPSHOT_STEP


def backtest(survival, seed, per_team):
    data = history(seed, per_team)
    curves, rates, shares = fit(survival, data)
    scores = {"kaplan_meier": 0.0, "constant_rate": 0.0, "late_share": 0.0}
    bins = [[0, 0.0, 0] for _i in range(10)]
    by_remaining = {}
    count = 0
    for team, elapsed, breached in snapshots(data):
        risk = curves[team].breach_risk(TARGET, elapsed)
        baseline = math.exp(-rates[team] * (TARGET - elapsed))
        outcome = 1.0 if breached else 0.0
        scores["kaplan_meier"] += (risk - outcome) ** 2
        scores["constant_rate"] += (baseline - outcome) ** 2
        scores["late_share"] += (shares[team] - outcome) ** 2
        cell = bins[min(int(risk * 10), 9)]
        cell[0] += 1
        cell[1] += risk
        cell[2] += breached
        by_remaining.setdefault((team, TARGET - elapsed), []).append(risk)
        count += 1
    scores = {name: total / count for name, total in scores.items()}
    reliability = [
        (index / 10, n, total / n, late / n) for index, (n, total, late) in enumerate(bins) if n
    ]
    rising = {
        team: [
            (remaining, sum(risks) / len(risks))
            for (name, remaining), risks in sorted(by_remaining.items(), key=lambda i: -i[0][1])
            if name == team
        ]
        for team in TEAMS
    }
    return count, scores, reliability, rising


def report(survival, seed, per_team):
    start = time.perf_counter()
    count, scores, reliability, rising = backtest(survival, seed, per_team)
    took = time.perf_counter() - start
    print(f"{per_team} requests per team, {count} risk snapshots, {took:.2f} s")
    print("Brier score (lower is better):")
    for name, score in scores.items():
        print(f"  {name:<14} {score:.4f}")
    ok_brier = scores["kaplan_meier"] < scores["constant_rate"]
    print("Reliability (bins with at least 100 snapshots must be within ±5 points):")
    print("  bin     n    predicted  observed  gap")
    ok_bins = True
    for low, n, predicted, observed in reliability:
        gap = observed - predicted
        checked = n >= 100
        ok_bins &= not checked or abs(gap) <= 0.05
        mark = "" if checked else "  (few)"
        print(f"  {low:.1f}  {n:6d}   {predicted:8.3f}  {observed:8.3f}  {gap * 100:+5.1f}{mark}")
    print("Mean risk as the remaining time falls (hours left: risk):")
    ok_rising = True
    for team, steps in rising.items():
        risks = [risk for _left, risk in steps]
        ok_rising &= all(b >= a - 1e-12 for a, b in itertools.pairwise(risks))
        cells = "  ".join(f"{left:4.0f}h {risk:.2f}" for left, risk in steps)
        print(f"  {team:<7} {cells}")
    print(
        f"checks: brier better than constant rate {ok_brier}, reliability {ok_bins}, "
        f"risk rising {ok_rising}"
    )
    return scores, reliability, rising


def orm_part(survival, db, config, closed, running):
    import odoo
    from odoo.fields import Command
    from odoo.tools import SQL

    odoo.tools.config.parse_config(["-c", config, "-d", db])
    registry = odoo.modules.registry.Registry(db)
    rng = random.Random(11)
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        env["crm.service.sla.policy"].search([]).active = False
        calendar = env["resource.calendar"].create(
            {
                "name": "Bench round the clock",
                "tz": "UTC",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day}",
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        teams = {
            name: env["crm.service.team"].create(
                {"name": f"Bench {name}", "resource_calendar_id": calendar.id}
            )
            for name in TEAMS
        }
        env["crm.service.sla.policy"].create(
            {"name": "Bench", "response_hours": 1, "resolution_hours": TARGET}
        )
        partner = env["res.partner"].create({"name": "Bench customer"})
        stage = env["crm.service.stage"].search([("is_closed", "=", True)], limit=1)
        Request = env["crm.service.request"]
        now = odoo.fields.Datetime.now().replace(microsecond=0)
        expected_rows = {}
        open_ids = {}
        for name, (median, sigma) in TEAMS.items():
            team = teams[name]
            durations = [
                round(rng.lognormvariate(math.log(median), sigma), 2) for _ in range(closed)
            ]
            elapsed = [round(rng.uniform(0, TARGET), 2) for _ in range(running)]
            history = Request.create(
                [
                    {
                        "name": f"Closed {i}",
                        "partner_id": partner.id,
                        "team_id": team.id,
                        "request_date": now - timedelta(days=30),
                    }
                    for i in range(closed)
                ]
            )
            env.flush_all()
            values = SQL(", ").join(
                SQL("(%s, %s::float8)", rid, hours)
                for rid, hours in zip(history.ids, durations, strict=True)
            )
            cr.execute(
                SQL(
                    """UPDATE crm_service_request AS r
                          SET stage_id = %(stage)s, is_closed = TRUE,
                              resolved_date = %(now)s, resolution_working_hours = v.hours,
                              first_response_date = %(now)s, response_working_hours = 0.5
                         FROM (VALUES %(values)s) AS v(id, hours) WHERE r.id = v.id""",
                    stage=stage.id,
                    now=now,
                    values=values,
                )
            )
            opened = Request.create(
                [
                    {
                        "name": f"Open {i}",
                        "partner_id": partner.id,
                        "team_id": team.id,
                        "request_date": now - timedelta(hours=hours),
                    }
                    for i, hours in enumerate(elapsed)
                ]
            )
            open_ids[name] = opened
            curve = survival.kaplan_meier(durations + elapsed, [True] * closed + [False] * running)
            for request, hours in zip(opened, elapsed, strict=True):
                expected_rows[request.id] = curve.breach_risk(TARGET, hours)
        env.invalidate_all()
        start = time.perf_counter()
        Request._cron_breach_risk()
        took = time.perf_counter() - start
        first = {r.id: r.resolution_breach_risk for name in TEAMS for r in open_ids[name]}
        Request._cron_breach_risk()
        again = {r.id: r.resolution_breach_risk for name in TEAMS for r in open_ids[name]}
        gap = max(abs(first[rid] - expected) for rid, expected in expected_rows.items())
        print(
            f"ORM: {closed} closed and {running} open requests per team, breach risk job "
            f"{took:.2f} s; largest gap to the estimator {gap:.4f} (elapsed time measured "
            f"to the second); same risks on a second run: {first == again}"
        )
        for name in TEAMS:
            risks = [r.resolution_breach_risk for r in open_ids[name]]
            print(f"  {name:<7} mean risk {sum(risks) / len(risks):.3f} ({len(risks)} open)")
        cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", help="also run the breach risk job through the ORM")
    parser.add_argument("--config", default=".local/odoo-test.conf")
    args = parser.parse_args()
    per_team, closed, running = SCALES[args.scale]
    survival = load_survival()
    first = report(survival, args.seed, per_team)
    again = backtest(survival, args.seed, per_team)[1:]
    print(f"same history, same figures (run again from seed {args.seed}): {first == again}")
    if args.db:
        orm_part(survival, args.db, args.config, closed, running)


if __name__ == "__main__":
    main()
