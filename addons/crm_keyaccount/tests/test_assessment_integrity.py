from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_assessment import AssessmentCommon


@tagged("post_install", "-at_install")
class TestKeyaccountAssessmentIntegrity(AssessmentCommon):
    """The link, the state and the result of an assessment belong to the system."""

    def _done(self):
        assessment = self.Assessment.create({"partner_id": self.account.id})
        for answer in assessment.answer_ids:
            answer.value = 4
        assessment.action_done()
        return assessment

    def test_system_fields_are_not_set_by_users(self):
        assessment = self.Assessment.create(
            {
                "partner_id": self.account.id,
                "state": "done",
                "health_score": 100.0,
                "trend": "up",
                "token_expiry": "2099-01-01 00:00:00",
            }
        )
        self.assertEqual(
            (assessment.state, assessment.health_score, assessment.trend, assessment.token_expiry),
            ("draft", 0.0, False, False),
        )
        for values in (
            {"state": "sent"},
            {"state": "done"},
            {"token_expiry": "2099-01-01 00:00:00"},
            {"health_score": 99.0},
            {"access_token": "chosen-by-me"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                assessment.with_context(tracking_disable=True).write(values)
        assessment.invalidate_recordset()
        self.assertEqual((assessment.state, assessment.health_score), ("draft", 0.0))
        self.assertFalse(assessment.sudo().access_token)
        self.assertFalse(assessment.token_expiry)

    def test_link_is_never_readable_by_staff(self):
        assessment, token = self._send()
        Message = self.env["mail.message"]
        for user in (self.user_ka_user, self.user_ka_manager):
            with self.subTest(user=user.login):
                self.assertFalse(Message.with_user(user).search([("body", "ilike", token)]))
                readable = Message.with_user(user).search(
                    [("model", "=", assessment._name), ("res_id", "=", assessment.id)]
                )
                self.assertTrue(readable)
                self.assertNotIn(token, "".join(str(body) for body in readable.mapped("body")))
                with self.assertRaises(AccessError):
                    self.env["mail.mail"].with_user(user).search([])
        # the stored copy of the e-mail has no token; only the e-mail sent has it
        self.assertFalse(Message.search([("body", "ilike", token)]))
        mail = self.env["mail.mail"].search([("model", "=", assessment._name)])
        self.assertIn(token, mail.body_html)
        self.assertTrue(mail.auto_delete)

    def test_contact_of_the_account_only(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Assessment.create(
                {"partner_id": self.account.id, "contact_id": self.other_contact.id}
            )
        self.assertFalse(self.Assessment.search([("contact_id", "=", self.other_contact.id)]))
        assessment, token = self._send()
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            assessment.contact_id = self.other_contact
        self.assertEqual(assessment.contact_id, self.account_contact)
        self.assertTrue(assessment._check_token(token))
        # another contact of the account: the link sent to the first one dies
        colleague = self.env["res.partner"].create(
            {"name": "Max Mine", "parent_id": self.account.id, "email": "max@mine.example"}
        )
        assessment.contact_id = colleague
        self.assertEqual(assessment.state, "draft")
        self.assertFalse(assessment._check_token(token))
        self.assertFalse(assessment.sudo().access_token)

    def test_done_assessment_is_frozen(self):
        assessment = self._done()
        score, date_done = assessment.health_score, assessment.date_done
        answer = assessment.answer_ids[0]
        with self.assertRaises(UserError):
            answer.write({"value": 1})
        with self.assertRaises(UserError):
            assessment.write({"answer_ids": [(1, answer.id, {"value": 1})]})
        with self.assertRaises(UserError):
            assessment.write({"contact_id": self.account_contact.id})
        with self.assertRaises(UserError):
            self.env["crm.keyaccount.answer"].with_user(self.user_ka_user).create(
                {"assessment_id": assessment.id, "question_id": self.questions[0].id}
            )
        with self.assertRaises(UserError):
            assessment.sudo().write({"health_score": 0.0, "trend": "down"})
        assessment.invalidate_recordset()
        answer.invalidate_recordset()
        self.assertEqual(answer.value, 4)
        self.assertEqual(len(assessment.answer_ids), 6)
        self.assertEqual((assessment.health_score, assessment.date_done), (score, date_done))
        self.assertFalse(assessment.contact_id)
