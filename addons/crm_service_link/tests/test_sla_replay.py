from datetime import datetime, timedelta

from freezegun import freeze_time
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from odoo.fields import Command

from .common import ServiceLinkCommon

FIGURES = [
    "sla_policy_id",
    "sla_calendar_id",
    "response_deadline",
    "resolution_deadline",
    "response_warning_date",
    "resolution_warning_date",
    "first_response_date",
    "resolved_date",
    "response_working_hours",
    "resolution_working_hours",
    "paused_hours",
    "response_late",
    "resolution_late",
    "response_sla_status",
    "resolution_sla_status",
    "sla_clock_start",
    "sla_clock_credit",
    "sla_pause_start",
    "sla_pause_return_stage_id",
    "sla_last_event_date",
]
EVENTS = st.one_of(
    st.tuples(st.just("stage"), st.sampled_from(["new", "progress", "waiting", "solved"])),
    st.tuples(st.just("reply"), st.sampled_from(["staff", "customer"])),
    st.tuples(st.just("priority"), st.sampled_from(["0", "1", "3"])),
    st.tuples(st.just("team"), st.sampled_from(["team", "team_other", "team_utc"])),
)
# Kyiv: summer time begins on 29 March 2026 and ends on 25 October 2026
STARTS = st.sampled_from(
    [datetime(2026, 3, 26, 10, 17, 5), datetime(2026, 10, 22, 14, 3, 0), datetime(2026, 3, 30, 5)]
)
HISTORIES = st.tuples(
    STARTS,
    st.lists(st.tuples(st.integers(60, 3 * 86400), EVENTS), min_size=3, max_size=10),
)


class SlaReplayCommon(ServiceLinkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar_utc = cls.create_utc_calendar()
        cls.team_utc = cls.env["crm.service.team"].create(
            {"name": "UTC team", "resource_calendar_id": cls.calendar_utc.id}
        )
        cls.policy.team_budget_ids = [
            Command.create({"team_id": cls.team.id, "hours": 8, "sequence": 1}),
            Command.create({"team_id": cls.team_other.id, "hours": 6, "sequence": 2}),
        ]
        cls.policy_urgent = cls.env["crm.service.sla.policy"].create(
            {
                "name": "Urgent, UTC",
                "sequence": 5,
                "priority": "3",
                "response_hours": 2,
                "resolution_hours": 8,
                "resource_calendar_id": cls.calendar_utc.id,
                "pause_stage_ids": [Command.link(cls.stage_waiting.id)],
            }
        )
        # holidays: Tuesday 31 March and Tuesday 27 October 2026 (Kyiv)
        cls.env["resource.calendar.leaves"].create(
            [
                {
                    "name": "Spring holiday",
                    "calendar_id": False,
                    "date_from": datetime(2026, 3, 30, 21, 0),
                    "date_to": datetime(2026, 3, 31, 20, 59, 59),
                },
                {
                    "name": "Autumn holiday",
                    "calendar_id": cls.calendar.id,
                    "date_from": datetime(2026, 10, 26, 22, 0),
                    "date_to": datetime(2026, 10, 27, 21, 59, 59),
                },
            ]
        )
        cls.stages = {
            "new": cls.stage_new,
            "progress": cls.stage_progress,
            "waiting": cls.stage_waiting,
            "solved": cls.stage_solved,
        }
        cls.teams = {"team": cls.team, "team_other": cls.team_other, "team_utc": cls.team_utc}

    def play(self, start, steps):
        """Run the history through the live engine; returns (request, end)."""
        with freeze_time(start):
            request = self.create_request(request_date=start, stage_id=self.stage_new.id)
        moment = start
        for delta, (kind, arg) in steps:
            moment += timedelta(seconds=delta)
            with freeze_time(moment):
                if kind == "stage":
                    request.stage_id = self.stages[arg]
                elif kind == "priority":
                    request.priority = arg
                elif kind == "team":
                    request.team_id = self.teams[arg]
                else:
                    user = self.user_service_manager if arg == "staff" else self.user_portal
                    request.with_user(user).message_post(
                        body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
                    )
        return request, moment

    def snapshot(self, request):
        request.invalidate_recordset()
        figures = {}
        for fname in FIGURES:
            value = request[fname]
            figures[fname] = value.id if hasattr(value, "_name") else value
        segments = [
            (s.target, s.date_start, s.date_end, s.kind, s.working_hours, s.team_id.id)
            for s in request.sla_segment_ids.sorted(lambda s: (s.target, s.date_start, s.id))
        ]
        clocks = sorted(
            (c.budget_id.id, c.team_id.id, c.counted_seconds, c.breach_date, c.status, c.deadline)
            for c in request.sla_team_clock_ids
        )
        return figures, segments, clocks

    def assert_invariants(self, request):
        counted = {"response": 0.0, "resolution": 0.0}
        seconds = 0
        for segment in request.sla_segment_ids:
            if segment.kind == "counted":
                counted[segment.target] += segment.working_hours
                if segment.target == "resolution":
                    seconds += round(segment.working_hours * 3600)
        if request.first_response_date:
            self.assertAlmostEqual(counted["response"], request.response_working_hours, places=6)
        if request.resolved_date:
            self.assertAlmostEqual(
                counted["resolution"], request.resolution_working_hours, places=6
            )
        self.assertEqual(sum(request.sla_team_clock_ids.mapped("counted_seconds")), seconds)
        self.assertAlmostEqual(
            sum(request.sla_team_clock_ids.mapped("counted_hours")), counted["resolution"], places=6
        )


class TestSlaReplayProperties(SlaReplayCommon):
    @settings(
        derandomize=True,
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(HISTORIES)
    # closed, moved to a team in another calendar, reopened and closed again
    @example(
        (
            datetime(2026, 3, 26, 10, 17, 5),
            [
                (3600, ("stage", "solved")),
                (86400, ("team", "team_utc")),
                (90000, ("stage", "progress")),
                (7200, ("reply", "staff")),
                (86400, ("stage", "solved")),
            ],
        )
    )
    # paused across the change to summer time, re-matched while paused, the
    # customer's reply resumes; a holiday on the way
    @example(
        (
            datetime(2026, 3, 26, 10, 17, 5),
            [
                (600, ("stage", "waiting")),
                (2 * 86400, ("priority", "3")),
                (3 * 86400, ("reply", "customer")),
                (3600, ("team", "team_other")),
                (86400, ("stage", "solved")),
            ],
        )
    )
    # back to winter time, a holiday, the first line then the second
    @example(
        (
            datetime(2026, 10, 22, 14, 3, 0),
            [
                (3600, ("stage", "progress")),
                (3 * 86400, ("team", "team_other")),
                (86400, ("reply", "staff")),
                (2 * 86400, ("stage", "waiting")),
                (3600, ("stage", "solved")),
                (3600, ("stage", "new")),
                (3 * 86400, ("stage", "solved")),
            ],
        )
    )
    def test_repair_gives_back_the_live_figures(self, history):
        start, steps = history
        request, end = self.play(start, steps)
        with freeze_time(end):
            live = self.snapshot(request)
            self.assert_invariants(request)
            request._sla_repair(now=end)
            repaired = self.snapshot(request)
        self.assertEqual(repaired[0], live[0])
        self.assertEqual(repaired[1], live[1])
        self.assertEqual(repaired[2], live[2])
        self.assert_invariants(request)
