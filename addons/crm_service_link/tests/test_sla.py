from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import Form

from .common import ServiceLinkCommon


class TestSla(ServiceLinkCommon):
    def reply(self, request, user, note=False):
        return request.with_user(user).message_post(
            body="We are on it.",
            message_type="comment",
            subtype_xmlid="mail.mt_note" if note else "mail.mt_comment",
        )

    @freeze_time("2026-03-27 15:00:00")
    def test_deadlines_worked_example(self):
        request = self.create_request()
        self.assertEqual(request.sla_policy_id, self.policy)
        self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 10, 30))
        # 16 hours: Fri 0.5 + Mon 7 + Tue 7 + Wed 1.5 -> Wednesday 10:30 Kyiv
        self.assertEqual(request.resolution_deadline, self.utc(2026, 4, 1, 7, 30))
        # warning at 50 % = 2 hours: Monday 10:30 Kyiv
        self.assertEqual(request.response_warning_date, self.utc(2026, 3, 30, 7, 30))
        self.assertEqual(request.response_sla_status, "ongoing")
        self.assertEqual(request.resolution_sla_status, "ongoing")

    def test_deadline_with_holiday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": False,
                "date_from": self.utc(2026, 3, 29, 21, 0),
                "date_to": self.utc(2026, 3, 30, 20, 59, 59),
            }
        )
        request = self.create_request()
        self.assertEqual(request.response_deadline, self.utc(2026, 3, 31, 10, 30))

    def test_first_response_reached(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
        with freeze_time("2026-03-30 08:00:00"):
            self.reply(request, self.user_service, note=True)
            self.assertFalse(request.first_response_date, "an internal note is no answer")
            self.reply(request, self.user_service)
            self.assertEqual(request.first_response_date, self.utc(2026, 3, 30, 8, 0))
            self.assertEqual(request.response_sla_status, "reached")
            self.assertAlmostEqual(request.response_working_hours, 2.5)
        with freeze_time("2026-03-30 09:00:00"):
            self.reply(request, self.user_service)
            self.assertEqual(request.first_response_date, self.utc(2026, 3, 30, 8, 0))

    def test_breached_then_reached_late_and_search(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
        Request = self.env["crm.service.request"]
        with freeze_time("2026-03-30 11:00:00"):
            # no job ran: the search sees the breach at once
            self.assertEqual(request.response_sla_status, "breached")
            self.assertIn(request, Request.search([("response_sla_status", "=", "breached")]))
            self.assertNotIn(request, Request.search([("response_sla_status", "=", "ongoing")]))
            self.assertIn(request, Request.search([("response_sla_status", "!=", "reached")]))
            self.reply(request, self.user_service)
            self.assertEqual(request.response_sla_status, "reached_late")
            self.assertEqual(request.first_response_date, self.utc(2026, 3, 30, 11, 0))
            self.assertIn(request, Request.search([("response_sla_status", "=", "reached_late")]))
            self.assertNotIn(request, Request.search([("response_sla_status", "=", "breached")]))
        with freeze_time("2026-04-10 11:00:00"):
            self.assertEqual(request.response_sla_status, "reached_late")
            self.assertEqual(request.first_response_date, self.utc(2026, 3, 30, 11, 0))

    def test_pause_and_customer_reply(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request(stage_id=self.stage_progress.id)
        # Monday 10:00 Kyiv: waiting on the customer
        with freeze_time("2026-03-30 07:00:00"):
            request.stage_id = self.stage_waiting
            self.assertEqual(request.response_sla_status, "paused")
            self.assertIn(
                request,
                self.env["crm.service.request"].search([("resolution_sla_status", "=", "paused")]),
            )
        # Monday 15:00 Kyiv: the customer answers by portal -> 4 working hours paused
        with freeze_time("2026-03-30 12:00:00"):
            self.assertEqual(request.response_sla_status, "paused", "no breach while paused")
            request.with_user(self.user_portal).message_post(
                body="Here is the log file.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.assertEqual(request.stage_id, self.stage_progress)
            self.assertEqual(request.paused_hours, 4.0)
            # deadline moved by 4 working hours: Monday 13:30 -> Monday 17:00 + 0.5 = Tue 09:30
            self.assertEqual(request.response_deadline, self.utc(2026, 3, 31, 6, 30))
            self.assertEqual(request.response_sla_status, "ongoing")
        with freeze_time("2026-03-31 07:00:00"):
            request.stage_id = self.stage_waiting
        with freeze_time("2026-03-31 08:00:00"):
            request.stage_id = self.stage_progress
            self.assertEqual(request.paused_hours, 5.0)

    def test_resolution(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
        with freeze_time("2026-03-31 08:00:00"):
            request.stage_id = self.stage_solved
            self.assertEqual(request.resolved_date, self.utc(2026, 3, 31, 8, 0))
            self.assertEqual(request.resolution_sla_status, "reached")
            self.assertAlmostEqual(request.resolution_working_hours, 9.5)
        with freeze_time("2026-04-02 08:00:00"):
            request.stage_id = self.stage_progress
            self.assertFalse(request.resolved_date)
            self.assertEqual(request.resolution_sla_status, "breached")

    def test_rematch_on_priority_keeps_consumed_time(self):
        urgent = self.env["crm.service.sla.policy"].create(
            {
                "name": "Urgent",
                "sequence": 5,
                "priority": "3",
                "response_hours": 1,
                "resolution_hours": 8,
            }
        )
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
        with freeze_time("2026-03-30 06:30:00"):
            request.priority = "3"
            self.assertEqual(request.sla_policy_id, urgent)
            # 1 working hour from Friday 16:30: 0.5 on Friday + 0.5 on Monday
            self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 6, 30))
            request.priority = "1"
            self.assertEqual(request.sla_policy_id, self.policy)
            self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 10, 30))

    def test_rematch_on_team_with_other_calendar(self):
        calendar_utc = self.env["resource.calendar"].create(
            {
                "name": "UTC days",
                "tz": "UTC",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"D{day}",
                            "dayofweek": str(day),
                            "hour_from": 8,
                            "hour_to": 16,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        team_utc = self.env["crm.service.team"].create(
            {"name": "UTC team", "resource_calendar_id": calendar_utc.id}
        )
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
        # Monday 09:30 Kyiv: 1 working hour consumed in Kyiv
        with freeze_time("2026-03-30 06:30:00"):
            request.team_id = team_utc
            self.assertEqual(request.sla_policy_id, self.policy)
            # 3 hours left in UTC days from Monday 06:30 UTC -> 08:00 + 3 = 11:00
            self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 11, 0))

    def test_rematch_to_policy_with_own_calendar(self):
        calendar_utc = self.env["resource.calendar"].create(
            {
                "name": "UTC days",
                "tz": "UTC",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"D{day}",
                            "dayofweek": str(day),
                            "hour_from": 8,
                            "hour_to": 16,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        self.env["crm.service.sla.policy"].create(
            {
                "name": "Urgent, UTC",
                "sequence": 5,
                "priority": "3",
                "response_hours": 2,
                "resolution_hours": 8,
                "resource_calendar_id": calendar_utc.id,
            }
        )
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
        # Monday 09:30 Kyiv: 1 working hour consumed in Kyiv, 1 left in UTC days
        with freeze_time("2026-03-30 06:30:00"):
            request.with_user(self.user_service).priority = "3"
            self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 9, 0))

    def test_key_account_policy_and_sequence(self):
        key = self.env["crm.service.sla.policy"].create(
            {
                "name": "Key accounts",
                "sequence": 1,
                "partner_domain": f"[('id', '=', {self.customer.id})]",
                "response_hours": 2,
                "resolution_hours": 8,
            }
        )
        request = self.create_request()
        other = self.create_request(partner_id=self.other_customer.id, contact_id=False)
        self.assertEqual(request.sla_policy_id, key)
        self.assertEqual(other.sla_policy_id, self.policy)
        team_only = self.env["crm.service.sla.policy"].create(
            {"name": "Field only", "sequence": 2, "team_ids": [Command.link(self.team_other.id)]}
        )
        self.assertEqual(
            self.create_request(
                team_id=self.team_other.id, partner_id=self.other_customer.id, contact_id=False
            ).sla_policy_id,
            team_only,
        )

    def test_second_company_policy(self):
        policy_2 = self.env["crm.service.sla.policy"].create(
            {
                "name": "Abroad",
                "company_id": self.company_2.id,
                "response_hours": 1,
                "resolution_hours": 2,
                "resource_calendar_id": self.calendar.id,
            }
        )
        request = self.env["crm.service.request"].create(
            {
                "name": "Abroad",
                "company_id": self.company_2.id,
                "request_date": self.utc(2026, 3, 27, 14, 30),
            }
        )
        self.assertEqual(request.sla_policy_id, policy_2)
        self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 6, 30))

    def test_no_policy_no_deadline(self):
        self.policy.active = False
        request = self.create_request()
        self.assertFalse(request.response_deadline)
        self.assertFalse(request.response_sla_status)

    def test_compliance_report(self):
        with freeze_time("2026-03-27 15:00:00"):
            answered = self.create_request()
            late = self.create_request(name="Late one")
        with freeze_time("2026-03-30 08:00:00"):
            self.reply(answered, self.user_service)
        with freeze_time("2026-03-30 12:00:00"):
            self.env.flush_all()
            Report = self.env["crm.service.sla.report"]
            rows = {
                row.request_id: row
                for row in Report.search([("request_id", "in", (answered | late).ids)])
            }
            self.assertEqual(rows[answered].response_compliance, 100.0)
            self.assertAlmostEqual(rows[answered].response_working_hours, 2.5)
            self.assertEqual(rows[late].response_compliance, 0.0)
            self.assertEqual(rows[late].breached_count, 1)
            groups = Report._read_group(
                [("request_id", "in", (answered | late).ids)],
                ["team_id"],
                ["response_compliance:avg"],
            )
            self.assertEqual(groups, [(self.team, 50.0)])

    def test_form_creation_as_service_user(self):
        with freeze_time("2026-03-27 14:30:00"):
            form = Form(self.env["crm.service.request"].with_user(self.user_service))
            form.name = "Phone call: scanner jam"
            form.partner_id = self.customer
            self.assertEqual(form.email_from, "info@customer.example.com")
            form.team_id = self.team
            form.channel = "phone"
            request = form.save()
        self.assertEqual(request.stage_id, self.stage_new)
        self.assertEqual(request.sla_policy_id, self.policy)
        self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 10, 30))
