import math
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user

from ..models.res_company import ROI_SETTING_LIMITS
from .common import T0, CampaignRoiCommon


class TestBadInput(CampaignRoiCommon):
    def _settings(self):
        return self.company.read(
            [
                "campaign_roi_lookback_days",
                "campaign_roi_half_life_days",
                "campaign_roi_weight_first",
                "campaign_roi_weight_middle",
                "campaign_roi_weight_last",
            ]
        )

    def test_bad_settings_write_nothing(self):
        with freeze_time(T0):
            self._touch(self.campaign_a, 10, partner=self.contact)
            lead = self._lead(100.0)
            lead.action_set_won()
            self.after_commit()
        lines = self._lines(lead)
        before = self._settings()
        for vals in (
            {"campaign_roi_lookback_days": 0},
            {"campaign_roi_lookback_days": -5},
            {"campaign_roi_half_life_days": 0.0},
            {"campaign_roi_half_life_days": -1.0},
            {
                "campaign_roi_weight_first": 0.0,
                "campaign_roi_weight_middle": 0.0,
                "campaign_roi_weight_last": 0.0,
            },
            {"campaign_roi_weight_middle": -0.1},
        ):
            with self.assertRaises(ValidationError, msg=str(vals)):
                self.company.write(vals)
            self.assertEqual(self._settings(), before)
            self.assertEqual(self._lines(lead), lines)

    def test_bad_settings_through_the_manager_wizard(self):
        Config = self.env["crm.campaign.roi.config"].with_user(self.user_roi_manager)
        with self.assertRaises(ValidationError):
            Config.create({"campaign_roi_half_life_days": 0.0})
        self.assertEqual(self.company.campaign_roi_half_life_days, 30.0)

    def test_future_touch(self):
        with freeze_time(T0), self.assertRaises(ValidationError):
            self._touch(self.campaign_a, -1, partner=self.contact)
        self.assertFalse(self.Touch.search([("campaign_id", "=", self.campaign_a.id)]))

    def test_negative_cost(self):
        Cost = self.env["utm.campaign.cost"].with_user(self.user_roi_manager)
        with self.assertRaises(ValidationError):
            Cost.create({"name": "Refund?", "campaign_id": self.campaign.id, "amount": -1.0})
        self.assertFalse(Cost.search([("campaign_id", "=", self.campaign.id)]))

    def test_cost_in_foreign_company(self):
        manager = new_test_user(
            self.env,
            login="roi_manager_two_companies",
            groups="crm_campaign_roi.crm_campaign_roi_group_manager",
            company_ids=[(6, 0, (self.company | self.company_2).ids)],
        )
        Cost = self.env["utm.campaign.cost"].with_user(manager)
        vals = {
            "name": "Elsewhere",
            "campaign_id": self.campaign.id,
            "amount": 10.0,
            "company_id": self.company_2.id,
        }
        # company 2 is allowed for the user but not active in the session
        with self.assertRaises(ValidationError):
            Cost.with_context(allowed_company_ids=self.company.ids).create(vals)
        cost = Cost.with_context(allowed_company_ids=self.company_2.ids).create(vals)
        self.assertEqual(cost.company_id, self.company_2)
        self.assertEqual(Cost.sudo().search_count([("campaign_id", "=", self.campaign.id)]), 1)

    def test_cost_in_closed_period(self):
        self.company.fiscalyear_lock_date = date(2026, 3, 31)
        Cost = self.env["utm.campaign.cost"].with_user(self.user_roi_manager)
        with self.assertRaises(ValidationError):
            Cost.create(
                {
                    "name": "Old invoice",
                    "campaign_id": self.campaign.id,
                    "amount": 10.0,
                    "date": date(2026, 3, 31),
                }
            )
        self.assertFalse(Cost.search([("campaign_id", "=", self.campaign.id)]))
        Cost.create(
            {
                "name": "New invoice",
                "campaign_id": self.campaign.id,
                "amount": 10.0,
                "date": date(2026, 4, 1),
            }
        )

    def test_import_with_unknown_campaign_names_the_row(self):
        Touch = self.Touch.with_user(self.user_roi_manager)
        with freeze_time(T0):
            result = Touch.load(
                ["campaign_id", "touch_date", "touch_type", "contact_id"],
                [
                    ["ROI Search ads", "2026-06-01 10:00:00", "ad_click", "Kyiv Steel"],
                    ["No such campaign", "2026-06-02 10:00:00", "ad_click", "Kyiv Steel"],
                ],
            )
        self.assertFalse(result["ids"])
        self.assertIn("Row 2", result["messages"][0]["message"])
        self.assertIn("No such campaign", result["messages"][0]["message"])
        self.assertFalse(self.Touch.search([("partner_id", "=", self.customer.id)]))
        with freeze_time(T0):
            result = Touch.load(
                ["campaign_id", "touch_date", "touch_type", "contact_id"],
                [["ROI Search ads", "2026-06-01 10:00:00", "ad_click", "Kyiv Steel"]],
            )
        self.assertEqual(len(result["ids"]), 1, result["messages"])
        touch = self.Touch.browse(result["ids"])
        self.assertEqual(touch.partner_id, self.customer)
        self.assertEqual(touch.campaign_id, self.campaign_a)

    def test_deduplication_rule(self):
        def touch(days=1, touch_type="ad_click"):
            return self._touch(self.campaign_a, days, partner=self.contact, touch_type=touch_type)

        with freeze_time(T0):
            first = touch()
            self.assertFalse(touch())  # same contact, campaign, type and day
            self.assertTrue(touch(touch_type="event"))
            self.assertTrue(touch(days=2))
            self.company.campaign_roi_dedup = "campaign"
            self.assertFalse(touch(days=3))
            self.company.campaign_roi_dedup = "none"
            self.assertTrue(touch())
        self.assertIn(first, self.Touch.search([("campaign_id", "=", self.campaign_a.id)]))
        self.assertEqual(self.Touch.search_count([("campaign_id", "=", self.campaign_a.id)]), 4)


class TestBadNumbers(CampaignRoiCommon):
    """NaN, infinite, absurd or inconsistent values are refused by the server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(T0):
            cls._touch(cls.campaign_a, 10, partner=cls.contact)
            cls._touch(cls.campaign_b, 5, partner=cls.contact)
            cls.lead = cls._lead(100.0)
            cls.lead.action_set_won()
            cls.after_commit()
        cls.user_admin = new_test_user(
            cls.env, login="roi_settings_admin", groups="base.group_system"
        )

    def _settings(self):
        return self.company.read(list(ROI_SETTING_LIMITS))[0]

    def test_bad_settings_on_the_company(self):
        lines = self._lines(self.lead).read(["amount", "weight"])
        before = self._settings()
        company = self.company.with_user(self.user_admin)
        bad_values = [
            {"campaign_roi_half_life_days": math.nan},
            {"campaign_roi_half_life_days": math.inf},
            {"campaign_roi_half_life_days": 1e9},
            {"campaign_roi_lookback_days": math.nan},
            {"campaign_roi_lookback_days": 10**12},
            {"campaign_roi_weight_first": math.nan},
            {"campaign_roi_weight_last": -math.inf},
            {"campaign_roi_weight_first": 0.5},  # 50 + 20 + 40 = 110 %
            {
                "campaign_roi_weight_first": 0.1,
                "campaign_roi_weight_middle": 0.1,
                "campaign_roi_weight_last": 0.1,
            },
        ]
        for vals in bad_values:
            with self.assertRaises(ValidationError, msg=str(vals)):
                company.write(vals)
            self.assertEqual(self._settings(), before, str(vals))
        self.assertEqual(self._lines(self.lead).read(["amount", "weight"]), lines)
        # weights that add up to 100 % are fine, in one write
        company.write(
            {
                "campaign_roi_weight_first": 0.5,
                "campaign_roi_weight_middle": 0.0,
                "campaign_roi_weight_last": 0.5,
            }
        )
        self.assertEqual(self._amounts(self.lead, "custom"), [50.0, 50.0])

    def test_bad_settings_in_a_new_company(self):
        with self.assertRaises(ValidationError):
            self.env["res.company"].create(
                {"name": "Broken settings", "campaign_roi_half_life_days": math.nan}
            )
        self.assertFalse(self.env["res.company"].search([("name", "=", "Broken settings")]))

    def test_bad_settings_through_the_forms(self):
        Config = self.env["crm.campaign.roi.config"].with_user(self.user_roi_manager)
        for vals in (
            {"campaign_roi_half_life_days": math.nan},
            {"campaign_roi_lookback_days": 100000},
            {"campaign_roi_weight_middle": 0.9},
        ):
            with self.assertRaises(ValidationError, msg=str(vals)):
                Config.create(vals)
        Settings = self.env["res.config.settings"].with_user(self.user_admin)
        with self.assertRaises(ValidationError):
            Settings.create({"campaign_roi_half_life_days": math.inf})
        self.assertEqual(self._settings()["campaign_roi_half_life_days"], 30.0)
        # several weights changed at once in the settings form
        Settings.create(
            {
                "campaign_roi_weight_first": 0.6,
                "campaign_roi_weight_middle": 0.0,
                "campaign_roi_weight_last": 0.4,
            }
        )
        self.assertEqual(self.company.campaign_roi_weight_first, 0.6)
        self.assertEqual(self._amounts(self.lead, "custom"), [60.0, 40.0])

    def test_bad_campaign_plan(self):
        # campaign users are the lowest group that edits the budget
        campaign = self.campaign.with_user(self.user_roi_user)
        campaign.write({"budget": 100.0, "expected_revenue": 500.0, "expected_response_rate": 5.0})
        for vals in (
            {"budget": -1.0},
            {"budget": math.nan},
            {"expected_revenue": -0.01},
            {"expected_revenue": math.inf},
            {"expected_response_rate": -5.0},
            {"expected_response_rate": 250.0},
            {"expected_response_rate": math.nan},
        ):
            with self.assertRaises(ValidationError, msg=str(vals)):
                campaign.write(vals)
        self.assertEqual(
            self.campaign.read(["budget", "expected_revenue", "expected_response_rate"])[0],
            {
                "id": self.campaign.id,
                "budget": 100.0,
                "expected_revenue": 500.0,
                "expected_response_rate": 5.0,
            },
        )
        # salespeople edit the expected response, within the same bounds
        with self.assertRaises(ValidationError):
            self.campaign.with_user(self.user_salesman).write({"expected_response_rate": 101.0})
        self.assertEqual(self.campaign.expected_response_rate, 5.0)
        with self.assertRaises(ValidationError):
            self.env["utm.campaign"].with_user(self.user_roi_user).create(
                {"name": "Negative budget", "budget": -10.0}
            )
        self.assertFalse(self.env["utm.campaign"].search([("name", "=", "Negative budget")]))

    def test_bad_cost_amount(self):
        Cost = self.env["utm.campaign.cost"].with_user(self.user_roi_manager)
        for amount in (math.nan, math.inf, 1e15):
            with self.assertRaises(ValidationError, msg=amount):
                Cost.create({"campaign_id": self.campaign.id, "amount": amount})
        cost = Cost.create({"campaign_id": self.campaign.id, "amount": 10.0})
        with self.assertRaises(ValidationError):
            cost.write({"amount": math.nan})
        self.assertEqual(Cost.search([("campaign_id", "=", self.campaign.id)]).amount, 10.0)

    def test_period_in_the_wrong_order(self):
        campaign = self.campaign_a.with_user(self.user_roi_user)
        for context in (
            {"roi_date_from": "2026-06-30", "roi_date_to": "2026-01-01"},
            {"roi_date_from": "not a date"},
        ):
            with self.assertRaises(UserError, msg=str(context)):
                campaign.with_context(**context).attributed_revenue  # noqa: B018
        self.assertEqual(
            campaign.with_context(roi_date_from="2026-01-01", roi_date_to="2026-06-30").touch_count,
            1,
        )
