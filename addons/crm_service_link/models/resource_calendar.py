from datetime import timedelta, timezone

from odoo import api, models
from odoo.exceptions import UserError, ValidationError

from ..tools.working_time import ClockSchedule, WorkSchedule

UTC = timezone.utc
# Deadlines are never searched further than this after their start.
SEARCH_HORIZON_DAYS = 3 * 366


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _service_weekly_hours(self):
        """Working hours per week from the attendances (0 = no working time)."""
        self.ensure_one()
        attendances = self.attendance_ids.filtered(
            lambda att: not att.display_type and att.day_period != "lunch"
        )
        hours = sum(max(att.hour_to - att.hour_from, 0.0) for att in attendances)
        return hours / 2.0 if self.two_weeks_calendar else hours

    def _service_check_working_time(self):
        for calendar in self:
            if calendar._service_weekly_hours() <= 0:
                raise UserError(
                    self.env._(
                        "The working schedule %(calendar)s has no working time: "
                        "response and resolution targets cannot be counted in it.",
                        calendar=calendar.display_name,
                    )
                )

    @api.constrains("attendance_ids", "two_weeks_calendar")
    def _check_service_working_time(self):
        """A calendar that service teams or SLA policies count in keeps working time."""
        # sudo: existence check of the teams and policies using the calendars.
        used = self.filtered(
            lambda calendar: (
                self.env["crm.service.team"]
                .sudo()
                .with_context(active_test=False)
                .search_count([("resource_calendar_id", "=", calendar.id)], limit=1)
                or self.env["crm.service.sla.policy"]
                .sudo()
                .with_context(active_test=False)
                .search_count([("resource_calendar_id", "=", calendar.id)], limit=1)
            )
        )
        try:
            used._service_check_working_time()
        except UserError as error:
            raise ValidationError(error.args[0]) from None

    def _service_schedule(self, start, end):
        """WorkSchedule of this calendar (holidays removed) between two aware datetimes."""
        self.ensure_one()
        intervals = self._work_intervals_batch(start, end)[False]
        return WorkSchedule([(begin, stop) for begin, stop, _meta in intervals], end)

    def _service_plan_hours_batch(self, pairs):
        """Deadlines for many (start, hours) pairs in this calendar, in one pass.

        ``start`` are naive UTC datetimes (as stored). Returns naive UTC
        datetimes, in the same order. The intervals are read once for the
        whole window; the window grows by steps up to a bounded horizon.
        """
        self.ensure_one()
        if not pairs:
            return []
        self._service_check_working_time()
        starts = [start.replace(tzinfo=UTC) for start, _hours in pairs]
        max_hours = max(hours for _start, hours in pairs)
        weeks = max_hours / self._service_weekly_hours()
        span = min(14 + int(weeks * 7 * 2), SEARCH_HORIZON_DAYS)
        begin = min(starts) - timedelta(days=1)
        while True:
            schedule = self._service_schedule(begin, max(starts) + timedelta(days=span))
            results = [
                schedule.add_hours(start, hours)
                for start, (_start, hours) in zip(starts, pairs, strict=True)
            ]
            if all(result is not None for result in results):
                return [result.replace(tzinfo=None) for result in results]
            if span >= SEARCH_HORIZON_DAYS:
                raise UserError(
                    self.env._(
                        "The working schedule %(calendar)s has not enough working time "
                        "in the next %(days)s days to plan %(hours)s hours.",
                        calendar=self.display_name,
                        days=SEARCH_HORIZON_DAYS,
                        hours=max_hours,
                    )
                )
            span = min(span * 4, SEARCH_HORIZON_DAYS)

    def _service_hours_between_batch(self, pairs):
        """Working hours for many (start, end) pairs of naive UTC datetimes."""
        self.ensure_one()
        pairs = [(start, end) for start, end in pairs]
        if not pairs:
            return []
        starts = [start.replace(tzinfo=UTC) for start, _end in pairs]
        ends = [end.replace(tzinfo=UTC) for _start, end in pairs]
        schedule = self._service_schedule(min(starts), max(ends) + timedelta(days=1))
        return [schedule.hours_between(s, e) for s, e in zip(starts, ends, strict=True)]

    @api.model
    def _service_plan(self, entries):
        """Plan many (calendar, start, hours) entries grouped by calendar.

        Returns the deadlines in the order of ``entries`` (None where the
        calendar or the start is missing).
        """
        grouped = {}
        for index, (calendar, start, hours) in enumerate(entries):
            if calendar and start and hours is not None:
                grouped.setdefault(calendar, []).append((index, start, hours))
        results = [None] * len(entries)
        for calendar, items in grouped.items():
            deadlines = calendar._service_plan_hours_batch([(s, h) for _i, s, h in items])
            for (index, _start, _hours), deadline in zip(items, deadlines, strict=True):
                results[index] = deadline
        return results

    def _service_clock_schedule(self, begin, end):
        """ClockSchedule (tools/working_time) of this calendar around two naive
        UTC datetimes: work and attendance intervals, read once."""
        self.ensure_one()
        begin = begin.replace(tzinfo=UTC) - timedelta(days=1)
        end = end.replace(tzinfo=UTC) + timedelta(days=1)
        attendances = self._attendance_intervals_batch(begin, end)[False]
        work = attendances - self._leave_intervals_batch(begin, end)[False]
        return ClockSchedule(
            [(start, stop) for start, stop, _meta in work],
            [(start, stop) for start, stop, _meta in attendances],
        )

    def action_service_sla_repair(self):
        """Repair the SLA of the open requests counted in these calendars."""
        return self.env["crm.service.request"]._sla_repair_open(calendars=self)
