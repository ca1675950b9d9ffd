from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command

from .common import ServiceLinkCommon


class TestSlaRepair(ServiceLinkCommon):
    """One test per class of SLA bug the repair fixes or must not bring back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy_urgent = cls.env["crm.service.sla.policy"].create(
            {
                "name": "Urgent",
                "sequence": 5,
                "priority": "3",
                "response_hours": 2,
                "resolution_hours": 8,
                "pause_stage_ids": [Command.link(cls.stage_waiting.id)],
            }
        )

    def figures(self, request):
        request.invalidate_recordset()
        return {
            fname: request[fname]
            for fname in (
                "response_deadline",
                "resolution_deadline",
                "response_warning_date",
                "resolution_warning_date",
                "response_working_hours",
                "resolution_working_hours",
                "paused_hours",
                "sla_clock_start",
                "sla_clock_credit",
            )
        }

    def holiday_on_monday(self):
        return self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": False,
                "date_from": self.utc(2026, 3, 29, 21, 0),
                "date_to": self.utc(2026, 3, 30, 20, 59, 59),
            }
        )

    @freeze_time("2026-03-27 15:00:00")
    def test_holiday_entered_late_moves_the_deadline(self):
        request = self.create_request()
        self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 10, 30))
        self.holiday_on_monday()
        self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 10, 30))
        self.calendar.with_user(self.user_service_manager).action_service_sla_repair()
        self.assertEqual(request.response_deadline, self.utc(2026, 3, 31, 10, 30))
        self.assertEqual(request.sla_calendar_id, self.calendar)

    def test_policy_changed_midway_keeps_time_used(self):
        with freeze_time("2026-03-27 14:30:00"):
            request = self.create_request(stage_id=self.stage_progress.id)
        with freeze_time("2026-03-30 07:00:00"):
            request.stage_id = self.stage_waiting
        with freeze_time("2026-03-30 12:00:00"):
            request.stage_id = self.stage_progress
        # Monday 15:30 Kyiv: 2 working hours used, 4 paused -> urgent, 2 hours
        with freeze_time("2026-03-30 12:30:00"):
            request.priority = "3"
            self.assertEqual(request.sla_policy_id, self.policy_urgent)
            self.assertEqual(request.paused_hours, 4.0)
            self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 12, 30))
            live = self.figures(request)
            request.with_user(self.user_service_manager).action_sla_repair()
            self.assertEqual(self.figures(request), live)
            # the policy is changed afterwards: 3 hours, the time used is kept
            self.policy_urgent.response_hours = 3
            self.policy_urgent.with_user(self.user_service_manager).action_sla_repair_open()
            self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 13, 30))
            self.assertEqual(request.paused_hours, 4.0)

    def test_pause_then_resolution_does_not_count_the_hold(self):
        with freeze_time("2026-03-27 14:30:00"):
            request = self.create_request(stage_id=self.stage_progress.id)
        with freeze_time("2026-03-30 07:00:00"):
            request.stage_id = self.stage_waiting
        with freeze_time("2026-03-30 12:00:00"):
            request.stage_id = self.stage_solved
            self.assertEqual(request.resolution_working_hours, 1.5)
            self.assertEqual(request.paused_hours, 4.0)
            live = self.figures(request)
            request.with_user(self.user_service_manager).action_sla_repair()
            self.assertEqual(self.figures(request), live)
        segments = request.sla_segment_ids.filtered(lambda s: s.target == "resolution")
        paused = segments.filtered(lambda s: s.kind == "paused")
        self.assertEqual(paused.mapped("date_start"), [self.utc(2026, 3, 30, 7, 0)])
        self.assertEqual(paused.working_hours, 4.0)
        counted = segments.filtered(lambda s: s.kind == "counted")
        self.assertEqual(sum(counted.mapped("working_hours")), 1.5)
        self.assertIn("outside_hours", segments.mapped("kind"))

    def test_first_response_during_a_pause_does_not_count_the_hold(self):
        with freeze_time("2026-03-27 14:30:00"):
            request = self.create_request(stage_id=self.stage_progress.id)
        with freeze_time("2026-03-30 07:00:00"):
            request.stage_id = self.stage_waiting
        with freeze_time("2026-03-30 10:00:00"):
            request.with_user(self.user_service).message_post(
                body="Any news?", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(request.response_working_hours, 1.5)
        counted = request.sla_segment_ids.filtered(
            lambda s: s.target == "response" and s.kind == "counted"
        )
        self.assertEqual(sum(counted.mapped("working_hours")), 1.5)

    def test_escalation_mark_kept_only_while_it_holds(self):
        with freeze_time("2026-03-27 14:30:00"):
            request = self.create_request()
            other = self.create_request(request_date=self.utc(2026, 3, 27, 7, 0))
        with freeze_time("2026-03-30 11:00:00"):
            self.env["crm.service.request"]._cron_sla_escalation()
            self.assertTrue(request.response_escalated)
            self.assertTrue(other.response_escalated)
            # Monday was a holiday: the first request is not late yet, the other is
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Half day",
                    "calendar_id": False,
                    "date_from": self.utc(2026, 3, 30, 6, 0),
                    "date_to": self.utc(2026, 3, 30, 8, 0),
                }
            )
            (request | other).with_user(self.user_service_manager).action_sla_repair()
            self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 12, 30))
            self.assertFalse(request.response_escalated)
            self.assertTrue(other.response_escalated)

    def test_only_service_managers_repair(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
        self.holiday_on_monday()
        for user in (self.user_service, self.user_employee):
            with self.assertRaises(AccessError):
                request.with_user(user).with_context(sla_repair=True).action_sla_repair()
            with self.assertRaises(AccessError):
                self.policy.with_user(user).action_sla_repair_open()
            with self.assertRaises(AccessError):
                self.calendar.with_user(user).action_service_sla_repair()
        self.assertEqual(request.response_deadline, self.utc(2026, 3, 30, 10, 30))

    def test_list_action_repairs_a_selection(self):
        with freeze_time("2026-03-27 15:00:00"):
            requests = self.create_request() | self.create_request(name="Scanner down")
            self.holiday_on_monday()
            action = self.env.ref("crm_service_link.crm_service_request_action_sla_repair")
            context = {"active_model": requests._name, "active_ids": requests.ids}
            with self.assertRaises(AccessError):
                action.with_user(self.user_service).with_context(**context).run()
            self.assertEqual(
                requests.mapped("response_deadline"), [self.utc(2026, 3, 30, 10, 30)] * 2
            )
            action.with_user(self.user_service_manager).with_context(**context).run()
            self.assertEqual(
                requests.mapped("response_deadline"), [self.utc(2026, 3, 31, 10, 30)] * 2
            )

    def test_history_kept_with_a_forged_context(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
        with freeze_time("2026-03-30 07:00:00"):
            request.with_user(self.user_service).with_context(
                tracking_disable=True, mail_notrack=True
            ).stage_id = self.stage_solved
        tracked = request.message_ids.tracking_value_ids.filtered(
            lambda v: v.field_id.name == "stage_id"
        )
        self.assertEqual(len(tracked), 1)
        live = self.figures(request)
        request.with_user(self.user_service_manager).action_sla_repair()
        self.assertEqual(self.figures(request), live)
        self.assertEqual(request.resolved_date, self.utc(2026, 3, 30, 7, 0))


class TestSlaTeamBudgets(ServiceLinkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.team_budget_ids = [
            Command.create({"team_id": cls.team.id, "hours": 2, "sequence": 1}),
            Command.create({"team_id": cls.team_other.id, "hours": 6, "sequence": 2}),
        ]

    def test_budgets_add_up_to_at_most_the_target(self):
        with self.assertRaises(ValidationError):
            self.policy.team_budget_ids[1].hours = 15
        self.assertEqual(self.policy.team_budget_ids.mapped("hours"), [2, 6])
        with self.assertRaises(ValidationError):
            self.policy.resolution_hours = 7
        self.assertEqual(self.policy.resolution_hours, 16)

    def test_first_line_fails_its_share_while_the_customer_is_on_time(self):
        with freeze_time("2026-03-27 14:30:00"):
            request = self.create_request(stage_id=self.stage_progress.id)
        # Monday 15:00 Kyiv: to the second line after 5.5 working hours
        with freeze_time("2026-03-30 12:00:00"):
            request.team_id = self.team_other
            self.assertEqual(request.resolution_sla_status, "ongoing")
        clocks = {clock.team_id: clock for clock in request.sla_team_clock_ids}
        first, second = clocks[self.team], clocks[self.team_other]
        self.assertEqual(first.status, "breached")
        self.assertEqual(first.counted_hours, 5.5)
        # 2 hours: Friday 0.5 and Monday 09:00-10:30 Kyiv
        self.assertEqual(first.breach_date, self.utc(2026, 3, 30, 7, 30))
        self.assertEqual(second.status, "ongoing")
        self.assertEqual(second.counted_hours, 0.0)
        # 6 hours from Monday 15:00 Kyiv: Monday 2, Tuesday 3 + 1 -> 14:00 Kyiv
        self.assertEqual(second.deadline, self.utc(2026, 3, 31, 11, 0))
        with freeze_time("2026-03-31 08:00:00"):
            request.stage_id = self.stage_solved
        second.invalidate_recordset()
        self.assertEqual(second.status, "reached")
        self.assertEqual(second.counted_hours, 4.0)
        total = sum(request.sla_team_clock_ids.mapped("counted_hours"))
        self.assertAlmostEqual(total, request.resolution_working_hours, places=6)

    def test_time_with_a_team_without_budget_is_unassigned(self):
        team_field = self.env["crm.service.team"].create(
            {"name": "Field work", "resource_calendar_id": self.calendar.id}
        )
        with freeze_time("2026-03-27 14:30:00"):
            request = self.create_request(team_id=team_field.id)
        with freeze_time("2026-03-30 07:00:00"):
            request.stage_id = self.stage_solved
        clock = request.sla_team_clock_ids
        self.assertEqual(clock.team_id, team_field)
        self.assertFalse(clock.budget_id)
        self.assertEqual(clock.counted_hours, 1.5)

    def test_engine_records_refused_to_users(self):
        with freeze_time("2026-03-27 14:30:00"):
            request = self.create_request()
        with freeze_time("2026-03-30 07:00:00"):
            request.stage_id = self.stage_solved
        segment = request.sla_segment_ids[:1]
        clock = request.sla_team_clock_ids
        forged = {"sla_engine": True, "tracking_disable": True, "active_test": False}
        for user in (self.user_service, self.user_service_manager):
            for record in (segment, clock):
                as_user = record.with_user(user).with_context(**forged)
                self.assertTrue(as_user.read(["request_id"]))
                with self.assertRaises(UserError):
                    as_user.write({"date_start" if record == segment else "counted_seconds": 1})
                with self.assertRaises(UserError):
                    as_user.unlink()
                with self.assertRaises(UserError):
                    as_user.create({"request_id": request.id, "target": "response"})
        self.assertTrue(segment.exists())
        self.assertEqual(clock.counted_seconds, 5400)
        self.assertEqual(len(request.sla_team_clock_ids), 1)
        with self.assertRaises(UserError):
            segment.with_user(self.env.ref("base.user_admin")).write({"kind": "paused"})
        self.assertNotEqual(segment.kind, "paused")
