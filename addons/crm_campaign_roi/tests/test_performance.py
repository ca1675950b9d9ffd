from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import tagged, users

from .common import CampaignRoiCommon

# Queries this addon adds to the core flows. With this addon alone installed,
# the salesman wins one opportunity with a campaign in 16 queries, confirms
# one order in 19 and creates an opportunity with a campaign in 22. The other
# addons of a database add their own, so each budget is counted over the same
# flow in a company where this addon's engine has nothing to do (it counts
# another event as the conversion), or without a campaign for the capture.
WIN_QUERIES = 0  # marked in the win's own UPDATE; the job woken after its commit
# by the job: the marked lead found and locked, its lines selected with its
# touches and inserted, the mark cleared
AFTER_WIN_QUERIES = 4
CONFIRM_QUERIES = 2  # the same for the confirmed order
CAPTURE_QUERIES = 2  # de-duplication look-up and INSERT of the touch


@tagged("is_query_count")
class TestCoreFlowQueries(CampaignRoiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.campaign.touch"].create(
            {
                "campaign_id": cls.campaign_a.id,
                "contact_id": cls.contact.id,
                "touch_date": fields.Datetime.now() - timedelta(days=3),
            }
        )
        cls.product = cls.env["product.product"].create({"name": "Steel beam", "list_price": 10})

    def _count(self, func, *args, queries=None):
        """Queries of ``func(*args)`` counted as assertQueryCount counts them
        (their text added to ``queries`` if given)."""
        self.env.flush_all()
        self.env.cr.flush()
        before = self.cr.sql_log_count
        with contextmanager(self._patchExecute)([] if queries is None else queries, False):
            func(*args)
            self.env.flush_all()
            self.env.cr.flush()
        return self.cr.sql_log_count - before

    def _convert_on(self, event):
        self.company.write({"campaign_roi_conversion": event})

    def _opportunity(self, campaign=None):
        return self.env["crm.lead"].create(
            {
                "name": "Steel supply contract",
                "type": "opportunity",
                "partner_id": self.contact.id,
                "campaign_id": (self.campaign if campaign is None else campaign).id,
                "expected_revenue": 1000.0,
            }
        )

    def _order(self):
        # cheaper than the opportunity: its expected revenue stays
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": self._opportunity().id,
                "campaign_id": self.campaign.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )

    def _reference(self, reference_event, event, func, make):
        """Queries of ``func`` on a new record (caches warm) in a company
        counting ``reference_event``; the company then counts ``event``."""
        self._convert_on(reference_event)
        queries = []
        counts = [self._count(func, make(), queries=queries) for _run in range(3)]
        engine = [query for query in queries if "crm_campaign_attribution" in query]
        self.assertFalse(engine, "the company counts another event: no engine query")
        self._convert_on(event)
        self._count(func, make())
        return counts[-1]

    @users("roi_user")
    def test_core_reads_leave_the_budget_alone(self):
        """Reading a campaign as a core flow does (its name) fetches neither
        its budget nor its expected revenue, whose group is then not checked
        per record read; reading one fetches both."""
        campaign = self.env["utm.campaign"].browse(self.campaign.id)
        plan = [campaign._fields["budget"], campaign._fields["expected_revenue"]]
        self.env.invalidate_all()
        self.assertTrue(campaign.name)
        self.assertFalse([f.name for f in plan if self.env.cache.contains(campaign, f)])
        self.assertFalse(campaign.budget)
        self.assertEqual(
            [f.name for f in plan if self.env.cache.contains(campaign, f)],
            ["budget", "expected_revenue"],
        )

    @users("roi_salesman")
    def test_win_query_budget(self):
        reference = self._reference(
            "invoice_posted", "lead_won", lambda lead: lead.action_set_won(), self._opportunity
        )
        lead = self._opportunity()
        with self.assertQueryCount(reference + WIN_QUERIES):
            lead.action_set_won()
        self.assertFalse(self._lines(lead), "no line computed inside the win")
        self.env.flush_all()
        with self.assertQueryCount(AFTER_WIN_QUERIES):
            self.env["crm.campaign.attribution"]._refresh_pending(lead.ids)
        self.assertEqual(sum(self._lines(lead, "linear").mapped("amount")), 1000.0)
        self.assertIn(self.campaign_a, self._lines(lead, "linear").campaign_id)

    @users("roi_salesman")
    def test_confirm_query_budget(self):
        reference = self._reference(
            "lead_won", "sale_confirmed", lambda order: order.action_confirm(), self._order
        )
        order = self._order()
        with self.assertQueryCount(reference + CONFIRM_QUERIES):
            order.action_confirm()
        self.assertEqual(sum(self._lines(order, "linear").mapped("amount")), 10.0)

    @users("roi_salesman")
    def test_capture_query_budget(self):
        no_campaign = self.env["utm.campaign"]
        self._count(self._opportunity, no_campaign)
        reference = self._count(self._opportunity, no_campaign)
        self._count(self._opportunity, self.campaign_b)
        with self.assertQueryCount(reference + CAPTURE_QUERIES):
            lead = self._opportunity(self.campaign_c)
        touch = self.Touch.sudo().search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)])
        self.assertEqual(touch.touch_type, "opportunity")

    @users("roi_salesman")
    def test_other_conversion_event_costs_nothing(self):
        """Confirming an order or winning an opportunity queries nothing of the
        engine when the company counts another event as the conversion."""
        self._convert_on("lead_won")
        order = self._order()
        self.env.flush_all()
        with self.assertQueryCount(0):
            order._campaign_roi_refresh()
        self._convert_on("invoice_posted")
        lead = self._opportunity()
        self.env.flush_all()
        with self.assertQueryCount(0):
            self.Attribution._refresh_records(lead)

    def test_default_model_keeps_the_lines(self):
        """The default model only chooses the lines the KPIs read."""
        lead = self._opportunity()
        lead.action_set_won()
        self.after_commit()
        lines = self.Attribution.search([])
        self.assertTrue(lines)
        self.company.campaign_roi_default_model = "first_touch"
        self.assertEqual(self.Attribution.search([]), lines)
        first = self._lines(lead, "first_touch")
        self.assertEqual(self.campaign_a.attributed_revenue, sum(first.mapped("amount")))

    def test_touch_batch_does_not_grow_per_touch(self):
        """The de-duplication reads the partners of all the touches at once."""

        def create(count):
            contacts = self.env["res.partner"].create(
                [
                    {"name": f"Contact {index}", "parent_id": self.customer.id}
                    for index in range(count)
                ]
            )
            self.env.invalidate_all()
            return self._count(
                self.Touch.create,
                [
                    {"campaign_id": self.campaign.id, "contact_id": contact.id}
                    for contact in contacts
                ],
            )

        create(2)
        self.assertEqual(create(3), create(12))

    @users("roi_salesman")
    def test_win_does_not_flush_the_lead(self):
        """The win runs no statement of the engine and does not force the
        lead's UPDATE: its lines are computed by the job it wakes."""
        lead = self._opportunity()
        self.env.flush_all()
        queries = []
        with contextmanager(self._patchExecute)(queries, False):
            lead.action_set_won()
        self.assertFalse(
            [query for query in queries if query.lstrip().startswith('UPDATE "crm_lead"')],
            "the lead is written at the next flush, not by the engine",
        )
        self.assertFalse(
            [query for query in queries if "crm_campaign_attribution" in query],
            "the lines of the win are computed by the job",
        )
        self.after_commit()
        self.assertEqual(sum(self._lines(lead, "linear").mapped("amount")), 1000.0)
        self.assertEqual(set(self._lines(lead).mapped("conversion_date")), {lead.date_closed})
