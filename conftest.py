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


# Seconds that a browser tour waits for headless Chromium to open its
# debugging port. Odoo waits 10 s, which a loaded two-core machine can miss
# on a tour's first start; the tour is then skipped, hence failed here.
BROWSER_START_WAIT = 60


def pytest_runtest_setup(item):
    from odoo.tests import common

    iterations = int(BROWSER_START_WAIT / common.CHECK_BROWSER_SLEEP)
    if common.CHECK_BROWSER_ITERATIONS < iterations:
        common.CHECK_BROWSER_ITERATIONS = iterations
        common.BROWSER_WAIT = BROWSER_START_WAIT
