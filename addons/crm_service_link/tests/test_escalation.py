from freezegun import freeze_time

from .common import ServiceLinkCommon


class TestEscalation(ServiceLinkCommon):
    def manager_mails(self):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", self.user_service_manager.partner_id.ids)]
        )

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
            mail = self.manager_mails()
            self.assertEqual(len(mail), 1)
            self.assertEqual(mail.subject, "First response due soon")
            self.assertIn("Printer down", mail.body_html)
            self.assertIn("Customer Co", mail.body_html)
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

    def test_escalation_mail_from_the_consultants_template(self):
        """The e-mail is the template's: a consultant's change shows in the next one."""
        template = self.env.ref("crm_service_link.mail_template_service_sla_escalation")
        template.body_html = "<p>Please look at <t t-out=\"ctx.get('sla_summary')\"/> now</p>"
        with freeze_time("2026-03-27 15:00:00"):
            self.create_request()
            self.create_request(name="Scanner down")
        with freeze_time("2026-03-30 11:00:00"):
            self.env["crm.service.request"]._cron_sla_escalation()
        mail = self.manager_mails()
        self.assertEqual(len(mail), 1, "one e-mail per manager for both requests")
        self.assertIn("Please look at First response overdue now", mail.body_html)
        self.assertEqual(mail.subject, "First response overdue")
