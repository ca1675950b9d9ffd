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
