from freezegun import freeze_time

from .common import HandoffCommon


class TestServiceJourney(HandoffCommon):
    """The journey tab of the customer shows the handoffs and the requests."""

    def keys(self, events):
        return {event["key"] for event in events}

    def test_handoff_and_request_events(self):
        with freeze_time("2026-03-02 09:00:00"):
            handoff = self.submitted_handoff()
        with freeze_time("2026-03-03 09:00:00"):
            handoff.with_user(self.user_service).action_return("Which site?")
            handoff.with_user(self.user_salesman).action_submit()
        with freeze_time("2026-03-04 09:00:00"):
            handoff.with_user(self.user_service).action_accept()
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
            events = self.customer._service_journey_events()
        lead = handoff.lead_id
        for code in (
            "handoff_created",
            "handoff_submitted",
            "handoff_accepted",
            "handoff_returned",
        ):
            self.assertIn(("crm.service.handoff", handoff.id, code), self.keys(events))
        self.assertIn(("crm.lead", lead.id, "created"), self.keys(events))
        self.assertIn(("crm.lead", lead.id, "won"), self.keys(events))
        request_event = next(e for e in events if e["key"][0] == "crm.service.request")
        self.assertEqual(request_event["res_id"], request.id)
        self.assertEqual(request_event["date"], request.request_date)
        self.assertEqual(request_event["detail"], "Response: Ongoing, resolution: Ongoing")
        returned = next(e for e in events if e["key"][2] == "handoff_returned")
        self.assertEqual(returned["date"], self.utc(2026, 3, 3, 9, 0))
        # the contact's form shows the company's journey, newest first
        html = str(self.customer_contact.customer_journey_html)
        self.assertIn(f'href="/odoo/crm.service.handoff/{handoff.id}"', html)
        self.assertIn(f'href="/odoo/crm.service.request/{request.id}"', html)
        self.assertLess(html.index("Service request"), html.index("Handoff accepted"))
        self.assertEqual(html.count("Opportunity won"), 1)

    def test_reading_user_rights_and_empty_state(self):
        self.won_handoff()
        self.create_request()
        # a salesman reads opportunities and handoffs, not service requests
        events = self.customer.with_user(self.user_salesman)._service_journey_events()
        self.assertFalse([e for e in events if e["model"] == "crm.service.request"])
        self.assertTrue([e for e in events if e["model"] == "crm.service.handoff"])
        html = str(self.other_customer.customer_journey_html)
        self.assertIn("o_customer_journey_empty", html)

    def test_tab_once_in_the_form(self):
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertEqual(arch.count('name="customer_journey"'), 1)

    def test_constant_queries(self):
        def count(size):
            for i in range(size):
                self.won_handoff(name=f"Deal {size}-{i}")
                self.create_request(name=f"Request {size}-{i}")
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            events = self.customer.with_user(self.user_service_manager)._service_journey_events()
            self.assertTrue(events)
            return self.cr.sql_log_count - before

        count(1)
        self.assertEqual(count(2), count(6))
