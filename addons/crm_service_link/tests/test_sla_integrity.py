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
    "rating_last_value": 5.0,
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
            default_rating_last_value=5,
        ).create({"name": "Defaults", "team_id": self.team.id})
        self.assertFalse(request.resolution_deadline)
        self.assertFalse(request.response_warned or request.resolution_escalated)
        self.assertFalse(request.first_response_date or request.rating_last_value)

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
    """Ratings through rating.mixin: asked by e-mail at closing, given once
    with the customer's token, never by staff."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request = cls.env["crm.service.request"].create(
            {
                "name": "Solved",
                "partner_id": cls.customer.id,
                "contact_id": cls.customer_contact.id,
                "team_id": cls.team.id,
            }
        )
        cls.request.with_user(cls.user_service).stage_id = cls.stage_solved
        cls.model_id = cls.env["ir.model"]._get_id("crm.service.request")

    def pending(self):
        return self.request.sudo().rating_ids.filtered(lambda rating: not rating.consumed)

    def test_rating_mail_sent_to_the_customer_at_closing(self):
        rating = self.pending()
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.partner_id, self.customer_contact)
        mail = self.env["mail.mail"].search([("body_html", "like", rating.access_token)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer_contact)
        self.assertIn("Solved", mail.subject)
        # not on the request's chatter, where staff would read the token
        self.assertFalse(mail.model)
        self.assertNotIn(
            rating.access_token, " ".join(self.request.message_ids.mapped("body") or [""])
        )
        # reopened and closed again: still one pending rating, no second e-mail
        self.request.stage_id = self.stage_progress
        self.request.stage_id = self.stage_solved
        self.assertEqual(self.pending(), rating)
        self.assertEqual(
            self.env["mail.mail"].search_count([("body_html", "like", rating.access_token)]), 1
        )

    def test_staff_cannot_forge_a_rating(self):
        forged = {"sla_engine": True, "tracking_disable": True}
        token = self.pending().access_token
        for user in (self.user_service, self.user_service_manager):
            as_user = self.request.with_user(user).with_context(**forged)
            Rating = self.env["rating.rating"].with_user(user).with_context(**forged)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    as_user.rating_apply(5, token=token)
                with self.assertRaises(AccessError):
                    as_user.message_post(body="Great", rating_value=5)
                with self.assertRaises(UserError):
                    as_user.write({"rating_last_value": 5})
                with self.assertRaises(UserError):
                    as_user.write({"rating_ids": [(0, 0, {"rating": 5, "consumed": True})]})
                with self.assertRaises(AccessError):
                    Rating.create(
                        {
                            "res_model_id": self.model_id,
                            "res_id": self.request.id,
                            "rating": 5,
                            "consumed": True,
                        }
                    )
                # the pending token is invisible, and cannot be consumed by writing it
                self.assertFalse(Rating.search([("access_token", "=", token)]))
                with self.assertRaises(AccessError):
                    Rating.browse(self.pending().id).write({"rating": 5, "consumed": True})
        self.request.invalidate_recordset()
        self.assertEqual(self.request.rating_last_value, 0)
        self.assertFalse(self.request.sudo().rating_ids.filtered("consumed"))

    def test_rated_once_with_the_customer_token(self):
        # as Odoo's /rate/<token> page does, after finding the token
        rating = self.pending()
        self.request.sudo().rating_apply(1, rating=rating.sudo(), feedback="Slow")
        self.request.invalidate_recordset()
        self.assertEqual(self.request.rating_last_value, 1)
        self.assertEqual(self.request.rating_last_feedback, "Slow")
        with self.assertRaises(UserError):
            self.request.sudo().rating_apply(5, rating=rating.sudo(), feedback="Changed my mind")
        # a given rating is not rewritten nor deleted by staff either
        as_service = self.env["rating.rating"].with_user(self.user_service).browse(rating.id)
        with self.assertRaises(AccessError):
            as_service.write({"rating": 5})
        with self.assertRaises(AccessError):
            as_service.unlink()
        self.request.invalidate_recordset()
        self.assertEqual(self.request.rating_last_value, 1)
        # another request's token does not rate this one
        other = self.env["crm.service.request"].create(
            {"name": "Other", "partner_id": self.other_customer.id, "team_id": self.team.id}
        )
        third = self.env["crm.service.request"].create(
            {"name": "Third", "partner_id": self.other_customer.id, "team_id": self.team.id}
        )
        other_rating = self.env["rating.rating"].create(
            {"res_model_id": self.model_id, "res_id": other.id}
        )
        with self.assertRaises(AccessError):
            third.sudo().rating_apply(5, rating=other_rating)
        self.assertEqual(third.rating_last_value, 0)
        self.assertFalse(other_rating.consumed)

    def test_complaint_is_tracked(self):
        request = self.env["crm.service.request"].create(
            {"name": "Angry", "partner_id": self.customer.id, "team_id": self.team.id}
        )
        self.env.cr.flush()  # the creation's own tracking is done
        request.with_user(self.user_service).is_complaint = True
        self.env.cr.flush()
        tracked = request.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "is_complaint"
        )
        self.assertTrue(tracked)
        with self.assertRaises(AccessError):
            request.with_user(self.user_portal).write({"is_complaint": False})
        self.assertTrue(request.is_complaint)
