"""The test run's own rules (see the repository's ``conftest.py``)."""

from conftest import BROWSER_START_WAIT
from odoo.tests import common


def test_tours_wait_for_the_browser_to_start():
    """Odoo waits for headless Chromium's debugging port in steps of
    ``CHECK_BROWSER_SLEEP``; the suite makes it wait ``BROWSER_START_WAIT``
    seconds, so that a slow first start is not a skipped tour."""
    waited = common.CHECK_BROWSER_ITERATIONS * common.CHECK_BROWSER_SLEEP
    assert waited >= BROWSER_START_WAIT >= 60
    assert common.BROWSER_WAIT == BROWSER_START_WAIT
