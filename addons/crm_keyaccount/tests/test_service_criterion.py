from freezegun import freeze_time

from odoo.tests import tagged

from .common import KeyaccountInvoicingCommon

TODAY = "2026-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestKeyaccountServiceCriterion(KeyaccountInvoicingCommon):
    """The service criterion of the ranking, as far as this addon alone knows
    it (service figures from real requests: tests/test_chain_keyaccount.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alpha = cls._customer("Alpha Service", keyaccount_influence_rating="2")
        cls.beta = cls._customer("Beta Service")
        cls._invoice(cls.alpha, 900.0, "2026-01-10")
        cls._invoice(cls.beta, 100.0, "2026-01-10")

    def _scores(self):
        self.env["res.partner"]._keyaccount_recompute()
        return {p: p.keyaccount_score for p in (self.alpha, self.beta)}

    def test_service_weight_defaults_to_zero(self):
        company = self.company_1
        self.assertEqual(company.keyaccount_weight_service, 0.0)
        self.assertEqual(company._keyaccount_weights()[4], 0.0)
        settings = self.env["res.config.settings"].create({"keyaccount_weight_service": 10.0})
        settings.execute()
        self.assertEqual(company.keyaccount_weight_service, 10.0)

    def test_service_weight_counts_in_the_score(self):
        before = self._scores()
        # alpha: profit 100 * 40 + influence 40 * 20 over 100
        self.assertEqual(before[self.alpha], 48.0)
        self.company_1.keyaccount_weight_service = 20.0
        after = self._scores()
        if "crm.service.request" not in self.env:
            # no service figures: the service score is 0, and weighs
            self.assertEqual(after[self.alpha], round(4800.0 / 120.0, 2))
            self.assertEqual(self.alpha.keyaccount_service_score, 0.0)
        self.assertLess(after[self.alpha], before[self.alpha])
        self.company_1.keyaccount_weight_service = 0.0
        self.assertEqual(self._scores(), before)

    def test_service_figures_behind_the_registry(self):
        figures = self.env["crm.keyaccount.ranking"]._keyaccount_service_figures(
            self.company_1, self.env.cr.now().date(), self.env.cr.now().date()
        )
        if "crm.service.request" in self.env:
            self.assertIsInstance(figures, dict)
        else:
            self.assertIsNone(figures)
            self.assertEqual(self.alpha.keyaccount_sla_targets, 0)
            self.assertEqual(self.alpha.keyaccount_complaint_count, 0)
        question = self.env["crm.keyaccount.question"].create(
            {"name": "Does it complain?", "evidence": "complaints", "inverted": True}
        )
        assessment = self.env["crm.keyaccount.assessment"].create({"partner_id": self.alpha.id})
        answer = assessment.answer_ids.filtered(lambda a: a.question_id == question)
        if "crm.service.request" in self.env:
            self.assertEqual(answer.evidence, "0 complaint(s)")
        else:
            self.assertFalse(answer.evidence)
