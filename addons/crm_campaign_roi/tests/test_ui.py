from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCampaignRoiUi(HttpCase):
    def test_costs_menu_tour(self):
        campaign = self.env["utm.campaign"].create({"name": "Tour campaign"})
        self.env["utm.campaign.cost"].create(
            {"name": "Tour trade fair stand", "campaign_id": campaign.id, "amount": 777.0}
        )
        self.start_tour("/odoo", "crm_campaign_roi_costs_tour", login="admin")
