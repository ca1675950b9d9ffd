import random

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from ..tools import keyaccount as ka
from .common import KeyaccountInvoicingCommon


@tagged("post_install", "-at_install")
class TestKeyaccountRankingRules(KeyaccountInvoicingCommon):
    """The SQL ranking gives the figures of the plain-Python rules of
    ``tools/keyaccount.py`` on a random portfolio (ties, refunds, customers
    without revenue, opportunities, influence and uneven weights)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rng = random.Random(20261127)
        cls.company_1.write(
            {
                "keyaccount_abc_threshold_a": 70.0,
                "keyaccount_abc_threshold_b": 90.0,
                "keyaccount_weight_profit": 3.0,
                "keyaccount_weight_opportunity": 1.0,
                "keyaccount_weight_partnership": 0.0,
                "keyaccount_weight_influence": 2.0,
            }
        )
        invoice_date = fields.Date.today() - relativedelta(months=2)
        refund_date = fields.Date.today() - relativedelta(months=1)
        cls.revenues, cls.opportunities, cls.influence = {}, {}, {}
        cls.customers = cls.env["res.partner"]
        for index in range(24):
            leader = rng.random() < 0.3
            rating = rng.choice("0123")
            partner = cls._customer(
                f"Random {index:02d}",
                keyaccount_industry_leader=leader,
                keyaccount_influence_rating=rating,
            )
            cls.customers |= partner
            cls.influence[partner.id] = (leader, rating)
            revenue = 0.0
            if index % 6:  # every sixth customer buys nothing
                amount = rng.choice([150.0, 400.0, 400.0, 1250.0, 3000.0, 9000.0])  # ties
                cls._invoice(partner, amount, invoice_date)
                revenue += amount
                if index % 7 == 0:
                    refund = rng.choice([50.0, 5000.0])  # may exceed the invoice
                    cls._invoice(partner, refund, refund_date, move_type="out_refund")
                    revenue -= refund
            cls.revenues[partner.id] = revenue
            count = rng.choice([0, 0, 1, 2, 6])
            values = [rng.choice([0.0, 500.0, 12000.0]) for _i in range(count)]
            if count:
                cls.env["crm.lead"].create(
                    [
                        {
                            "name": f"Deal {index}-{number}",
                            "type": "opportunity",
                            "partner_id": partner.id,
                            "expected_revenue": value,
                        }
                        for number, value in enumerate(values)
                    ]
                )
            cls.opportunities[partner.id] = (count, sum(values))

    def test_sql_ranking_follows_the_python_rules(self):
        self.env["res.partner"]._keyaccount_recompute()
        company = self.company_1
        classes = ka.pareto_classes(
            self.revenues, company.keyaccount_abc_threshold_a, company.keyaccount_abc_threshold_b
        )
        best = max(value for _count, value in self.opportunities.values())
        titles = [
            (title.id, title.sequence, title.min_score)
            for title in self.env["crm.keyaccount.title"].search([])
        ]
        seen_classes = set()
        for partner in self.customers:
            revenue = self.revenues[partner.id]
            abc_class, share = classes[partner.id]
            seen_classes.add(abc_class)
            scores = (
                ka.profit_score(abc_class, revenue),
                ka.opportunity_score(*self.opportunities[partner.id], best),
                0.0,
                ka.influence_score(*self.influence[partner.id]),
                0.0,
            )
            score = ka.weighted_score(scores, company._keyaccount_weights())
            with self.subTest(partner=partner.name):
                self.assertEqual(partner.keyaccount_revenue, revenue)
                self.assertEqual(partner.keyaccount_abc_class, abc_class)
                self.assertAlmostEqual(partner.keyaccount_revenue_share, share, places=6)
                self.assertAlmostEqual(partner.keyaccount_profit_score, scores[0])
                self.assertAlmostEqual(partner.keyaccount_opportunity_score, scores[1])
                self.assertAlmostEqual(partner.keyaccount_influence_score, scores[3])
                self.assertAlmostEqual(partner.keyaccount_score, score, delta=0.01)
                if all(abs(score - min_score) > 0.01 for _id, _rank, min_score in titles):
                    self.assertEqual(
                        partner.keyaccount_suggested_title_id.id or None,
                        ka.suggest_title(score, titles),
                    )
        # the portfolio exercises every class
        self.assertEqual(seen_classes, {ka.CLASS_A, ka.CLASS_B, ka.CLASS_C})
