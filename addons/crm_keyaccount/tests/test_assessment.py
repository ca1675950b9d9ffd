from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import KeyaccountCommon


class AssessmentCommon(KeyaccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.questions = cls.env["crm.keyaccount.question"].search([])
        cls.Assessment = cls.env["crm.keyaccount.assessment"].with_user(cls.user_ka_user)

    def _answers(self, assessment, value_for):
        """``{question id: value}`` with ``value_for(question)``."""
        return {
            answer.question_id.id: value_for(answer.question_id) for answer in assessment.answer_ids
        }

    def _send(self):
        assessment = self.Assessment.create(
            {"partner_id": self.account.id, "contact_id": self.account_contact.id}
        )
        assessment.action_send_to_client()
        return assessment, assessment.sudo().access_token


@tagged("post_install", "-at_install")
class TestKeyaccountAssessment(AssessmentCommon):
    def test_seeded_questions(self):
        self.assertEqual(len(self.questions), 6)
        self.assertIn("Does it postpone payments or decisions?", self.questions.mapped("name"))
        self.assertEqual(len(self.questions.filtered("inverted")), 4)

    def test_internal_assessment_health_and_trend(self):
        first = self.Assessment.create({"partner_id": self.account.id})
        self.assertEqual(first.answer_ids.question_id, self.questions)
        with self.assertRaises(ValidationError):
            first.action_done()  # unanswered questions
        for answer in first.answer_ids:
            answer.value = 1 if answer.question_id.inverted else 5
        first.action_done()
        self.assertEqual((first.state, first.health_score, first.trend), ("done", 100.0, "new"))
        second = self.Assessment.create({"partner_id": self.account.id})
        for answer in second.answer_ids:
            answer.value = 3
        second.action_done()
        self.assertEqual((second.health_score, second.previous_score), (50.0, 100.0))
        self.assertEqual(second.trend, "down")
        self.assertEqual(self.account.keyaccount_health_score, 50.0)
        self.assertEqual(self.account.keyaccount_health_trend, "down")
        with self.assertRaises(UserError):
            second.action_done()

    def test_answer_outside_scale_refused(self):
        assessment = self.Assessment.create({"partner_id": self.account.id})
        answer = assessment.answer_ids[0]
        for bad in (6, -1):
            with self.assertRaises(ValidationError):
                answer.value = bad
                answer.flush_recordset()
            answer.invalidate_recordset()
            self.assertEqual(answer.value, 0)

    def test_partnership_score_from_latest_assessment(self):
        assessment = self.Assessment.create({"partner_id": self.account.id})
        for answer in assessment.answer_ids:
            answer.value = 1 if answer.question_id.inverted else 4  # 75 on normal, 100 inverted
        assessment.action_done()
        self.env["res.partner"]._keyaccount_recompute()
        self.assertAlmostEqual(self.account.keyaccount_partnership_score, assessment.health_score)
        # 20 % of the score: 91.67 x 20 / 100
        self.assertAlmostEqual(
            self.account.keyaccount_score, round(assessment.health_score * 0.2, 2)
        )

    def test_portal_answer_single_use(self):
        assessment, token = self._send()
        self.assertEqual(assessment.state, "sent")
        self.assertTrue(token)
        mail = self.env["mail.mail"].search([("model", "=", "crm.keyaccount.assessment")], limit=1)
        self.assertIn(assessment._portal_url(), mail.body_html)
        values = self._answers(assessment, lambda q: 2)
        with self.assertRaises(UserError):
            assessment._answer_from_portal("forged-" + token, values)
        bad = dict(values)
        bad[assessment.answer_ids[0].question_id.id] = 9
        with self.assertRaises(ValidationError):
            assessment._answer_from_portal(token, bad)
        self.assertEqual(assessment.state, "sent")
        self.assertFalse(any(assessment.answer_ids.mapped("value")))
        assessment._answer_from_portal(token, values)
        self.assertEqual(assessment.state, "done")
        self.assertEqual(assessment.health_score, 58.33)  # 2 -> 25 normal, 75 inverted
        self.assertFalse(assessment.sudo().access_token)
        with self.assertRaises(UserError):
            assessment._answer_from_portal(token, values)

    def test_expired_token(self):
        assessment, token = self._send()
        with freeze_time(assessment.token_expiry + timedelta(seconds=1)):
            self.assertFalse(assessment._check_token(token))
            with self.assertRaises(UserError):
                assessment._answer_from_portal(token, self._answers(assessment, lambda q: 3))
        self.assertEqual(assessment.state, "sent")

    def test_send_needs_a_contact_email(self):
        assessment = self.Assessment.create({"partner_id": self.account.id})
        with self.assertRaises(UserError):
            assessment.action_send_to_client()
        self.assertEqual(assessment.state, "draft")


@tagged("post_install", "-at_install")
class TestKeyaccountAssessmentPortal(HttpCase, AssessmentCommon):
    def test_portal_page(self):
        assessment, token = self._send()
        url = f"/keyaccount/assessment/{assessment.id}/{token}"
        forged = self.url_open(f"/keyaccount/assessment/{assessment.id}/forged")
        self.assertEqual(forged.status_code, 403)
        other, other_token = self._send()
        # a valid token of another assessment does not open this one
        self.assertEqual(
            self.url_open(f"/keyaccount/assessment/{assessment.id}/{other_token}").status_code, 403
        )
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Do you need us as much as we need you?", page.text)
        data = {f"question_{q.id}": "4" for q in assessment.answer_ids.question_id}
        response = self.url_open(url, data=dict(data, csrf_token=self._csrf()))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you", response.text)
        assessment.invalidate_recordset()
        self.assertEqual(assessment.state, "done")
        self.assertEqual(set(assessment.answer_ids.mapped("value")), {4})
        self.assertEqual(self.url_open(url).status_code, 403)
        self.assertEqual(other.state, "sent")

    def _csrf(self):
        page = self.url_open("/web/login")
        return page.text.split('name="csrf_token" value="')[1].split('"')[0]
