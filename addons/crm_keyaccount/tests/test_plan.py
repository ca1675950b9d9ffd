from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import KeyaccountCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30 10:00:00")
class TestKeyaccountPlan(KeyaccountCommon):
    def test_objective_actuals_from_opportunities(self):
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        Lead = self.env["crm.lead"]
        for revenue, won in ((1000.0, True), (500.0, True), (300.0, False)):
            lead = Lead.create(
                {
                    "name": "Deal",
                    "type": "opportunity",
                    "partner_id": self.account_contact.id,  # a contact of the account
                    "expected_revenue": revenue,
                }
            )
            if won:
                lead.write({"stage_id": won_stage.id})
        Lead.create(
            {"name": "Elsewhere", "type": "opportunity", "partner_id": self.other_account.id}
        )
        plan = (
            self.env["crm.keyaccount.plan"]
            .with_user(self.user_ka_user)
            .create(
                {
                    "name": "Grow",
                    "partner_id": self.account.id,
                    "objective_ids": [
                        Command.create(
                            {
                                "name": name,
                                "metric": metric,
                                "target": target,
                                "date_from": "2026-01-01",
                                "date_to": "2026-12-31",
                            }
                        )
                        for name, metric, target in (
                            ("Won revenue", "won_revenue", 3000.0),
                            ("Won deals", "won_count", 4.0),
                            ("New opportunities", "new_opportunities", 3.0),
                        )
                    ],
                }
            )
        )
        objectives = plan.objective_ids.sorted("id")
        self.assertEqual(objectives.mapped("actual"), [1500.0, 2.0, 3.0])
        self.assertEqual(objectives.mapped("progress"), [50.0, 50.0, 100.0])
        self.assertAlmostEqual(plan.progress, 200.0 / 3)

    def test_review_date_schedules_one_reminder(self):
        review_type = self.env.ref("crm_keyaccount.mail_activity_type_keyaccount_review")
        with Form(self.env["crm.keyaccount.plan"].with_user(self.user_ka_user)) as form:
            form.name = "Plan"
            form.partner_id = self.account
            form.date_review = "2026-07-15"
        plan = form.record
        activity = plan.activity_ids
        self.assertEqual(activity.activity_type_id, review_type)
        self.assertEqual(activity.date_deadline.isoformat(), "2026-07-15")
        self.assertEqual(activity.user_id, self.user_ka_user)
        plan.date_review = "2026-08-01"
        self.assertEqual(len(plan.activity_ids), 1)
        self.assertEqual(plan.activity_ids.date_deadline.isoformat(), "2026-08-01")
        self.account.keyaccount_title_id = self.env.ref("crm_keyaccount.crm_keyaccount_title_key")
        plan.action_mark_reviewed()  # Key: every 3 months
        self.assertEqual(plan.date_review.isoformat(), "2026-09-30")
        self.assertEqual(plan.activity_ids.date_deadline.isoformat(), "2026-09-30")

    def test_relationship_map_coverage_and_competitors(self):
        Map = self.env["crm.keyaccount.contact"].with_user(self.user_ka_user)
        Map.create({"partner_id": self.account.id, "contact_id": self.account_contact.id})
        self.assertTrue(self.account.keyaccount_single_threaded)
        boss = self.env["res.partner"].create({"name": "Boss", "parent_id": self.account.id})
        entry = Map.create(
            {
                "partner_id": self.account.id,
                "contact_id": boss.id,
                "org_level": "executive",
                "buying_role": "decision_maker",
                "attitude": "supporter",
            }
        )
        self.account.invalidate_recordset()
        self.assertFalse(self.account.keyaccount_single_threaded)
        self.assertEqual(self.account.keyaccount_coverage_executive, 1)
        self.assertEqual(self.account.keyaccount_coverage_management, 1)
        boss.message_post(body="Met at the fair")
        entry.invalidate_recordset()
        self.assertTrue(entry.last_interaction_date)
        competitor = (
            self.env["crm.keyaccount.competitor"]
            .with_user(self.user_ka_user)
            .create({"partner_id": self.account.id, "name": "Rival", "wallet_share": 30.0})
        )
        self.assertEqual(competitor.threat, "1")
        with self.assertRaises(ValidationError):
            competitor.wallet_share = 130.0
        self.assertEqual(competitor.wallet_share, 30.0)
