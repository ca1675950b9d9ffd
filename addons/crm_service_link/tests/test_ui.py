from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestServiceLinkUi(HttpCase):
    def test_teams_menu_tour(self):
        self.env["crm.service.team"].create({"name": "Tour Field Service"})
        self.start_tour("/odoo", "crm_service_link_teams_tour", login="admin")
