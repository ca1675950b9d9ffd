from odoo.exceptions import AccessError

from .common import CampaignRoiCommon


class TestCampaignCost(CampaignRoiCommon):
    def test_manager_records_cost(self):
        cost = (
            self.env["utm.campaign.cost"]
            .with_user(self.user_roi_manager)
            .create({"name": "Venue", "campaign_id": self.campaign.id, "amount": 500.0})
        )
        self.assertEqual(cost.company_id, self.company)
        self.assertEqual(cost.currency_id, self.company.currency_id)

    def test_user_reads_but_cannot_edit_and_salesman_sees_nothing(self):
        cost = self.env["utm.campaign.cost"].create(
            {"name": "Ads", "campaign_id": self.campaign.id, "amount": 100.0}
        )
        self.assertEqual(cost.with_user(self.user_roi_user).amount, 100.0)
        with self.assertRaises(AccessError):
            cost.with_user(self.user_roi_user).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            cost.with_user(self.user_salesman).read(["amount"])

    def test_company_rule(self):
        cost = self.env["utm.campaign.cost"].create(
            {
                "name": "Other company ads",
                "campaign_id": self.campaign.id,
                "amount": 100.0,
                "company_id": self.company_2.id,
                "currency_id": self.company_2.currency_id.id,
            }
        )
        visible = self.env["utm.campaign.cost"].with_user(self.user_roi_manager).search([])
        self.assertNotIn(cost, visible)

    def test_foreign_currency_cost_converted_at_its_date(self):
        other = self.env.ref("base.EUR")
        if self.company.currency_id == other:
            other = self.env.ref("base.USD")
        other.active = True
        Rate = self.env["res.currency.rate"]
        Rate.search([("currency_id", "in", (other | self.company.currency_id).ids)]).unlink()
        Rate.create(
            [
                {
                    "name": "2026-01-01",
                    "rate": 2.0,
                    "currency_id": other.id,
                    "company_id": self.company.id,
                },
                {
                    "name": "2026-03-01",
                    "rate": 4.0,
                    "currency_id": other.id,
                    "company_id": self.company.id,
                },
            ]
        )
        Cost = self.env["utm.campaign.cost"].with_user(self.user_roi_manager)
        january = Cost.create(
            {
                "name": "Fair abroad",
                "campaign_id": self.campaign.id,
                "amount": 1000.0,
                "currency_id": other.id,
                "date": "2026-02-15",
            }
        )
        march = Cost.create(
            {
                "name": "Ads abroad",
                "campaign_id": self.campaign.id,
                "amount": 1000.0,
                "currency_id": other.id,
                "date": "2026-03-15",
            }
        )
        self.assertEqual(january.amount_company, 500.0)
        self.assertEqual(march.amount_company, 250.0)
        self.assertEqual(self.campaign.with_user(self.user_roi_user).actual_cost, 750.0)
