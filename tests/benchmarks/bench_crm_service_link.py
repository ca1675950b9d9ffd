"""Benchmark of crm_service_link SLA deadlines (a script, not a test).

Creates service requests across 3 calendars (with holidays) and 3 policies in
one ``create`` per 1,000 requests, then runs the SLA escalation job over the
open requests. Each part is timed against a plain loop calling
``resource.calendar.plan_hours`` per deadline, measured in the same run (on a
sample, extrapolated per 1,000 requests). Everything is rolled back at the end.

Run it on a throwaway database where the addon is installed without demo:

    .venv/bin/python /opt/odoo/odoo-bin -c .local/odoo-test.conf -d svc_dev_bench \
        -i crm_service_link --without-demo=all --stop-after-init --no-http
    .venv/bin/python tests/benchmarks/bench_crm_service_link.py --db svc_dev_bench \
        [--scale small|full] [--config .local/odoo-test.conf]

``full``: 20,000 requests created by the ORM and 100,000 open requests for the
job; ``small``: 2,000 and 10,000.

Last, the SLA repair (a replay of each request's history) is timed against the
live engine on the same events: requests get 10 events each (stage changes
into and out of a pause, priority and team changes, a reply, the closing),
applied by the live engine in one write per event for all requests; then all
of them are repaired. ``full``: 10,000 requests, ``small``: 1,000; ``--replay``
sets another count. Target: the repair takes at most twice the live engine.
"""

import argparse
import os
import random
import time
from datetime import datetime, timedelta, timezone

SCALES = {"small": (2_000, 10_000), "full": (20_000, 100_000)}
REPLAY_SCALES = {"small": 1_000, "full": 10_000}
BASELINE_SAMPLE = 300


def build_setup(env):
    Command = __import__("odoo.fields", fromlist=["Command"]).Command
    env["crm.service.sla.policy"].search([]).active = False
    calendars = []
    for name, tz, spans in (
        ("Bench Kyiv", "Europe/Kyiv", ((9, 12, "morning"), (13, 17, "afternoon"))),
        ("Bench UTC", "UTC", ((8, 16, "morning"),)),
        ("Bench New York", "America/New_York", ((9, 13, "morning"), (14, 18, "afternoon"))),
    ):
        calendars.append(
            env["resource.calendar"].create(
                {
                    "name": name,
                    "tz": tz,
                    "attendance_ids": [Command.clear()]
                    + [
                        Command.create(
                            {
                                "name": f"{day}",
                                "dayofweek": str(day),
                                "hour_from": start,
                                "hour_to": end,
                                "day_period": period,
                            }
                        )
                        for day in range(5)
                        for start, end, period in spans
                    ],
                }
            )
        )
    today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    env["resource.calendar.leaves"].create(
        [
            {
                "name": f"Holiday {i}",
                "calendar_id": False,
                "date_from": today + timedelta(days=i * 9),
                "date_to": today + timedelta(days=i * 9, hours=23),
            }
            for i in range(-4, 6)
        ]
    )
    teams = env["crm.service.team"].create(
        [
            {
                "name": f"Bench team {i}",
                "resource_calendar_id": cal.id,
                "manager_id": env.ref("base.user_admin").id,
            }
            for i, cal in enumerate(calendars)
        ]
    )
    for i, team in enumerate(teams):
        env["crm.service.sla.policy"].create(
            {
                "name": f"Bench policy {i}",
                "team_ids": [Command.link(team.id)],
                "response_hours": 2 + 2 * i,
                "resolution_hours": 16 + 8 * i,
                "warning_percent": 80,
            }
        )
    partner = env["res.partner"].create({"name": "Bench customer", "is_company": True})
    return teams, partner


def vals_list(teams, partner, count, seed):
    rnd = random.Random(seed)
    now = datetime.now().replace(microsecond=0)
    return [
        {
            "name": f"Bench request {i}",
            "team_id": teams[i % 3].id,
            "partner_id": partner.id,
            "request_date": now - timedelta(minutes=rnd.randint(0, 60 * 24 * 20)),
        }
        for i in range(count)
    ]


def baseline_per_1000(env, vals, teams):
    """Plain loop: plan_hours per deadline (4 per request), as the model would do one by one."""
    policies = {p.team_ids.id: p for p in env["crm.service.sla.policy"].search([])}
    sample = vals[:BASELINE_SAMPLE]
    start = time.perf_counter()
    for v in sample:
        team = env["crm.service.team"].browse(v["team_id"])
        policy = policies[team.id]
        calendar = team.resource_calendar_id
        day = v["request_date"].replace(tzinfo=timezone.utc)
        for hours in (policy.response_hours, policy.resolution_hours):
            for share in (1.0, policy.warning_percent / 100.0):
                calendar.plan_hours(hours * share, day, compute_leaves=True)
    return (time.perf_counter() - start) * 1000 / len(sample)


def wall():
    """Wall-clock seconds that freezegun does not freeze (time.* it does)."""
    return os.times().elapsed


def bench_replay(env, teams, partner, count):
    """Live engine over 10 events per request, then the repair of them all."""
    from freezegun import freeze_time

    stages = {
        xmlid: env.ref(f"crm_service_link.crm_service_stage_{xmlid}")
        for xmlid in ("in_progress", "waiting", "solved")
    }
    env["crm.service.sla.policy"].search([("name", "like", "Bench policy")]).write(
        {"pause_stage_ids": [(4, stages["waiting"].id)]}
    )
    start_date = datetime(2026, 3, 23, 7, 0)
    with freeze_time(start_date):
        requests = env["crm.service.request"].create(
            [
                {
                    "name": f"Replay request {i}",
                    "team_id": teams[i % 3].id,
                    "partner_id": partner.id,
                    "request_date": start_date,
                }
                for i in range(count)
            ]
        )
        env.flush_all()
    events = [
        ("stage", "in_progress"),
        ("stage", "waiting"),
        ("stage", "in_progress"),
        ("priority", "2"),
        ("team", 1),
        ("reply", None),
        ("stage", "waiting"),
        ("stage", "in_progress"),
        ("team", 2),
        ("stage", "solved"),
    ]
    author = env.ref("base.user_admin")
    live = 0.0
    for step, (kind, arg) in enumerate(events, start=1):
        moment = start_date + timedelta(hours=7 * step, minutes=13)
        with freeze_time(moment):
            begin = wall()
            if kind == "stage":
                requests.write({"stage_id": stages[arg].id})
            elif kind == "priority":
                requests.write({"priority": arg})
            elif kind == "team":
                for index in range(len(teams)):
                    requests.filtered(lambda r, i=index: r.id % 3 == i).write(
                        {"team_id": teams[(index + arg) % 3].id}
                    )
            else:
                for request in requests:
                    request.with_user(author).message_post(
                        body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
                    )
            env.flush_all()
            live += wall() - begin
        env.invalidate_all()
    segments = env["crm.service.sla.segment"].search_count([("request_id", "in", requests.ids)])
    with freeze_time(moment):
        begin = wall()
        for chunk in range(0, count, 1000):
            requests[chunk : chunk + 1000]._sla_repair()
            env.flush_all()
        replay = wall() - begin
    print(
        f"SLA over {count} requests x {len(events)} events ({segments} segments): "
        f"live engine {live:7.2f} s | repair (replay) {replay:7.2f} s | "
        f"replay/live x{replay / live:.2f} (target <= 2)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--config", default=".local/odoo-test.conf")
    parser.add_argument("--replay", type=int, help="requests of the replay benchmark")
    parser.add_argument("--only-replay", action="store_true", help="skip the other parts")
    args = parser.parse_args()
    created, open_total = SCALES[args.scale]

    import odoo
    from odoo.tools import SQL

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.db])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        teams, partner = build_setup(env)
        Request = env["crm.service.request"]
        if args.only_replay:
            bench_replay(env, teams, partner, args.replay or REPLAY_SCALES[args.scale])
            cr.rollback()
            return
        print(f"scale={args.scale}: create {created} requests, SLA job over {open_total} open")

        # 1. Planning only: our batch vs plain plan_hours loop
        vals = vals_list(teams, partner, created, 1)
        entries = []
        policies = {p.team_ids.id: p for p in env["crm.service.sla.policy"].search([])}
        for v in vals:
            policy = policies[v["team_id"]]
            calendar = policy._get_calendar(env["crm.service.team"].browse(v["team_id"]))
            entries.extend(Request._sla_entries(policy, calendar, v["request_date"], 0).values())
        start = time.perf_counter()
        env["resource.calendar"]._service_plan(entries)
        ours_plan = (time.perf_counter() - start) * 1000 / (created / 1000)
        base = baseline_per_1000(env, vals, teams) * 1000
        print(
            f"deadline planning per 1,000 requests: batch {ours_plan:8.1f} ms | "
            f"plan_hours loop {base:8.1f} ms (sample of {BASELINE_SAMPLE}) | "
            f"ratio x{base / ours_plan:.1f}"
        )

        # 2. Full ORM create, 1,000 per create call
        start = time.perf_counter()
        for chunk in range(0, created, 1000):
            Request.create(vals[chunk : chunk + 1000])
        env.flush_all()
        ours_create = (time.perf_counter() - start) * 1000 / (created / 1000)
        print(
            f"create (ORM insert + deadlines) per 1,000: {ours_create:8.1f} ms | "
            f"plan_hours loop alone {base:8.1f} ms | ratio x{base / ours_create:.1f}"
        )

        # 3. SLA job over the open requests: bulk copy up to open_total
        missing = open_total - Request.search_count([("is_closed", "=", False)])
        if missing > 0:
            cols = [
                "name",
                "company_id",
                "team_id",
                "partner_id",
                "commercial_partner_id",
                "stage_id",
                "is_closed",
                "priority",
                "channel",
                "request_date",
                "sla_policy_id",
                "sla_clock_start",
                "sla_clock_credit",
                "response_deadline",
                "resolution_deadline",
                "response_warning_date",
                "resolution_warning_date",
            ]
            col_sql = SQL(", ").join(SQL.identifier(c) for c in cols)
            cr.execute(
                SQL(
                    """INSERT INTO crm_service_request (%(cols)s)
                   SELECT %(cols)s FROM crm_service_request
                    CROSS JOIN generate_series(1, %(times)s)
                    ORDER BY random() LIMIT %(missing)s""",
                    cols=col_sql,
                    times=missing // created + 1,
                    missing=missing,
                )
            )
        # warnings and breaches already handled before the run are marked
        cr.execute(
            SQL(
                """UPDATE crm_service_request SET response_warned = true, response_escalated = true,
                      resolution_warned = true, resolution_escalated = true
                WHERE mod(id, 50) <> 0"""
            )
        )
        env.invalidate_all()
        start = time.perf_counter()
        Request._cron_sla_escalation()
        env.flush_all()
        job = time.perf_counter() - start
        job_per_1000 = job * 1000 / (open_total / 1000)
        print(
            f"SLA job over {open_total} open requests: {job:6.2f} s, "
            f"{job_per_1000:8.1f} ms per 1,000 | plan_hours loop {base:8.1f} ms per 1,000 | "
            f"ratio x{base / job_per_1000:.1f}"
        )
        cr.rollback()
        bench_replay(env, teams, partner, args.replay or REPLAY_SCALES[args.scale])
        cr.rollback()


if __name__ == "__main__":
    main()
