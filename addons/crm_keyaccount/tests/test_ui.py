from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKeyaccountUi(HttpCase):
    def test_titles_menu_tour(self):
        self.env["crm.keyaccount.title"].create({"name": "Tour Platinum", "min_score": 95})
        self.start_tour("/odoo", "crm_keyaccount_titles_tour", login="admin")
