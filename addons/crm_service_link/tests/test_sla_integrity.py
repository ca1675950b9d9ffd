from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import ServiceLinkCommon

FORGED = {"sla_engine": True, "service_sla_engine": True}
ENGINE_VALUES = {
    "sla_policy_id": False,
    "response_deadline": "2099-01-01 00:00:00",
    "resolution_deadline": "2099-01-01 00:00:00",
    "response_warning_date": "2099-01-01 00:00:00",
    "resolution_warning_date": "2099-01-01 00:00:00",
    "first_response_date": "2026-03-27 15:00:00",
    "resolved_date": "2026-03-27 15:00:00",
    "response_working_hours": 0.1,
    "resolution_working_hours": 0.1,
    "paused_hours": 99.0,
    "sla_clock_start": "2099-01-01 00:00:00",
    "sla_clock_credit": 999.0,
    "sla_pause_start": "2026-03-27 15:00:00",
    "response_warned": True,
    "response_escalated": True,
    "resolution_warned": True,
    "resolution_escalated": True,
    "customer_rating": "5",
    "customer_rating_comment": "Forged",
    "request_date": "2026-03-27 14:00:00",
}


class TestSlaMeasurements(ServiceLinkCommon):
    """Only the engine writes the SLA measurements."""

    def measured(self, request):
        request.invalidate_recordset()
        return {fname: request[fname] for fname in ENGINE_VALUES}

    def test_service_user_cannot_write_measurements(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
        before = self.measured(request)
        as_service = request.with_user(self.user_service).with_context(**FORGED)
        for fname, value in ENGINE_VALUES.items():
            with self.subTest(field=fname), self.assertRaises(UserError):
                as_service.write({fname: value})
        self.assertEqual(self.measured(request), before)
        # the manager neither
        with self.assertRaises(UserError):
            request.with_user(self.user_service_manager).write(
                {"resolution_deadline": "2099-01-01 00:00:00"}
            )
        self.assertEqual(self.measured(request), before)
        self.check_measured_through_the_actions()

    def check_measured_through_the_actions(self):
        """What users do is still measured: copy, stage, reply, priority."""
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request(stage_id=self.stage_progress.id)
            as_service = request.with_user(self.user_service).with_context(**FORGED)
            copy = as_service.copy()
            self.assertEqual(copy.response_deadline, request.response_deadline)
        with freeze_time("2026-03-30 07:00:00"):
            as_service.stage_id = self.stage_waiting
            self.assertTrue(request.sla_pause_start)
        with freeze_time("2026-03-30 08:00:00"):
            as_service.stage_id = self.stage_progress
            self.assertEqual(request.paused_hours, 1.0)
            as_service.message_post(
                body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            self.assertEqual(request.first_response_date, self.utc(2026, 3, 30, 8, 0))
            as_service.priority = "3"
            as_service.stage_id = self.stage_solved
            self.assertEqual(request.resolved_date, self.utc(2026, 3, 30, 8, 0))

    @freeze_time("2026-03-27 15:00:00")
    def test_create_takes_no_measurement_from_the_caller(self):
        Request = self.env["crm.service.request"].with_user(self.user_service)
        with self.assertRaises(UserError):
            Request.create({"name": "Forged", "team_id": self.team.id, "response_warned": True})
        self.assertFalse(self.env["crm.service.request"].search([("name", "=", "Forged")]))
        self.policy.active = False
        request = Request.with_context(
            default_resolution_deadline="2099-01-01 00:00:00",
            default_response_warned=True,
            default_resolution_escalated=True,
            default_first_response_date="2026-03-27 15:00:00",
            default_customer_rating="5",
        ).create({"name": "Defaults", "team_id": self.team.id})
        self.assertFalse(request.resolution_deadline)
        self.assertFalse(request.response_warned or request.resolution_escalated)
        self.assertFalse(request.first_response_date or request.customer_rating)

    def test_request_date_is_not_in_the_future_nor_rewritten(self):
        Request = self.env["crm.service.request"].with_user(self.user_service)
        with freeze_time("2026-03-27 15:00:00"):
            with self.assertRaises(ValidationError):
                Request.create({"name": "Tomorrow", "request_date": "2026-03-28 15:00:00"})
            self.assertFalse(self.env["crm.service.request"].search([("name", "=", "Tomorrow")]))
            request = self.create_request()
            with self.assertRaises(UserError):
                request.with_user(self.user_service).write({"request_date": "2026-03-27 14:59:00"})
        self.assertEqual(request.request_date, self.utc(2026, 3, 27, 14, 30))


class TestRating(ServiceLinkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request = cls.env["crm.service.request"].create(
            {"name": "Solved", "partner_id": cls.customer.id, "team_id": cls.team.id}
        )
        cls.request.stage_id = cls.stage_solved

    def test_rated_once_by_the_customer(self):
        for user in (self.user_service, self.user_service_manager):
            with self.assertRaises(AccessError):
                self.request.with_user(user).action_rate("5", "Forged")
            with self.assertRaises(UserError):
                self.request.with_user(user).write({"customer_rating": "5"})
        self.assertFalse(self.request.customer_rating)
        as_customer = self.request.with_user(self.user_portal)
        as_customer.action_rate("2", "Slow")
        with self.assertRaises(UserError):
            as_customer.action_rate("5", "Changed my mind")
        self.assertEqual(self.request.customer_rating, "2")
        self.assertEqual(self.request.customer_rating_comment, "Slow")
        # another customer's portal user neither
        request = self.env["crm.service.request"].create(
            {"name": "Not theirs", "partner_id": self.other_customer.id}
        )
        request.stage_id = self.stage_solved
        with self.assertRaises(AccessError):
            request.with_user(self.user_portal).action_rate("1")
        self.assertFalse(request.customer_rating)
