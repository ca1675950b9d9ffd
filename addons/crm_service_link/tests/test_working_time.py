from datetime import datetime, timedelta, timezone

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import TransactionCase

from ..tools.working_time import WorkSchedule, merge_intervals
from .common import ServiceLinkCommon

UTC = timezone.utc


def dt(*args):
    return datetime(*args, tzinfo=UTC)


class TestWorkScheduleTools(TransactionCase):
    """The pure interval arithmetic, without any calendar."""

    def setUp(self):
        super().setUp()
        self.schedule = WorkSchedule(
            [
                (dt(2026, 1, 5, 13), dt(2026, 1, 5, 17)),
                (dt(2026, 1, 5, 9), dt(2026, 1, 5, 12)),
                (dt(2026, 1, 6, 9), dt(2026, 1, 6, 12)),
            ]
        )

    def test_merge_sorts_and_joins(self):
        merged = merge_intervals(
            [(dt(2026, 1, 1, 10), dt(2026, 1, 1, 12)), (dt(2026, 1, 1, 9), dt(2026, 1, 1, 10))]
        )
        self.assertEqual(merged, [(dt(2026, 1, 1, 9), dt(2026, 1, 1, 12))])

    def test_add_hours(self):
        self.assertEqual(self.schedule.add_hours(dt(2026, 1, 5, 11), 2), dt(2026, 1, 5, 14))
        self.assertEqual(self.schedule.add_hours(dt(2026, 1, 5, 7), 3), dt(2026, 1, 5, 12))
        self.assertEqual(self.schedule.add_hours(dt(2026, 1, 5, 16), 2), dt(2026, 1, 6, 10))
        self.assertEqual(self.schedule.add_hours(dt(2026, 1, 5, 9), 0), dt(2026, 1, 5, 9))
        self.assertIsNone(self.schedule.add_hours(dt(2026, 1, 6, 11), 5))

    def test_hours_between(self):
        self.assertEqual(self.schedule.hours_between(dt(2026, 1, 5, 11), dt(2026, 1, 6, 10)), 6.0)
        self.assertEqual(self.schedule.hours_between(dt(2026, 1, 5, 12), dt(2026, 1, 5, 13)), 0.0)
        self.assertEqual(self.schedule.hours_between(dt(2026, 1, 6, 10), dt(2026, 1, 5, 10)), 0.0)

    def test_empty_schedule(self):
        empty = WorkSchedule([])
        self.assertFalse(empty)
        self.assertIsNone(empty.add_hours(dt(2026, 1, 5, 9), 1))


class TestCalendarPlanning(ServiceLinkCommon):
    """Working time on resource.calendar: the worked example of the product."""

    def test_worked_example_across_dst(self):
        # Friday 27 March 2026 16:30 Kyiv (UTC+2) + 4 working hours
        deadline = self.calendar._service_plan_hours_batch([(self.utc(2026, 3, 27, 14, 30), 4)])
        # Monday 30 March 13:30 Kyiv, now UTC+3 after the change on Sunday
        self.assertEqual(deadline, [self.utc(2026, 3, 30, 10, 30)])

    def test_worked_example_with_holiday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": self.utc(2026, 3, 29, 21, 0),
                "date_to": self.utc(2026, 3, 30, 20, 59, 59),
            }
        )
        deadline = self.calendar._service_plan_hours_batch([(self.utc(2026, 3, 27, 14, 30), 4)])
        self.assertEqual(deadline, [self.utc(2026, 3, 31, 10, 30)])

    def test_same_as_plan_hours(self):
        start = self.utc(2026, 3, 27, 14, 30)
        for hours in (0.5, 4, 7, 33, 120):
            expected = self.calendar.plan_hours(
                hours, start.replace(tzinfo=UTC), compute_leaves=True
            )
            ours = self.calendar._service_plan_hours_batch([(start, hours)])[0]
            self.assertEqual(ours, expected.astimezone(UTC).replace(tzinfo=None), hours)

    def test_hours_between(self):
        hours = self.calendar._service_hours_between_batch(
            [(self.utc(2026, 3, 27, 14, 30), self.utc(2026, 3, 30, 10, 30))]
        )
        self.assertEqual(hours, [4.0])

    def test_no_working_time_never_loops(self):
        empty = self.env["resource.calendar"].create(
            {"name": "Nothing", "attendance_ids": [Command.clear()]}
        )
        with self.assertRaises(UserError):
            empty._service_plan_hours_batch([(self.utc(2026, 3, 27, 14, 30), 4)])
        start = datetime.now()
        with self.assertRaises(UserError):
            self.calendar._service_plan_hours_batch([(self.utc(2026, 3, 27), 10_000_000)])
        self.assertLess(datetime.now() - start, timedelta(seconds=30))

    def test_policy_and_team_refuse_calendar_without_working_time(self):
        empty = self.env["resource.calendar"].create(
            {"name": "Nothing", "attendance_ids": [Command.clear()]}
        )
        Policy = self.env["crm.service.sla.policy"]
        count = Policy.search_count([])
        with self.assertRaises(ValidationError):
            Policy.create({"name": "Broken", "resource_calendar_id": empty.id})
        self.assertEqual(Policy.search_count([]), count)
        with self.assertRaises(ValidationError):
            self.team.resource_calendar_id = empty
        self.assertEqual(self.team.resource_calendar_id, self.calendar)
