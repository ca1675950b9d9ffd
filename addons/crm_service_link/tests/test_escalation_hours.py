from odoo.fields import Command
from odoo.tests import freeze_time

from .common import ServiceLinkCommon


class TestEscalationHours(ServiceLinkCommon):
    """Warnings and escalations wait until the team can act: the start of its
    next working period, in its calendar's time zone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # customers are promised round-the-clock targets; the team works 9-17 in Kyiv
        cls.calendar_24 = cls.env["resource.calendar"].create(
            {
                "name": "Round the clock",
                "tz": "Europe/Kyiv",
                "company_id": False,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        cls.policy_24 = cls.env["crm.service.sla.policy"].create(
            {
                "name": "Round the clock",
                "sequence": 5,
                "team_ids": [Command.link(cls.team.id)],
                "response_hours": 4,
                "resolution_hours": 200,
                "warning_percent": 50,
                "resource_calendar_id": cls.calendar_24.id,
            }
        )
        cls.cron = cls.env.ref("crm_service_link.ir_cron_service_sla_escalation")

    def manager_mails(self):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", self.user_service_manager.partner_id.ids)]
        )

    def activities(self, request):
        return self.env["mail.activity"].search(
            [("res_model", "=", "crm.service.request"), ("res_id", "=", request.id)]
        )

    def run_job(self, when):
        with freeze_time(when):
            self.env["crm.service.request"]._cron_sla_escalation()

    def triggers(self):
        return (
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]).mapped("call_at")
        )

    def test_reminders_sent_at_night(self):
        """A breach at 23:00 sends nothing before the next working morning,
        then sends exactly once; the deadline does not move."""
        with freeze_time("2026-04-01 16:00:00"):  # Wednesday 19:00 Kyiv (UTC+3)
            request = self.create_request(request_date=self.utc(2026, 4, 1, 16, 0))
        self.assertEqual(request.sla_policy_id, self.policy_24)
        deadline = self.utc(2026, 4, 1, 20, 0)  # 23:00 Kyiv
        self.assertEqual(request.response_deadline, deadline)
        self.run_job("2026-04-01 18:00:00")  # the warning, 21:00 Kyiv
        self.run_job("2026-04-01 20:00:00")  # the breach, 23:00 Kyiv
        with freeze_time("2026-04-01 20:05:00"):
            self.assertEqual(request.response_sla_status, "breached")
        self.assertFalse(self.manager_mails())
        self.assertFalse(self.activities(request))
        self.assertFalse(request.response_warned or request.response_escalated)
        # the job comes back at 09:00 Kyiv, when the team starts
        self.assertIn(self.utc(2026, 4, 2, 6, 0), self.triggers())
        self.run_job("2026-04-02 01:00:00")
        self.run_job("2026-04-02 05:59:00")
        self.assertFalse(self.manager_mails())
        self.run_job("2026-04-02 06:00:00")
        mails = self.manager_mails()
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.subject, "First response overdue")
        self.assertEqual(len(self.activities(request)), 1)
        self.assertTrue(request.response_warned and request.response_escalated)
        self.run_job("2026-04-02 06:30:00")
        self.run_job("2026-04-02 12:00:00")
        self.assertEqual(len(self.manager_mails()), 1, "exactly once")
        self.assertEqual(len(self.activities(request)), 1)
        self.assertEqual(request.response_deadline, deadline, "the breach time stays exact")

    def test_job_at_night_waits_for_the_next_working_start(self):
        """Deadlines in the team's own hours: a job running in the evening
        leaves the escalation to the next morning (here after a holiday)."""
        self.policy_24.active = False
        request = self.create_request()  # Friday 16:30 Kyiv: due Monday 13:30
        self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 10, 30))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": False,
                "date_from": self.utc(2026, 3, 30, 21, 0),  # Tuesday 00:00 Kyiv
                "date_to": self.utc(2026, 3, 31, 20, 59),
            }
        )
        self.run_job("2026-03-30 17:00:00")  # Monday 20:00 Kyiv
        self.assertFalse(self.manager_mails())
        self.assertFalse(request.response_escalated)
        # next: the resolution warning, Tuesday 09:30 Kyiv, now a holiday
        self.assertIn(self.utc(2026, 3, 31, 6, 30), self.triggers())
        self.run_job("2026-03-31 06:30:00")
        self.assertFalse(self.manager_mails())
        self.assertFalse(request.response_escalated or request.resolution_warned)
        self.assertIn(self.utc(2026, 4, 1, 6, 0), self.triggers(), "Wednesday 09:00 Kyiv")
        self.run_job("2026-04-01 06:00:00")
        self.assertEqual(
            sorted(self.manager_mails().mapped("subject")),
            ["First response overdue", "Resolution due soon"],
        )
        self.assertTrue(request.response_escalated and request.resolution_warned)
        self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 10, 30))

    def test_lunch_break_waits_for_the_afternoon(self):
        self.policy_24.active = False
        request = self.create_request()
        self.run_job("2026-03-30 09:15:00")  # Monday 12:15 Kyiv, lunch
        self.assertFalse(self.manager_mails())
        self.assertFalse(request.response_warned)
        self.assertIn(self.utc(2026, 3, 30, 10, 0), self.triggers())
        self.run_job("2026-03-30 10:00:00")
        self.assertEqual(len(self.manager_mails()), 1)
        self.assertTrue(request.response_warned)
