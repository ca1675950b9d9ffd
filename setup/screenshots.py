"""Take the README screenshots from a running ./setup/run.

Usage: .venv/bin/python setup/screenshots.py [--url http://localhost:8069]
       [--db crm_demo] [--out docs/screenshots]

Logs in as admin, opens each page below in headless Chromium and saves a PNG.
A page is (name, path, what to wait for, what to click first); "{xmlid}" in a
path is replaced by the id of that record.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time

import requests
import websocket

VIEW = ".o_view_controller .o_content"
PAGES = [
    (
        "keyaccount-dashboard",
        "/odoo/action-crm_keyaccount.crm_keyaccount_dashboard_action",
        ".o_keyaccount_pareto_chart",
        None,
    ),
    (
        "customer-journey",
        "/odoo/res.partner/{base.res_partner_2}",
        ".o_form_view",
        ".o_notebook a[name='customer_journey']",
    ),
    (
        "keyaccount-pareto",
        "/odoo/action-crm_keyaccount.res_partner_action_keyaccount_pareto",
        VIEW,
        None,
    ),
    ("keyaccount-list", "/odoo/action-crm_keyaccount.res_partner_action_keyaccount", VIEW, None),
    ("campaign-roi", "/odoo/action-crm_campaign_roi.crm_campaign_roi_report_action", VIEW, None),
    ("campaigns", "/odoo/action-crm_campaign_roi.utm_campaign_action", VIEW, None),
    ("service-requests", "/odoo/action-crm_service_link.crm_service_request_action", VIEW, None),
    ("service-handoffs", "/odoo/action-crm_service_link.crm_service_handoff_action", VIEW, None),
]


_MESSAGE_IDS = iter(range(1, 10**6))


def cdp(ws, method, **params):
    msg_id = next(_MESSAGE_IDS)
    ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
    while True:
        reply = json.loads(ws.recv())
        if reply.get("id") == msg_id:
            return reply.get("result", {})


def wait_for(ws, selector):
    for _ in range(120):  # the first page also builds the assets
        time.sleep(0.5)
        found = cdp(ws, "Runtime.evaluate", expression=f"!!document.querySelector({selector!r})")
        if found.get("result", {}).get("value"):
            return


def resolve_xmlids(session, url, path):
    """Replace each {module.name} of path by the id of that record."""
    while "{" in path:
        xmlid = path[path.index("{") + 1 : path.index("}")]
        reply = session.post(
            f"{url}/web/dataset/call_kw",
            json={
                "params": {
                    "model": "ir.model.data",
                    "method": "check_object_reference",
                    "args": xmlid.split("."),
                    "kwargs": {},
                }
            },
            timeout=30,
        ).json()
        path = path.replace("{" + xmlid + "}", str(reply["result"][1]))
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="crm_demo")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    session = requests.Session()
    session.post(
        f"{args.url}/web/session/authenticate",
        json={"params": {"db": args.db, "login": "admin", "password": "admin"}},
        timeout=30,
    ).raise_for_status()
    sid = session.cookies["session_id"]

    chrome = shutil.which("chromium") or shutil.which("google-chrome")
    profile = tempfile.mkdtemp()
    proc = subprocess.Popen(
        [
            chrome,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1440,900",
            "--remote-debugging-port=9333",
            "--remote-allow-origins=*",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                targets = requests.get("http://127.0.0.1:9333/json", timeout=2).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        host = args.url.split("//", 1)[1].split(":", 1)[0].split("/", 1)[0]
        cdp(ws, "Network.enable")
        cdp(ws, "Network.setCookie", name="session_id", value=sid, domain=host, path="/")
        for name, path, ready, click in PAGES:
            cdp(ws, "Page.navigate", url=args.url + resolve_xmlids(session, args.url, path))
            wait_for(ws, ready)
            if click:
                wait_for(ws, click)
                cdp(ws, "Runtime.evaluate", expression=f"document.querySelector({click!r}).click()")
            time.sleep(2)
            shot = cdp(ws, "Page.captureScreenshot", format="png")
            target = os.path.join(args.out, f"{name}.png")
            with open(target, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            print(target)
        ws.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
