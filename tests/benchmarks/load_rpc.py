"""Load test: parallel JSON-RPC clients against a multi-worker Odoo server.

Uses the two databases of ``bench_overhead.py`` (plain Odoo, and the same
with our three addons; built when missing), adds the records the clients
need (committed: the databases are throwaway), then for each phase starts
Odoo in prefork mode (``--workers``), runs ``--clients`` parallel JSON-RPC
clients for ``--seconds`` and stops the server:

1. ``ours, wins``: every client wins deals that carry a campaign;
2. ``plain, wins``: the same workload on plain Odoo;
   (phases 1 and 2 alternate for ``--rounds`` rounds, so that both share the
   machine's noise and the randomness of Odoo's retry delays, each round in
   the other order than the one before, so that neither always runs first on
   a machine that warms up; their figures are the sums over the rounds)
3. ``ours, mixed``: clients in turn win deals, create service requests and
   read the key-account list (80 companies with their key-account figures).

It prints progress every five seconds, then throughput and p50/p95 per
operation and phase, the serialization failures that the server retried
(from its log), the errors returned to clients, and checks that nothing
broke in our database: exactly one handoff per won deal (made by the job
each win wakes, on the server's cron worker; the phase waits for it and says
how long), none left waiting, attribution
weights summing to 1 per conversion and model, and every request with an
SLA policy carrying its deadlines. Targets: win throughput of phase 1 at
least 0.9x that of phase 2, no more serialization failures (retried by the
server, or returned to a client after Odoo's retries) than plain Odoo, no
other client error and no broken invariant::

    .venv/bin/python tests/benchmarks/load_rpc.py [--clients 20] [--workers 4]
        [--seconds 30] [--rounds 4] [--port 8269] [--rebuild] [--config .local/odoo-test.conf]
"""

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from http.cookiejar import CookieJar

from bench_overhead import OURS, PLAIN, ROOT, build_database

LEADS_PER_PHASE = 3000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain-db", default="bench_overhead_plain")
    parser.add_argument("--ours-db", default="bench_overhead_ours")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument(
        "--rounds", type=int, default=4, help="rounds of the two win workloads, alternated"
    )
    parser.add_argument("--port", type=int, default=8269)
    parser.add_argument("--config", default=os.path.join(ROOT, ".local", "odoo-test.conf"))
    parser.add_argument("--odoo", default=os.environ.get("ODOO_SRC", "/opt/odoo"))
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    args = parser.parse_args()
    args.reuse = not args.rebuild
    return args


def prepare(db, tag, ours):
    """Open opportunities with a campaign for the clients to win, and, in our
    database, a service team with a matching SLA policy."""
    import odoo

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        campaign = env["utm.campaign"].create({"name": f"Load {tag}"})
        partners = env["res.partner"].create(
            [{"name": f"Load {tag} customer {i}", "is_company": True} for i in range(200)]
        )
        leads = env["crm.lead"].create(
            [
                {
                    "name": f"Load {tag} deal {i}",
                    "type": "opportunity",
                    "partner_id": partners[i % len(partners)].id,
                    "campaign_id": campaign.id,
                    "expected_revenue": 1000.0 + i,
                }
                for i in range(LEADS_PER_PHASE)
            ]
        )
        team = False
        if ours:
            team = env["crm.service.team"].create({"name": f"Load {tag} support"})
            env["crm.service.sla.policy"].create(
                {
                    "name": f"Load {tag} policy",
                    "team_ids": [(6, 0, team.ids)],
                    "response_hours": 4,
                    "resolution_hours": 16,
                    "warning_percent": 75,
                }
            )
            team = team.id
        return {"leads": leads.ids, "partners": partners.ids, "team": team}


class Client:
    def __init__(self, base, db):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.ids = itertools.count(1)
        self.call("/web/session/authenticate", {"db": db, "login": "admin", "password": "admin"})

    def call(self, path, params):
        body = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params, "id": next(self.ids)}
        )
        request = urllib.request.Request(
            self.base + path, body.encode(), {"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=120) as response:
            reply = json.loads(response.read())
        if "error" in reply:
            raise RuntimeError(reply["error"].get("data", {}).get("message") or reply["error"])
        return reply["result"]

    def call_kw(self, model, method, args, kwargs=None):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )


def operations(client, data, mixed, index):
    """The client's endless sequence of (name, callable)."""
    partners = data["partners"]
    kinds = ["win", "request", "read"] if mixed else ["win"]
    for step in itertools.count(index):
        kind = kinds[step % len(kinds)]
        if kind == "win":
            lead_id = data["lead_iter"]()
            if lead_id is None:
                return
            yield (
                "win deal",
                lambda lead_id=lead_id: client.call_kw("crm.lead", "action_set_won", [[lead_id]]),
            )
        elif kind == "request":
            partner_id = partners[step % len(partners)]
            yield (
                "create request",
                lambda partner_id=partner_id: client.call_kw(
                    "crm.service.request",
                    "create",
                    [{"name": "Load request", "partner_id": partner_id, "team_id": data["team"]}],
                ),
            )
        else:
            yield (
                "read key accounts",
                lambda: client.call_kw(
                    "res.partner",
                    "web_search_read",
                    [],
                    {
                        "domain": [("is_company", "=", True)],
                        "specification": {
                            "display_name": {},
                            "keyaccount_title_id": {"fields": {"display_name": {}}},
                            "keyaccount_abc_class": {},
                            "keyaccount_revenue": {},
                            "keyaccount_score": {},
                        },
                        "limit": 80,
                    },
                ),
            )


def start_server(args, db, logfile):
    if os.path.exists(logfile):
        os.remove(logfile)  # the retries are counted in this phase's log only
    command = [
        sys.executable,
        os.path.join(args.odoo, "odoo-bin"),
        *("-c", args.config, "-d", db, f"--db-filter=^{db}$", "--no-database-list"),
        # one cron worker, as a real server: it makes the handoffs and the
        # attribution of the won deals (jobs woken by the wins)
        *(f"--workers={args.workers}", "--max-cron-threads=1", f"--http-port={args.port}"),
        f"--gevent-port={args.port + 1}",
        *("--limit-time-real=600", "--limit-time-cpu=600", f"--logfile={logfile}"),
        "--limit-memory-soft=4294967296",
        "--limit-memory-hard=5368709120",
    ]
    server = subprocess.Popen(command)
    base = f"http://127.0.0.1:{args.port}"
    for _attempt in range(120):
        try:
            urllib.request.urlopen(base + "/web/login", timeout=5).close()
            return server, base
        except OSError:
            time.sleep(1)
    server.kill()
    raise SystemExit(f"the server on {db} did not answer")


def run_phase(args, label, db, data, mixed):
    logfile = os.path.join(ROOT, ".local", "logs", f"load-{label.replace(', ', '-')}.log")
    server, base = start_server(args, db, logfile)
    pool = iter(data["leads"])
    lock = threading.Lock()

    def next_lead():
        with lock:
            return next(pool, None)

    data = dict(data, lead_iter=next_lead)
    timings, errors = {}, []
    deadline = [None]
    # Every client logs in and makes one call before the clock starts, so
    # that the workers' registry loading is not measured.
    ready = threading.Barrier(args.clients + 1)

    def worker(index):
        client = None
        try:
            client = Client(base, db)
            client.call_kw("res.partner", "search_count", [[("is_company", "=", True)]])
        except Exception as error:  # reported as a client error
            errors.append(f"login: {error}")
        ready.wait()
        if client is None:
            return
        for name, func in operations(client, data, mixed, index):
            if time.monotonic() > deadline[0]:
                return
            start = time.perf_counter()
            try:
                func()
            except Exception as error:  # reported as a client error
                errors.append(f"{name}: {error}")
                continue
            with lock:
                timings.setdefault(name, []).append(time.perf_counter() - start)

    print(f"\n== {label}: {args.clients} clients, {args.workers} workers, {args.seconds} s")
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + 3600
    ready.wait()
    deadline[0] = time.monotonic() + args.seconds
    while any(thread.is_alive() for thread in threads):
        time.sleep(5)
        done = sum(len(values) for values in timings.values())
        print(f"   {label}: {done} operations, {len(errors)} errors", flush=True)
    drained = wait_for_jobs(db, ours=mixed or "ours" in label)
    server.terminate()
    server.wait(timeout=60)
    with open(logfile, encoding="utf-8") as log:
        retried = sum("SERIALIZATION_FAILURE" in line for line in log)
    return {
        "timings": timings,
        "errors": errors,
        "retried": retried,
        "seconds": args.seconds,
        "drained": drained,
    }


def wait_for_jobs(db, ours, timeout=300):
    """Seconds until the jobs woken by the wins have made every handoff and
    attribution (our database), None if they did not within ``timeout``."""
    if not ours:
        return 0.0
    import odoo

    registry = odoo.modules.registry.Registry(db)
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        with registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM crm_lead"
                " WHERE service_handoff_pending OR campaign_roi_pending"
            )
            if not cr.fetchone()[0]:
                return time.monotonic() - start
        time.sleep(0.5)
    return None


def broken_invariants(db):
    import odoo

    registry = odoo.modules.registry.Registry(db)
    checks = {
        "won deals without exactly one handoff": """
            SELECT count(*) FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
             WHERE s.is_won AND l.active AND l.name LIKE 'Load %%'
               AND (SELECT count(*) FROM crm_service_handoff h WHERE h.lead_id = l.id) != 1
        """,
        "won deals still waiting for their handoff or attribution": """
            SELECT count(*) FROM crm_lead
             WHERE service_handoff_pending OR campaign_roi_pending
        """,
        "conversions whose weights do not sum to 1": """
            SELECT count(*) FROM (
                SELECT 1 FROM crm_campaign_attribution
                 GROUP BY conversion_model, conversion_id, attribution_model
                HAVING abs(sum(weight) - 1) > 0.000001) AS bad
        """,
        "requests with a policy and no deadlines": """
            SELECT count(*) FROM crm_service_request
             WHERE sla_policy_id IS NOT NULL
               AND (response_deadline IS NULL OR resolution_deadline IS NULL)
        """,
        "load requests without a policy": """
            SELECT count(*) FROM crm_service_request
             WHERE name = 'Load request' AND sla_policy_id IS NULL
        """,
    }
    broken = {}
    with registry.cursor() as cr:
        for name, query in checks.items():
            cr.execute(query)
            broken[name] = cr.fetchone()[0]
    return broken


def merge(total, result):
    """Add one round's result to the phase's total."""
    for name, values in result["timings"].items():
        total.setdefault("timings", {}).setdefault(name, []).extend(values)
    total.setdefault("timings", {})
    total["errors"] = total.get("errors", []) + result["errors"]
    total["retried"] = total.get("retried", 0) + result["retried"]
    total["seconds"] = total.get("seconds", 0) + result["seconds"]
    drained = [total.get("drained", 0.0), result["drained"]]
    total["drained"] = None if None in drained else max(drained)


def report(label, result):
    print(f"\n{label}: {result['retried']} serialization retries in the server log")
    if result["drained"]:
        print(f"   jobs done {result['drained']:.1f} s after the last client call")
    print(f"   {'operation':<20} {'count':>6} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for name, values in sorted(result["timings"].items()):
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(
            f"   {name:<20} {len(values):>6} {len(values) / result['seconds']:>7.2f} "
            f"{statistics.median(values) * 1000:>8.1f} {p95 * 1000:>8.1f}"
        )
    given_up = [error for error in result["errors"] if "serialize" in error]
    others = [error for error in result["errors"] if "serialize" not in error]
    print(f"   serialization failures returned after Odoo's retries: {len(given_up)}")
    for error in others[:10]:
        print(f"   client error: {error.strip()}")
    print(f"   other client errors: {len(others)}")


def main():
    args = parse_args()
    sys.path.insert(0, args.odoo)
    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    build_database(args, args.plain_db, PLAIN)
    build_database(args, args.ours_db, f"{PLAIN},{OURS}")
    stamp = str(int(time.time()))
    # The win workloads alternate round by round (the order too), so that ours and plain
    # Odoo share the machine's noise (and the randomness of Odoo's retry
    # delays); the mixed workload runs once, at the end.
    phases = []
    for round_no in range(args.rounds):
        pair = (
            ("ours, wins", args.ours_db, "A", True),
            ("plain, wins", args.plain_db, "B", False),
        )
        for label, db, tag, ours in pair[:: -1 if round_no % 2 else 1]:
            data = prepare(db, f"{stamp} {tag}{round_no}", ours)
            phases.append((label, db, data, False))
    phases.append(("ours, mixed", args.ours_db, prepare(args.ours_db, f"{stamp} C", True), True))
    odoo.sql_db.close_all()
    results = {}
    for label, db, data, mixed in phases:
        result = run_phase(args, label, db, data, mixed)
        wins = len(result["timings"].get("win deal", []))
        print(f"   {label}: {wins / result['seconds']:.2f} wins per second this round")
        merge(results.setdefault(label, {}), result)
    for label, result in results.items():
        report(label, result)
    ours = len(results["ours, wins"]["timings"].get("win deal", []))
    plain = len(results["plain, wins"]["timings"].get("win deal", []))
    print(f"\nwin throughput ours/plain: {ours / max(plain, 1):.2f} (target >= 0.9)")
    ours_failures, plain_failures = (
        results[label]["retried"] + sum("serialize" in e for e in results[label]["errors"])
        for label in ("ours, wins", "plain, wins")
    )
    print(
        "serialization failures (retried + returned) ours/plain: "
        f"{ours_failures}/{plain_failures} (target: ours <= plain)"
    )
    broken = broken_invariants(args.ours_db)
    for name, count in broken.items():
        print(f"invariant: {name}: {count}")
    errors = sum(
        "serialize" not in error for result in results.values() for error in result["errors"]
    )
    ok = not any(broken.values()) and not errors
    print("OK: no broken invariant, no client error" if ok else "FAILED")
    # Plain Odoo too returns a serialization failure now and then under this
    # load (its lead scoring updates shared frequency rows on every win):
    # those are compared above, not counted as our errors.
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
