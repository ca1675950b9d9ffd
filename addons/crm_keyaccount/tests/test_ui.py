from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestKeyaccountUi(HttpCase):
    def test_titles_menu_tour(self):
        self.env["crm.keyaccount.title"].create({"name": "Tour Platinum", "min_score": 95})
        self.start_tour("/odoo", "crm_keyaccount_titles_tour", login="admin")

    def test_manager_recomputes_and_sees_pareto(self):
        big = self.env["res.partner"].create({"name": "Pareto Big", "is_company": True})
        small = self.env["res.partner"].create({"name": "Pareto Small", "is_company": True})
        for partner, amount in ((big, 9000.0), (small, 1000.0)):
            move = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
            move.action_post()
        self.start_tour("/odoo", "crm_keyaccount_pareto_tour", login="admin")
        self.assertEqual(big.keyaccount_abc_class, "a")
        self.assertEqual(big.keyaccount_revenue, 9000.0)
        self.assertEqual(small.keyaccount_abc_class, "b")  # 90 % above it

    def test_key_account_manager_edits_relationship_map(self):
        user = new_test_user(
            self.env, login="ka_tour_user", groups="crm_keyaccount.crm_keyaccount_group_user"
        )
        account = self.env["res.partner"].create(
            {"name": "Tour Account", "is_company": True, "keyaccount_manager_id": user.id}
        )
        tina = self.env["res.partner"].create({"name": "Tina Tour", "parent_id": account.id})
        self.start_tour(
            "/odoo/action-crm_keyaccount.res_partner_action_keyaccount",
            "crm_keyaccount_map_tour",
            login="ka_tour_user",
        )
        entry = account.keyaccount_contact_ids
        self.assertEqual(entry.contact_id, tina)
        self.assertEqual(
            (entry.org_level, entry.buying_role, entry.attitude),
            ("executive", "decision_maker", "supporter"),
        )

    def test_client_contact_answers_in_the_portal(self):
        account = self.env["res.partner"].create({"name": "Portal Account", "is_company": True})
        contact = self.env["res.partner"].create(
            {"name": "Carla Client", "parent_id": account.id, "email": "carla@client.example"}
        )
        assessment = self.env["crm.keyaccount.assessment"].create(
            {"partner_id": account.id, "contact_id": contact.id}
        )
        assessment.action_send_to_client()
        self.start_tour(assessment._portal_url(), "crm_keyaccount_portal_tour")
        self.assertEqual(assessment.state, "done")
        self.assertEqual(assessment.answer_ids.mapped("value"), [4] * 6)
        self.assertEqual(assessment.health_score, 41.67)  # 75 on 2 questions, 25 on 4 inverted
        self.assertFalse(assessment._check_token(assessment.sudo().access_token))
