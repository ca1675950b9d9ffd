from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import ServiceLinkCommon


class TimelineCommon(ServiceLinkCommon):
    def paused_request(self, **vals):
        """Created Friday 16:30 Kyiv, paused Monday 10:00-15:00, resolved Tuesday 11:00."""
        with freeze_time("2026-03-27 14:30:00"):
            request = self.create_request(stage_id=self.stage_progress.id, **vals)
        with freeze_time("2026-03-30 07:00:00"):
            request.stage_id = self.stage_waiting
        with freeze_time("2026-03-30 12:00:00"):
            request.stage_id = self.stage_progress
        with freeze_time("2026-03-31 08:00:00"):
            request.stage_id = self.stage_solved
        return request


class TestSlaTimeline(TimelineCommon):
    def test_counted_segments_add_up_to_the_measured_time(self):
        request = self.paused_request()
        # Friday 0.5, Monday 1 + 2, Tuesday 2 working hours
        self.assertEqual(request.resolution_working_hours, 5.5)
        segments = request.sla_segment_ids.filtered(lambda s: s.target == "resolution")
        counted = segments.filtered(lambda s: s.kind == "counted")
        self.assertAlmostEqual(sum(counted.mapped("working_hours")), 5.5, places=6)
        self.assertEqual(
            segments.mapped("kind"),
            [
                "counted",
                "outside_hours",
                "counted",
                "paused",
                "counted",
                "outside_hours",
                "counted",
            ],
        )
        self.assertEqual(segments.filtered(lambda s: s.kind == "paused").working_hours, 4.0)
        self.assertEqual(segments[0].date_start, self.utc(2026, 3, 27, 14, 30))
        self.assertEqual(segments[-1].date_end, self.utc(2026, 3, 31, 8, 0))

    def test_portal_timeline_has_no_internal_names(self):
        request = self.paused_request()
        timeline = request.sla_segment_ids.filtered(
            lambda s: s.target == "resolution"
        )._portal_timeline()
        self.assertEqual(
            [period["state"] for period in timeline],
            ["working", "outside", "working", "waiting", "working", "outside", "working"],
        )
        self.assertEqual(set(timeline[0]), {"state", "label", "start", "end"})
        self.assertEqual(timeline[3]["start"], self.utc(2026, 3, 30, 7, 0))
        self.assertEqual(timeline[3]["end"], self.utc(2026, 3, 30, 12, 0))

    def count_repair(self, requests):
        requests.invalidate_model()
        self.env.flush_all()
        before = self.cr.sql_log_count
        requests._sla_repair(now=self.utc(2026, 3, 31, 9, 0))
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def count_read(self, requests):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        requests.with_user(self.user_service_manager).read(["sla_segment_ids"])
        requests.sla_segment_ids.with_user(self.user_service_manager).read(
            ["target", "kind", "date_start", "date_end", "working_hours", "team_id"]
        )
        return self.cr.sql_log_count - before

    def test_repair_and_list_do_not_grow_with_segments(self):
        one = self.paused_request()
        twenty = one.browse([self.paused_request().id for _i in range(20)])
        self.assertEqual(len(twenty.sla_segment_ids), 20 * len(one.sla_segment_ids))
        # warm-up (registry caches, templates)
        self.count_repair(one)
        self.assertEqual(self.count_repair(twenty), self.count_repair(one))
        self.assertEqual(len(twenty.sla_segment_ids), 20 * len(one.sla_segment_ids))
        self.count_read(one)
        self.assertEqual(self.count_read(twenty), self.count_read(one))


@tagged("post_install", "-at_install")
class TestSlaTimelineHttp(HttpCase, TimelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.user_service, cls.user_service_manager, cls.user_portal):
            user.password = f"{user.login}_pw"
        cls.team.name = "Timeline team"
        cls.policy.team_budget_ids = [Command.create({"team_id": cls.team.id, "hours": 10})]

    def call_kw(self, login, model, method, args, context):
        self.authenticate(login, f"{login}_pw")
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": {"context": context}},
        )

    def test_rpc_forged_context_cannot_write_the_clock_nor_repair(self):
        request = self.paused_request()
        segment = request.sla_segment_ids[:1]
        clock = request.sla_team_clock_ids[:1]
        forged = {"sla_engine": True, "tracking_disable": True, "install_mode": True}
        calls = [
            ("crm.service.sla.segment", "write", [segment.ids, {"kind": "paused"}]),
            ("crm.service.sla.segment", "unlink", [segment.ids]),
            ("crm.service.sla.segment", "create", [{"request_id": request.id}]),
            ("crm.service.sla.team.clock", "write", [clock.ids, {"counted_seconds": 1}]),
            ("crm.service.sla.team.clock", "unlink", [clock.ids]),
            ("crm.service.request", "action_sla_repair", [request.ids]),
            ("crm.service.sla.policy", "action_sla_repair_open", [self.policy.ids]),
            ("resource.calendar", "action_service_sla_repair", [self.calendar.ids]),
        ]
        for model, method, args in calls:
            with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as error:
                self.call_kw("svc_user", model, method, args, forged)
            self.assertIn("odoo.exceptions", str(error.exception))
        segment.invalidate_recordset()
        self.assertEqual(segment.kind, "counted")
        self.assertEqual(clock.counted_seconds, round(clock.counted_hours * 3600))
        self.assertTrue(clock.exists())
        # the service user reads the timeline; the manager repairs
        read = self.call_kw("svc_user", "crm.service.sla.segment", "read", [segment.ids], {})
        self.assertEqual(read[0]["kind"], "counted")
        self.assertTrue(
            self.call_kw(
                "svc_manager", "crm.service.request", "action_sla_repair", [request.ids], {}
            )
        )

    def test_timeline_tour(self):
        request = self.paused_request()
        self.start_tour(
            f"/odoo/action-crm_service_link.crm_service_request_action/{request.id}",
            "crm_service_link_sla_timeline_tour",
            login="svc_user",
        )

    def test_portal_timeline_tour(self):
        request = self.paused_request()
        self.start_tour(
            f"/my/service-requests/{request.id}",
            "crm_service_link_portal_timeline_tour",
            login="svc_portal",
        )
