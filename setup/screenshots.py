"""Take the README screenshots from a running ./setup/run.

Usage: .venv/bin/python setup/screenshots.py [--url http://localhost:8069]
       [--db crm_demo] [--out docs/screenshots]

Logs in as admin, opens each page below in headless Chromium and saves a PNG.
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

PAGES = [
    ("keyaccount-pareto", "/odoo/action-crm_keyaccount.res_partner_action_keyaccount_pareto"),
    ("keyaccount-list", "/odoo/action-crm_keyaccount.res_partner_action_keyaccount"),
    ("campaign-roi", "/odoo/action-crm_campaign_roi.crm_campaign_roi_report_action"),
    ("campaigns", "/odoo/action-crm_campaign_roi.utm_campaign_action"),
    ("service-requests", "/odoo/action-crm_service_link.crm_service_request_action"),
    ("service-handoffs", "/odoo/action-crm_service_link.crm_service_handoff_action"),
]


_MESSAGE_IDS = iter(range(1, 10**6))


def cdp(ws, method, **params):
    msg_id = next(_MESSAGE_IDS)
    ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
    while True:
        reply = json.loads(ws.recv())
        if reply.get("id") == msg_id:
            return reply.get("result", {})


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
        for name, path in PAGES:
            cdp(ws, "Page.navigate", url=args.url + path)
            for _ in range(120):  # the first page also builds the assets
                time.sleep(0.5)
                found = cdp(
                    ws,
                    "Runtime.evaluate",
                    expression="!!document.querySelector('.o_view_controller .o_content')",
                )
                if found.get("result", {}).get("value"):
                    break
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
