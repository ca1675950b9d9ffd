from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from .common import T0, CampaignRoiCommon


class TestCustomerRoi(CampaignRoiCommon):
    """Touches and attributed revenue on the opportunity and the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(T0 - timedelta(days=15)):
            # no salesperson: every salesman may read it
            cls.lead = cls._lead(1000.0, campaign_id=cls.campaign_c.id, user_id=False)
        with freeze_time(T0):
            cls._touch(cls.campaign_a, 20, partner=cls.contact)
            cls._touch(cls.campaign_b, 5, partner=cls.other_customer)
            cls.lead.action_set_won()
            cls.after_commit()
            # the same customer in the second company, hidden from roi_user
            cls._touch(cls.campaign_b, 3, partner=cls.customer, company_id=cls.company_2.id)
            cls.lead_2 = cls._lead(400.0, company_id=cls.company_2.id, user_id=False)
            cls.lead_2.action_set_won()
            cls.after_commit()

    def test_lead_and_partner_figures(self):
        lead = self.lead.with_user(self.user_roi_user)
        self.assertEqual(lead.campaign_touch_count, 2)
        self.assertEqual(lead.campaign_attributed_revenue, 1000.0)
        self.assertEqual(lead.campaign_roi_currency_id, self.company.currency_id)
        for partner in (self.customer, self.contact):
            partner = partner.with_user(self.user_roi_user)
            self.assertEqual(partner.campaign_touch_count, 2)
            self.assertEqual(partner.campaign_attributed_revenue, 1000.0)
        other = self.other_customer.with_user(self.user_roi_user)
        self.assertEqual((other.campaign_touch_count, other.campaign_attributed_revenue), (1, 0.0))

    def test_allowed_companies_only(self):
        self.user_roi_user.company_ids |= self.company_2
        partner = self.customer.with_user(self.user_roi_user)
        one = partner.with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(one.campaign_touch_count, 2)
        self.assertEqual(one.campaign_attributed_revenue, 1000.0)
        both = partner.with_context(allowed_company_ids=(self.company | self.company_2).ids)
        self.assertEqual(both.campaign_touch_count, 3)
        self.assertEqual(both.campaign_attributed_revenue, 1400.0)

    def test_attribution_by_campaign_under_the_default_model(self):
        self.company.campaign_roi_default_model = "first_touch"
        partner = self.customer.with_user(self.user_roi_user)
        action = partner.action_view_campaign_attribution()
        self.assertEqual(action["context"]["search_default_first_touch"], 1)
        self.assertEqual(action["context"]["search_default_group_campaign"], 1)
        Attribution = self.env["crm.campaign.attribution"].with_user(self.user_roi_user)
        view = Attribution.get_views([(False, "search")])["views"]["search"]["arch"]
        for model in ("first_touch", "linear", "u_shaped", "time_decay", "custom"):
            self.assertIn(f'name="{model}"', view)

        def by_campaign(model):
            domain = action["domain"] + [("attribution_model", "=", model)]
            return {
                campaign.name: amount
                for campaign, amount in Attribution._read_group(
                    domain, ["campaign_id"], ["amount:sum"]
                )
            }

        self.assertEqual(by_campaign("first_touch"), {self.campaign_a.name: 1000.0})
        self.assertEqual(
            by_campaign("linear"), {self.campaign_a.name: 500.0, self.campaign_c.name: 500.0}
        )
        touches = self.env["crm.campaign.touch"].with_user(self.user_roi_user)
        lead_action = self.lead.with_user(self.user_roi_user).action_view_campaign_touches()
        self.assertEqual(touches.search_count(lead_action["domain"]), 2)

    @mute_logger("odoo.models")
    def test_salesman_sees_no_figures(self):
        lead = self.lead.with_user(self.user_salesman)
        with self.assertRaises(AccessError):
            lead.with_context(campaign_roi_public=True).read(["campaign_attributed_revenue"])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_salesman).read(["campaign_touch_count"])
        arch = lead.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("action_view_campaign_attribution", arch)
        arch = lead.with_user(self.user_roi_user).get_views([(False, "form")])["views"]["form"]
        self.assertIn("action_view_campaign_attribution", arch["arch"])
