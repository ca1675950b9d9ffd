from freezegun import freeze_time

from .common import ServiceLinkCommon


class TestEscalation(ServiceLinkCommon):
    def activities(self, request):
        return self.env["mail.activity"].search(
            [("res_model", "=", "crm.service.request"), ("res_id", "=", request.id)]
        )

    def test_warning_then_breach_once(self):
        cron = self.env.ref("crm_service_link.ir_cron_service_sla_escalation")
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
            triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
            # the next event is the response warning, Monday 10:30 Kyiv
            self.assertIn(self.utc(2026, 3, 30, 7, 30), triggers.mapped("call_at"))
        Request = self.env["crm.service.request"]
        with freeze_time("2026-03-30 08:00:00"):
            Request._cron_sla_escalation()
            self.assertTrue(request.response_warned)
            self.assertFalse(request.response_escalated)
            activities = self.activities(request)
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.user_id, self.user_service_manager)
            mail = self.env["mail.mail"].search([("email_to", "ilike", "svc_manager@")])
            self.assertEqual(len(mail), 1)
            Request._cron_sla_escalation()
            self.assertEqual(len(self.activities(request)), 1, "idempotent")
        with freeze_time("2026-03-30 11:00:00"):
            Request._cron_sla_escalation()
            self.assertTrue(request.response_escalated)
            self.assertEqual(len(self.activities(request)), 2)
            Request._cron_sla_escalation()
            self.assertEqual(len(self.activities(request)), 2, "idempotent")

    def test_answered_requests_are_not_escalated(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
            request.with_user(self.user_service).message_post(
                body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        with freeze_time("2026-03-30 11:00:00"):
            self.env["crm.service.request"]._cron_sla_escalation()
            self.assertFalse(request.response_escalated)
            self.assertFalse(self.activities(request))

    def test_late_job_escalates_once_without_warning(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request()
        with freeze_time("2026-03-30 11:00:00"):
            self.env["crm.service.request"]._cron_sla_escalation()
            self.assertTrue(request.response_warned)
            self.assertTrue(request.response_escalated)
            activities = self.activities(request)
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.summary, "First response overdue")
