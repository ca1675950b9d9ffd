from freezegun import freeze_time

from .common import ServiceLinkCommon


class TestSlaGlance(ServiceLinkCommon):
    """Time left per target in working hours, and the nearest deadline."""

    def test_time_left_in_working_hours(self):
        with freeze_time("2026-03-27 14:30:00"):
            request = self.create_request()
        # Friday 17:00 in Kyiv: half an hour of the day was worked
        with freeze_time("2026-03-27 15:00:00"):
            request.invalidate_recordset()
            self.assertAlmostEqual(request.response_hours_left, 3.5)
            self.assertAlmostEqual(request.resolution_hours_left, 15.5)
            self.assertEqual(request.sla_next_deadline, request.response_deadline)
        # the week-end does not count: still 3.5 hours on Monday 08:00 in Kyiv
        with freeze_time("2026-03-30 05:00:00"):
            request.invalidate_recordset()
            self.assertAlmostEqual(request.response_hours_left, 3.5)
        # Monday 14:00 in Kyiv: half an hour past the response deadline (13:30)
        with freeze_time("2026-03-30 11:00:00"):
            request.invalidate_recordset()
            self.assertAlmostEqual(request.response_hours_left, -0.5)
            request.with_user(self.user_service).message_post(
                body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            request.invalidate_recordset()
            self.assertEqual(request.response_hours_left, 0.0)
            self.assertEqual(request.sla_next_deadline, request.resolution_deadline)

    def test_time_left_is_frozen_while_paused(self):
        with freeze_time("2026-03-27 14:30:00"):
            request = self.create_request(stage_id=self.stage_progress.id)
        with freeze_time("2026-03-27 14:45:00"):
            request.stage_id = self.stage_waiting
        with freeze_time("2026-03-30 09:00:00"):
            request.invalidate_recordset()
            self.assertAlmostEqual(request.response_hours_left, 3.75)
