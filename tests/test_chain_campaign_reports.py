"""Campaigns on the deal and the customer, and one reporting currency, with the
three addons and mass_mailing installed.

crm_campaign_roi proves both in its own suite, which ./setup/test runs where
the addon is installed alone. These are the same test classes, run here again
where the other addons add their own fields, rules and overrides to the same
leads, partners, orders and invoices."""

from odoo.addons.crm_campaign_roi.tests.test_customer_roi import TestCustomerRoi
from odoo.addons.crm_campaign_roi.tests.test_reporting_currency import TestReportingCurrency

__all__ = ["TestCustomerRoi", "TestReportingCurrency"]
