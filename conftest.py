"""Repository-wide pytest rules.

A skipped test is a failure here: Odoo skips a browser tour silently when
Chromium or websocket-client is missing, and a tour that did not run has
proven nothing.
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped tests fail this suite: {reason}"
