from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged


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
            {"name": "Mine", "partner_id": cls.customer.id, "stage_id": solved.id}
        )
        other = cls.env["res.partner"].create({"name": "Someone Else", "is_company": True})
        # closed too, so that only the access check keeps it from being rated
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
        response = self.url_open(
            f"/my/service-requests/{self.mine.id}/rate",
            data={"rating": "4", "comment": "Quick", "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.mine.customer_rating, "4")
        self.assertEqual(self.mine.customer_rating_comment, "Quick")
        self.url_open(
            f"/my/service-requests/{self.mine.id}/rate",
            data={"rating": "9", "comment": "Bad", "csrf_token": http.Request.csrf_token(self)},
        )
        self.mine.invalidate_recordset()
        self.assertEqual(self.mine.customer_rating, "4")
        self.assertEqual(self.mine.customer_rating_comment, "Quick")
        response = self.url_open(
            f"/my/service-requests/{self.other.id}/rate",
            data={"rating": "1", "csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertFalse(self.other.customer_rating)
