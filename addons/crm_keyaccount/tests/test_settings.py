from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import KeyaccountCommon


@tagged("post_install", "-at_install")
class TestKeyaccountSettings(KeyaccountCommon):
    def _assert_refused(self, values):
        company = self.company
        before = company.read(list(values))[0]
        with self.assertRaises(ValidationError):
            company.write(values)
        company.invalidate_recordset()
        self.assertEqual(company.read(list(values))[0], before)

    def test_defaults(self):
        company = self.company_2
        self.assertEqual(company.keyaccount_abc_threshold_a, 80.0)
        self.assertEqual(company.keyaccount_abc_threshold_b, 95.0)
        self.assertEqual(company.keyaccount_window_months, 12)
        self.assertEqual(company.keyaccount_revenue_basis, "invoiced")
        self.assertEqual(company._keyaccount_weights(), (40.0, 20.0, 20.0, 20.0, 0.0))

    def test_bad_thresholds(self):
        self._assert_refused({"keyaccount_abc_threshold_a": -1.0})
        self._assert_refused({"keyaccount_abc_threshold_b": 100.5})
        self._assert_refused({"keyaccount_abc_threshold_a": 96.0})  # above B (95)
        self._assert_refused(
            {"keyaccount_abc_threshold_a": 90.0, "keyaccount_abc_threshold_b": 85.0}
        )

    def test_bad_window(self):
        self._assert_refused({"keyaccount_window_months": 0})
        self._assert_refused({"keyaccount_window_months": -3})

    def test_bad_weights(self):
        self._assert_refused(
            {
                "keyaccount_weight_profit": 0.0,
                "keyaccount_weight_opportunity": 0.0,
                "keyaccount_weight_partnership": 0.0,
                "keyaccount_weight_influence": 0.0,
            }
        )
        self._assert_refused({"keyaccount_weight_profit": -5.0})

    def test_settings_form(self):
        settings = Form(self.env["res.config.settings"])
        settings.keyaccount_abc_threshold_a = 70.0
        settings.keyaccount_window_months = 6
        settings.keyaccount_weight_influence = 0.0
        settings.save().execute()
        self.assertEqual(self.company.keyaccount_abc_threshold_a, 70.0)
        self.assertEqual(self.company.keyaccount_window_months, 6)
        self.assertEqual(self.company.keyaccount_weight_influence, 0.0)
        settings = Form(self.env["res.config.settings"])
        settings.keyaccount_abc_threshold_b = 50.0  # below A (70)
        with self.assertRaises(ValidationError):
            settings.save().execute()
        self.assertEqual(self.company.keyaccount_abc_threshold_b, 95.0)
