from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import T0, CampaignRoiCommon


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


class TestCampaignCostApi(CampaignRoiCommon):
    def test_create_with_only_the_public_fields(self):
        Cost = self.env["utm.campaign.cost"].with_user(self.user_roi_manager)
        cost = Cost.create(
            {
                "campaign_id": self.campaign.id,
                "date": "2026-05-04",
                "amount": 250.0,
                "currency_id": self.company.currency_id.id,
                "category": "event",
                "move_id": False,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(cost.name, "Events of 2026-05-04")
        self.assertEqual(cost.amount_company, 250.0)
        # a name given or edited by hand is kept
        cost.write({"name": "Stand at the fair", "category": "media"})
        self.assertEqual(cost.name, "Stand at the fair")

    def test_cost_named_after_its_vendor_bill(self):
        vendor = self.env["res.partner"].create({"name": "Fair organiser"})
        bill = self.env["account.move"].create(
            {"move_type": "in_invoice", "partner_id": vendor.id, "ref": "FAIR-2026-17"}
        )
        cost = (
            self.env["utm.campaign.cost"]
            .with_user(self.user_roi_manager)
            .create({"campaign_id": self.campaign.id, "amount": 80.0, "move_id": bill.id})
        )
        self.assertEqual(cost.name, "FAIR-2026-17")

    def test_campaign_currency_keeps_its_sale_meaning(self):
        other = self.env.ref("base.EUR")
        if self.company.currency_id == other:
            other = self.env.ref("base.USD")
        other.active = True
        self.company_2.currency_id = other
        campaign = self.env["utm.campaign"].create(
            {"name": "Abroad", "company_id": self.company_2.id}
        )
        # sale: the currency of the campaign's company, whatever the session
        self.assertEqual(campaign.currency_id, other)
        self.assertEqual(campaign.with_company(self.company).currency_id, other)
        # the ROI figures are in the currency of the current company
        self.assertEqual(campaign.roi_currency_id, self.company.currency_id)
        self.assertEqual(
            self.env["utm.campaign"]._fields["actual_cost"].get_currency_field(campaign),
            "roi_currency_id",
        )

    def test_campaign_with_costs_is_archived_not_deleted(self):
        admin = new_test_user(self.env, login="roi_campaign_admin", groups="base.group_system")
        self.env["utm.campaign.cost"].create(
            {"name": "Stand", "campaign_id": self.campaign.id, "amount": 10.0}
        )
        with self.assertRaises(UserError):
            self.campaign.with_user(admin).unlink()
        self.assertTrue(self.campaign.exists())
        self.assertEqual(self.campaign.cost_line_ids.amount, 10.0)
        self.campaign.with_user(admin).action_archive()
        self.assertFalse(self.campaign.active)
        self.assertEqual(
            self.env["utm.campaign.cost"].search_count([("campaign_id", "=", self.campaign.id)]), 1
        )
        # a campaign without costs or touches can still be deleted
        self.campaign_c.with_user(admin).unlink()
        self.assertFalse(self.campaign_c.exists())

    def test_campaign_with_touches_is_not_deleted(self):
        admin = new_test_user(self.env, login="roi_campaign_admin", groups="base.group_system")
        with freeze_time(T0):
            self._touch(self.campaign_b, 3, partner=self.contact)
        with self.assertRaises(UserError):
            self.campaign_b.with_user(admin).unlink()
        self.assertEqual(self.Touch.search_count([("campaign_id", "=", self.campaign_b.id)]), 1)
