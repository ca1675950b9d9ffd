from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import KA_MANAGER, KA_USER, KeyaccountCommon


class DashboardData:
    @classmethod
    def _dashboard_data(cls):
        env = cls.env
        title = env.ref("crm_keyaccount.crm_keyaccount_title_key")
        Partner = env["res.partner"]
        cls.key_one = Partner.create(
            {"name": "Dashboard Key One", "is_company": True, "keyaccount_title_id": title.id}
        )
        cls.key_two = Partner.create(
            {"name": "Dashboard Key Two", "is_company": True, "keyaccount_title_id": title.id}
        )
        cls.plain = Partner.create({"name": "Dashboard Plain", "is_company": True})
        for partner, amount in ((cls.key_one, 8000.0), (cls.key_two, 1500.0), (cls.plain, 500.0)):
            move = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
            move.action_post()
        env["res.partner"]._keyaccount_recompute()


@tagged("post_install", "-at_install")
class TestKeyaccountDashboard(KeyaccountCommon, DashboardData):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dashboard_data()
        cls.Dashboard = cls.env["crm.keyaccount.dashboard"].with_user(cls.user_ka_manager)

    def _figures(self):
        data = self.Dashboard.get_dashboard_data()
        return {figure["key"]: figure["value"] for figure in data["figures"]}, data

    def test_figures_and_pareto(self):
        # key two gets a map with two levels: no longer single-threaded
        for name, level in (("Exec", "executive"), ("Ops", "operational")):
            contact = self.env["res.partner"].create({"name": name, "parent_id": self.key_two.id})
            self.env["crm.keyaccount.contact"].create(
                {"partner_id": self.key_two.id, "contact_id": contact.id, "org_level": level}
            )
        self.env["crm.keyaccount.plan"].create(
            {"name": "Late plan", "partner_id": self.key_one.id, "date_review": "2020-01-01"}
        )
        figures, data = self._figures()
        self.assertEqual(figures["key_accounts"], "2")
        self.assertEqual(figures["class_a"], "80.0 %")  # 8000 of 10000
        self.assertEqual(figures["single_threaded"], "1")
        self.assertEqual(figures["overdue_reviews"], "1")
        self.assertEqual(figures["health_down"], "0")
        self.assertEqual("sla" in figures, "crm.service.request" in self.env)
        points = data["pareto"]["points"]
        self.assertEqual(points[0], (0.0, 0.0))
        self.assertEqual(points[-1], (100.0, 100.0))
        self.assertEqual(points[1][1], 80.0)
        self.assertEqual((data["pareto"]["threshold_a"], data["pareto"]["threshold_b"]), (80, 95))
        # each figure opens its list
        action = self.Dashboard.get_dashboard_action("single_threaded")
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.key_one)
        action = self.Dashboard.get_dashboard_action("key_accounts")
        keys = self.key_one | self.key_two
        self.assertEqual(self.env["res.partner"].search(action["domain"]), keys)
        action = self.Dashboard.get_dashboard_action("overdue_reviews")
        self.assertEqual(action["res_model"], "crm.keyaccount.plan")
        self.assertEqual(len(self.env["crm.keyaccount.plan"].search(action["domain"])), 1)

    def test_health_trending_down(self):
        Assessment = self.env["crm.keyaccount.assessment"]
        for value in (5, 1):
            assessment = Assessment.create({"partner_id": self.key_one.id})
            for answer in assessment.answer_ids:
                answer.value = value if not answer.question_id.inverted else 6 - value
            assessment.action_done()
        figures, _data = self._figures()
        self.assertEqual(figures["health_down"], "1")
        action = self.Dashboard.get_dashboard_action("health_down")
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.key_one)

    def test_only_managers(self):
        for user in (self.user_ka_user, self.user_salesman):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["crm.keyaccount.dashboard"].with_user(user).with_context(
                    keyaccount_dashboard=True
                ).get_dashboard_data()
            with self.assertRaises(AccessError):
                self.env["crm.keyaccount.dashboard"].with_user(user).get_dashboard_action(
                    "key_accounts"
                )

    def test_constant_queries(self):
        self._figures()
        self.env.invalidate_all()
        with self.assertQueryCount(14):
            self._figures()
        title = self.env.ref("crm_keyaccount.crm_keyaccount_title_key")
        self.env["res.partner"].create(
            [
                {"name": f"More Key {n}", "is_company": True, "keyaccount_title_id": title.id}
                for n in range(30)
            ]
        )
        self.env.invalidate_all()
        with self.assertQueryCount(14):
            figures, _data = self._figures()
        self.assertEqual(figures["key_accounts"], "32")


@tagged("post_install", "-at_install")
class TestKeyaccountDashboardUi(HttpCase, DashboardData):
    def test_dashboard_tour(self):
        self._dashboard_data()
        new_test_user(self.env, login="ka_dash_manager", groups=f"{KA_MANAGER},{KA_USER}")
        self.start_tour("/odoo", "crm_keyaccount_dashboard_tour", login="ka_dash_manager")
        # the dashboard only reads: the ranking stays as it was
        self.assertEqual(self.key_one.keyaccount_abc_class, "a")

    def test_journey_tab_tour(self):
        customer = self.env["res.partner"].create({"name": "Tour Journey Corp", "is_company": True})
        lead = self.env["crm.lead"].create(
            {"name": "Tour journey deal", "type": "opportunity", "partner_id": customer.id}
        )
        lead.action_set_won()
        self.start_tour(
            f"/odoo/res.partner/{customer.id}", "crm_keyaccount_journey_tour", login="admin"
        )
        # the link of the event, as rendered, opens the opportunity
        link = f"/odoo/crm.lead/{lead.id}"
        self.assertIn(f'href="{link}"', str(customer.customer_journey_html))
        self.start_tour(link, "crm_keyaccount_journey_link_tour", login="admin")
        self.assertEqual(lead.stage_id.is_won, True)
