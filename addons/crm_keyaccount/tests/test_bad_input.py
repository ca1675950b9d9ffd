from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KeyaccountCommon

NAN = float("nan")
INF = float("inf")


@tagged("post_install", "-at_install")
class TestKeyaccountBadInput(KeyaccountCommon):
    """Numbers that are not numbers, absurd ones and dates in the wrong order."""

    def _assert_refused(self, record, values):
        before = record.read(list(values))[0]
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            record.write(values)
            record.flush_recordset()
        record.invalidate_recordset()
        self.assertEqual(record.read(list(values))[0], before)

    def test_settings(self):
        company = self.company
        for name in ("keyaccount_abc_threshold_a", "keyaccount_abc_threshold_b"):
            for bad in (NAN, INF, -INF, 1e300):
                with self.subTest(field=name, value=bad):
                    self._assert_refused(company, {name: bad})
        for bad in (NAN, INF, 121, 10**9):
            with self.subTest(field="keyaccount_window_months", value=bad):
                self._assert_refused(company, {"keyaccount_window_months": bad})
        for name in (
            "keyaccount_weight_profit",
            "keyaccount_weight_opportunity",
            "keyaccount_weight_partnership",
            "keyaccount_weight_influence",
            "keyaccount_weight_service",
        ):
            for bad in (NAN, INF, 1e300, 100.5, -1.0):
                with self.subTest(field=name, value=bad):
                    self._assert_refused(company, {name: bad})
        # the weights stay relative: any finite mix with a positive sum is fine
        company.write({"keyaccount_weight_profit": 100.0, "keyaccount_weight_influence": 0.0})
        self.assertEqual(company._keyaccount_weights(), (100.0, 20.0, 20.0, 0.0, 0.0))
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"keyaccount_window_months": NAN})
        self.assertEqual(company.keyaccount_window_months, 12)

    def test_titles(self):
        Title = self.env["crm.keyaccount.title"].with_user(self.user_ka_manager)
        title = Title.create({"name": "Platinum", "min_score": 90.0})
        for values in (
            {"min_score": NAN},
            {"min_score": INF},
            {"review_interval_months": NAN},
            {"review_interval_months": INF},
            {"review_interval_months": 10**6},
            {"review_interval_months": -1},
        ):
            with self.subTest(values=values):
                self._assert_refused(title, values)
                with self.assertRaises(ValidationError), self.env.cr.savepoint():
                    Title.create(dict(values, name="Bad"))
        self.assertFalse(Title.search([("name", "=", "Bad")]))

    def test_plans_and_objectives(self):
        Plan = self.env["crm.keyaccount.plan"].with_user(self.user_ka_user)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Plan.create(
                {
                    "name": "Backwards",
                    "partner_id": self.account.id,
                    "date_start": "2026-06-30",
                    "date_end": "2026-01-01",
                }
            )
        self.assertFalse(Plan.search([("name", "=", "Backwards")]))
        plan = Plan.create(
            {"name": "Grow", "partner_id": self.account.id, "date_start": "2026-01-01"}
        )
        self._assert_refused(plan, {"date_end": "2025-12-31"})
        objective = self.env["crm.keyaccount.plan.objective"].with_user(self.user_ka_user)
        objective = objective.create(
            {
                "plan_id": plan.id,
                "name": "Revenue",
                "target": 1000.0,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
            }
        )
        for values in (
            {"target": 0.0},
            {"target": -5.0},
            {"target": NAN},
            {"target": INF},
            {"date_to": "2025-12-31"},
            {"date_from": "2027-01-01"},
        ):
            with self.subTest(values=values):
                self._assert_refused(objective, values)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            plan.write(
                {
                    "objective_ids": [
                        Command.create({"name": "Nothing", "target": 0.0}),
                    ]
                }
            )
        self.assertEqual(plan.objective_ids, objective)
