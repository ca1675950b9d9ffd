from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestPortalRoutes(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Route Customer", "is_company": True})
        contact = cls.env["res.partner"].create(
            {"name": "Route Contact", "parent_id": cls.customer.id, "email": "route@example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="route_portal",
            password="route_portal_pw",
            groups="base.group_portal",
            partner_id=contact.id,
            email="route@example.com",
        )
        solved = cls.env.ref("crm_service_link.crm_service_stage_solved")
        cls.mine = cls.env["crm.service.request"].create(
            {"name": "Mine", "partner_id": cls.customer.id, "contact_id": contact.id}
        )
        cls.mine.stage_id = solved
        other = cls.env["res.partner"].create({"name": "Someone Else", "is_company": True})
        cls.other = cls.env["crm.service.request"].create(
            {"name": "Not mine", "partner_id": other.id, "stage_id": solved.id}
        )

    def test_portal_pages_and_rating(self):
        self.authenticate("route_portal", "route_portal_pw")
        page = self.url_open("/my/service-requests")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Mine", page.text)
        self.assertNotIn("Not mine", page.text)
        detail = self.url_open(f"/my/service-requests/{self.other.id}", allow_redirects=False)
        self.assertEqual(detail.status_code, 303)
        # the closed request's page links to Odoo's rating pages with the token
        detail = self.url_open(f"/my/service-requests/{self.mine.id}")
        token = self.mine.sudo().rating_ids.filtered(lambda r: not r.consumed).access_token
        self.assertTrue(token)
        self.assertIn(f"/rate/{token}/5", detail.text)
        self.assertEqual(self.url_open(f"/rate/{token}/5").status_code, 200)

    def test_rated_once_through_the_rating_pages(self):
        token = self.mine.sudo().rating_ids.filtered(lambda r: not r.consumed).access_token
        self.assertTrue(token, "closing the request e-mailed its rating request")
        # the e-mail's link, as the customer who is not logged in
        self.authenticate(None, None)
        csrf = http.Request.csrf_token(self)
        response = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": 5, "feedback": "Quick", "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        self.mine.invalidate_recordset()
        self.assertEqual(self.mine.rating_last_value, 5)
        self.assertEqual(self.mine.rating_last_feedback, "Quick")
        with mute_logger("odoo.http"):
            self.url_open(
                f"/rate/{token}/submit_feedback",
                data={"rate": 1, "feedback": "Bad", "csrf_token": csrf},
            )
        self.mine.invalidate_recordset()
        self.assertEqual(self.mine.rating_last_value, 5)
        self.assertEqual(self.mine.rating_last_feedback, "Quick")
        self.assertEqual(len(self.mine.sudo().rating_ids), 1)
        # the portal page shows the rating and no more links
        self.authenticate("route_portal", "route_portal_pw")
        detail = self.url_open(f"/my/service-requests/{self.mine.id}")
        self.assertIn("Satisfied", detail.text)
        self.assertNotIn("/rate/", detail.text)
