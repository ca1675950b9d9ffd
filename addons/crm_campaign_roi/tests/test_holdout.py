"""Holdouts without mass_mailing: the split, the control group, the company
settings and the lift figures of the campaign form."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase

from ..tools import lift
from ..tools.holdout import held_out
from .common import CampaignRoiCommon

IDS = range(1, 10_001)


class TestHeldOut(TransactionCase):
    def test_mailing_holdout_reproducible_and_near_the_setting(self):
        recipients = dict.fromkeys(IDS)
        for percent in (5, 10, 20):
            held = held_out(recipients, percent, "seed-a")
            self.assertEqual(held, held_out(recipients, percent, "seed-a"))
            self.assertLessEqual(abs(len(held) / 100.0 - percent), 1.0)
            self.assertEqual(set(held.values()), {"holdout"})
        self.assertNotEqual(held_out(recipients, 10, "seed-a"), held_out(recipients, 10, "seed-b"))
        self.assertEqual(held_out(recipients, 0, "seed-a"), {})

    def test_control_group_holds_the_same_customers_out_of_every_mailing(self):
        # two mailings of different seeds to the same 10,000 customers, each
        # customer mailed through two documents
        recipients = {res_id: (res_id + 1) // 2 for res_id in range(1, 20_001)}
        first = held_out(recipients, 10, "mailing-1", 5, "company")
        second = held_out(recipients, 10, "mailing-2", 5, "company")
        control = {r for r, reason in first.items() if reason == "control_group"}
        self.assertEqual(control, {r for r, reason in second.items() if reason == "control_group"})
        customers = {recipients[r] for r in control}
        self.assertLessEqual(abs(len(customers) / 100.0 - 5), 1.0)
        # every document of a customer in the control group is held out
        self.assertEqual(control, {r for r, c in recipients.items() if c in customers})
        # the mailings' own holdouts differ, outside the control group
        self.assertNotEqual(
            {r for r, reason in first.items() if reason == "holdout"},
            {r for r, reason in second.items() if reason == "holdout"},
        )
        # a recipient without customer can only be in the mailing's holdout
        self.assertEqual(held_out({7: None}, 0, "s", 100, "company"), {})


class TestHoldoutSettings(CampaignRoiCommon):
    def test_control_group_percent_checked(self):
        for value in (-1.0, 20.5, float("nan")):
            with self.assertRaises(ValidationError):
                self.company.write({"campaign_roi_control_percent": value})
            self.assertEqual(self.company.campaign_roi_control_percent, 0.0)
        self.company.campaign_roi_control_percent = 2.5
        self.assertEqual(self.company.campaign_roi_control_percent, 2.5)

    def test_control_group_seed_set_by_the_system_only(self):
        seed = self.company._campaign_roi_control_seed()
        self.assertEqual(len(seed), 32)
        self.assertEqual(self.company._campaign_roi_control_seed(), seed)
        admin = self.env.ref("base.user_admin")
        for env in (
            self.env(user=admin, context={"campaign_roi_engine": True}),
            self.env(user=self.user_roi_manager),
        ):
            with self.assertRaises(AccessError):
                self.company.with_env(env).write({"campaign_roi_control_seed": "chosen"})
        self.assertEqual(self.company.campaign_roi_control_seed, seed)

    def test_holdout_needs_a_mailing(self):
        Holdout = self.env["crm.campaign.holdout"].with_user(self.user_roi_manager)
        with self.assertRaises(ValidationError):
            Holdout.create({"mailing_id": 999_999, "holdout_percent": 10.0})
        self.assertFalse(Holdout.sudo().search([]))

    def test_holdout_rights(self):
        for user in (self.user_salesman, self.user_portal):
            with self.assertRaises(AccessError):
                self.env["crm.campaign.holdout"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["crm.campaign.holdout.member"].with_user(user).search([])
        self.assertFalse(self.env["crm.campaign.holdout"].with_user(self.user_roi_user).search([]))
        # only campaign-ROI managers create holdouts; nobody creates members
        for user in (self.user_salesman, self.user_portal, self.user_roi_user):
            with self.assertRaises(AccessError):
                self.env["crm.campaign.holdout"].with_user(user).with_context(
                    campaign_roi_engine=True
                ).create({"mailing_id": 1, "holdout_percent": 10.0})
        for user in (self.user_roi_user, self.user_roi_manager):
            with self.assertRaises(AccessError):
                self.env["crm.campaign.holdout.member"].with_user(user).with_context(
                    campaign_roi_engine=True
                ).create({"holdout_id": 1, "res_model": "res.partner", "res_id": 1})
        self.assertFalse(self.env["crm.campaign.holdout.member"].search([]))


class TestCampaignLiftFigures(CampaignRoiCommon):
    def test_no_holdout_says_so(self):
        campaign = self.campaign.with_user(self.user_roi_user)
        self.assertEqual(campaign.lift_verdict, "none")
        self.assertEqual(campaign.lift_conversions_interval, "No holdout measured yet.")
        self.assertEqual(campaign.lift_treated_count, 0)

    def test_lift_figures_from_the_arms(self):
        treated = (2000, 100, 25_000.0, 25_000.0 * 250.0)
        control = (500, 10, 2_000.0, 2_000.0 * 200.0)
        values = self.campaign._lift_values(
            {"treated": treated, "control": control, "cost": 1500.0}
        )
        expected = lift.holdout_lift(treated, control, 1500.0)
        self.assertEqual(values["lift_verdict"], expected.verdict)
        self.assertEqual(values["lift_verdict"], "positive")
        self.assertAlmostEqual(values["lift_treated_rate"], 5.0)
        self.assertAlmostEqual(values["lift_control_rate"], 2.0)
        self.assertAlmostEqual(values["lift_incremental_conversions"], 60.0)
        # 12.50 - 4.00 per recipient, over the 2,000 mailed
        self.assertAlmostEqual(values["lift_incremental_revenue"], 17_000.0)
        self.assertAlmostEqual(values["lift_icpa"], 25.0)
        self.assertAlmostEqual(values["lift_iroas"], 17_000.0 / 1500.0)
        low = expected.incremental_conversions_low
        high = expected.incremental_conversions_high
        self.assertEqual(values["lift_conversions_interval"], f"{low:.1f} to {high:.1f}")

    def test_too_small_groups_show_no_interval(self):
        values = self.campaign._lift_values(
            {"treated": (40, 4, 400.0, 40_000.0), "control": (8, 0, 0.0, 0.0)}
        )
        self.assertEqual(values["lift_verdict"], "too_small")
        message = "Groups too small for a confidence interval."
        self.assertEqual(values["lift_conversions_interval"], message)
        self.assertEqual(values["lift_revenue_interval"], message)
        self.assertAlmostEqual(values["lift_treated_rate"], 10.0)

    def test_lift_fields_cannot_be_written(self):
        with self.assertRaises(AccessError):
            self.campaign.with_user(self.user_roi_manager).with_context(
                campaign_roi_engine=True
            ).write({"lift_incremental_revenue": 1e9})
