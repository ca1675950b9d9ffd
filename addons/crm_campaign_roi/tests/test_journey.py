from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from .common import T0, CampaignRoiCommon


class TestCampaignJourney(CampaignRoiCommon):
    """The customer journey lists touches and opportunities of the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(T0 - timedelta(days=20)):
            cls.lead_won = cls._lead(700.0, campaign_id=cls.campaign_a.id, user_id=False)
        with freeze_time(T0 - timedelta(days=10)):
            cls.lead_lost = cls._lead(300.0, partner=cls.customer, user_id=False)
        with freeze_time(T0):
            cls.touch = cls._touch(cls.campaign_b, 15, partner=cls.contact, touch_type="event")
            cls._touch(cls.campaign_c, 5, partner=cls.other_customer)
            cls.lead_won.action_set_won()
            cls.after_commit()
            cls.lead_lost.action_set_lost()
        cls.lead_touch = cls.Touch.search([("res_model", "=", "crm.lead")]).filtered(
            lambda touch: touch.res_id == cls.lead_won.id
        )

    def _keys(self, partner):
        return {event["key"] for event in partner._customer_journey_events()}

    def test_touches_and_opportunities(self):
        partner = self.customer.with_user(self.user_roi_user)
        self.assertEqual(
            self._keys(partner),
            {
                ("crm.campaign.touch", self.touch.id, "touch"),
                ("crm.campaign.touch", self.lead_touch.id, "touch"),
                ("crm.lead", self.lead_won.id, "created"),
                ("crm.lead", self.lead_won.id, "won"),
                ("crm.lead", self.lead_lost.id, "created"),
                ("crm.lead", self.lead_lost.id, "lost"),
            },
        )
        event = next(e for e in partner._customer_journey_events() if e["res_id"] == self.touch.id)
        self.assertEqual(event["name"], self.campaign_b.name)
        self.assertEqual(event["detail"], "Event attended")
        self.assertEqual(event["date"], T0 - timedelta(days=15))
        table = etree.fromstring(str(partner.customer_journey_html))
        self.assertEqual(table.get("class"), "table table-sm o_customer_journey")
        links = table.xpath("//tbody/tr/td[3]/a/@href")
        self.assertEqual(len(links), 6)
        self.assertIn(f"/odoo/crm.campaign.touch/{self.touch.id}", links)
        # the contact's form shows its company's journey
        self.assertEqual(
            self.contact.with_user(self.user_roi_user).customer_journey_html,
            partner.customer_journey_html,
        )

    def test_salesman_sees_no_touch(self):
        keys = self._keys(self.customer.with_user(self.user_salesman))
        self.assertEqual({key[0] for key in keys}, {"crm.lead"})
        self.assertEqual(len(keys), 4)

    def test_one_tab_and_constant_queries(self):
        arch = self.customer.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertEqual(arch.count('name="customer_journey"'), 1)
        partner = self.customer.with_user(self.user_roi_user)
        partner._customer_journey_events()

        def count_queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partner.read(["customer_journey_html"])
            return self.env.cr.sql_log_count - before

        small = count_queries()
        with freeze_time(T0):
            for days in range(30):
                self._touch(self.campaign_c, days + 1, partner=self.contact)
        self.assertEqual(count_queries(), small)
