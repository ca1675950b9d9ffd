from datetime import date

from odoo.tests import BaseCase

from ..tools import keyaccount as ka


class TestParetoClasses(BaseCase):
    def test_textbook_split(self):
        # total 1000: A while the customers above hold < 80 %, B while < 95 %
        revenues = {"p1": 500, "p2": 250, "p3": 100, "p4": 80, "p5": 40, "p6": 30}
        result = ka.pareto_classes(revenues, 80.0, 95.0)
        self.assertEqual(
            {key: value[0] for key, value in result.items()},
            # above p1 0 %, p2 50 %, p3 75 % (A), p4 85 % (B), p5 93 % (B), p6 97 % (C)
            {"p1": "a", "p2": "a", "p3": "a", "p4": "b", "p5": "b", "p6": "c"},
        )
        self.assertAlmostEqual(result["p1"][1], 50.0)
        self.assertAlmostEqual(result["p6"][1], 3.0)
        self.assertAlmostEqual(sum(share for _cls, share in result.values()), 100.0)

    def test_customer_exactly_at_threshold_is_not_below_it(self):
        # above p3: 600 + 200 = 800 of 1000 = exactly 80 % -> not "less than" 80 -> B
        result = ka.pareto_classes({"p1": 600, "p2": 200, "p3": 150, "p4": 50}, 80.0, 95.0)
        self.assertEqual(result["p2"][0], "a")
        self.assertEqual(result["p3"][0], "b")
        # above p4: 950 of 1000 = exactly 95 % -> C
        self.assertEqual(result["p4"][0], "c")

    def test_ties_share_a_class(self):
        # p2 and p3 tie: only p1 (strictly greater) is above both of them
        result = ka.pareto_classes({"p1": 70, "p2": 10, "p3": 10, "p4": 10}, 75.0, 95.0)
        self.assertEqual([result[k][0] for k in ("p1", "p2", "p3", "p4")], ["a", "a", "a", "a"])
        result = ka.pareto_classes({"p1": 80, "p2": 10, "p3": 10}, 80.0, 95.0)
        # above the tied p2/p3: 80 % -> B for both, whatever their order
        self.assertEqual((result["p2"][0], result["p3"][0]), ("b", "b"))

    def test_zero_and_negative_revenue_are_c(self):
        # refunds larger than invoices give a negative net revenue
        result = ka.pareto_classes({"p1": 100, "p2": 0, "p3": -40}, 80.0, 95.0)
        self.assertEqual(result["p1"], ("a", 100.0))
        self.assertEqual(result["p2"], ("c", 0.0))
        self.assertEqual(result["p3"], ("c", 0.0))
        self.assertEqual(ka.pareto_classes({"p1": 0, "p2": -5}, 80.0, 95.0)["p1"], ("c", 0.0))
        self.assertEqual(ka.pareto_classes({}, 80.0, 95.0), {})

    def test_thresholds_zero_and_hundred(self):
        result = ka.pareto_classes({"p1": 50, "p2": 30, "p3": 20}, 0.0, 100.0)
        # nobody holds "less than 0 %" above: not even the first one is A
        self.assertEqual([result[k][0] for k in ("p1", "p2", "p3")], ["b", "b", "b"])


class TestScores(BaseCase):
    def test_window_start(self):
        self.assertEqual(ka.window_start(date(2026, 6, 30), 12), date(2025, 7, 1))
        self.assertEqual(ka.window_start(date(2026, 3, 31), 1), date(2026, 3, 1))

    def test_weighted_score_normalises_weights(self):
        self.assertEqual(ka.weighted_score((100, 0, 50, 0), (40, 20, 20, 20)), 50.0)
        self.assertEqual(ka.weighted_score((100, 0, 50, 0), (2, 1, 1, 1)), 50.0)
        self.assertEqual(ka.weighted_score((80, 10, 10, 10), (1, 0, 0, 0)), 80.0)
        with self.assertRaises(ValueError):
            ka.weighted_score((100, 100, 100, 100), (0, 0, 0, 0))

    def test_suggest_highest_ranked_title_reached(self):
        titles = [("key", 30, 75.0), ("strategic", 20, 55.0), ("development", 10, 35.0)]
        self.assertEqual(ka.suggest_title(75.0, titles), "key")
        self.assertEqual(ka.suggest_title(74.99, titles), "strategic")
        self.assertEqual(ka.suggest_title(35.0, titles), "development")
        self.assertIsNone(ka.suggest_title(34.99, titles))
        # rank wins over the minimum score
        self.assertEqual(ka.suggest_title(90, [("low", 5, 90.0), ("high", 50, 10.0)]), "high")

    def test_criterion_scores(self):
        self.assertEqual(ka.profit_score("a", 10.0), 100.0)
        self.assertEqual(ka.profit_score("b", 10.0), 60.0)
        self.assertEqual(ka.profit_score("c", 10.0), 20.0)
        self.assertEqual(ka.profit_score("c", 0.0), 0.0)
        self.assertEqual(ka.opportunity_score(5, 100.0, 100.0), 100.0)
        self.assertEqual(ka.opportunity_score(1, 50.0, 100.0), 35.0)
        self.assertEqual(ka.opportunity_score(0, 0.0, 0.0), 0.0)
        self.assertEqual(ka.influence_score(True, "3"), 100.0)
        self.assertEqual(ka.influence_score(False, "2"), 40.0)
        self.assertEqual(ka.influence_score(False, False), 0.0)

    def test_health_score_and_trend(self):
        # 5 on a normal question = 100, 5 on an inverted one = 0, 3 = 50
        self.assertEqual(ka.health_score([(5, False), (5, True), (3, False)]), 50.0)
        self.assertEqual(ka.health_score([(1, True), (4, False)]), 87.5)
        self.assertEqual(ka.health_score([]), 0.0)
        with self.assertRaises(ValueError):
            ka.health_score([(6, False)])
        self.assertEqual(ka.trend(70.0, None), "new")
        self.assertEqual(ka.trend(70.0, 50.0), "up")
        self.assertEqual(ka.trend(50.0, 70.0), "down")
        self.assertEqual(ka.trend(72.0, 70.0), "stable")

    def test_coverage_single_threaded(self):
        self.assertEqual(ka.coverage([]), ({}, True))
        self.assertEqual(ka.coverage(["executive"]), ({"executive": 1}, True))
        self.assertTrue(ka.coverage(["management", "management"])[1])
        counts, single = ka.coverage(["executive", "management", "management"])
        self.assertEqual(counts, {"executive": 1, "management": 2})
        self.assertFalse(single)

    def test_class_a_stability(self):
        mask = ka.roll_periods(0, True, True)  # first month in A
        self.assertEqual(mask, 0b1)
        self.assertEqual(ka.roll_periods(mask, False, False), 0b0)  # same month, left A
        mask = ka.roll_periods(mask, True, True)  # next month, still A
        mask = ka.roll_periods(mask, False, True)  # third month, not A
        self.assertEqual(mask, 0b110)
        self.assertEqual(ka.stability(mask), 16.67)  # 2 of 12 months
        self.assertEqual(ka.stability(0b1111_1111_1111), 100.0)
        # only the last 12 months are kept
        self.assertEqual(ka.roll_periods(0b1111_1111_1111, False, True), 0b1111_1111_1110)
