import contextlib
import csv
import io
import itertools
import math
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import TransactionCase
from odoo.tools import float_round

from odoo.addons.crm_campaign_roi.tools import markov

SAMPLE = Path(__file__).parent / "data" / "channelattribution_sample.csv"

# GA -> conversion twice, mail -> conversion, GA -> mail -> conversion, GA -> null.
HAND = [(("GA",), 2, 0), (("mail",), 1, 0), (("GA", "mail"), 1, 0), (("GA",), 0, 1)]


def read_sample():
    with open(SAMPLE, newline="") as handle:
        return [
            (
                tuple(channel.strip() for channel in row["path"].split(">")),
                int(row["total_conversions"]),
                int(row["total_null"]),
            )
            for row in csv.DictReader(handle, delimiter=";")
        ]


def exact_effects(paths, order):
    """Removal effects from an exact rational solve of the chain, built as
    ChannelAttribution builds it (equal consecutive windows collapsed)."""
    counts = {}
    for channels, conversions, nulls in paths:
        if not channels or not conversions + nulls:
            continue
        size = min(order, len(channels))
        walk = ["start"]
        for i in range(len(channels) - size + 1):
            if channels[i : i + size] != walk[-1]:
                walk.append(channels[i : i + size])
        steps = [(a, b, conversions + nulls) for a, b in itertools.pairwise(walk)]
        steps += [(walk[-1], "conv", conversions), (walk[-1], "null", nulls)]
        for a, b, count in steps:
            counts[a, b] = counts.get((a, b), 0) + count
    leaving = {}
    for (a, _b), count in counts.items():
        leaving[a] = leaving.get(a, 0) + count

    def probability(removed):
        live = [s for s in leaving if s != "start" and removed not in s]
        at = {s: i for i, s in enumerate(live)}
        # Rows of (I - Q | r), solved by Gauss-Jordan in fractions.
        size = len(live)
        rows = [[Fraction(int(i == j)) for j in range(size + 1)] for i in range(size)]
        for (a, b), count in counts.items():
            if a in at and (b in at or b == "conv"):
                column = at[b] if b in at else size
                share = Fraction(count, leaving[a])
                rows[at[a]][column] += share if b == "conv" else -share
        for i in range(size):
            pivot = rows[i][i]
            rows[i] = [value / pivot for value in rows[i]]
            for k in range(size):
                if k != i and rows[k][i]:
                    factor = rows[k][i]
                    rows[k] = [v - factor * w for v, w in zip(rows[k], rows[i], strict=True)]
        return sum(
            Fraction(count, leaving["start"]) * rows[at[b]][-1]
            for (a, b), count in counts.items()
            if a == "start" and b in at
        )

    base = probability(None)
    channels = {c for channels, _c, _n in paths for c in channels}
    return {c: 1 - probability(c) / base if base else Fraction(0) for c in channels}


paths_strategy = st.lists(
    st.tuples(
        st.lists(st.sampled_from("abcd"), min_size=1, max_size=6).map(tuple),
        st.integers(0, 5),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=12,
).filter(lambda paths: any(c + n for _channels, c, n in paths))


class TestMarkov(TransactionCase):
    """Exact removal effects of the Markov-chain attribution."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sample = read_sample()

    def test_hand_example(self):
        effects = markov.removal_effects(HAND)
        self.assertAlmostEqual(effects["GA"], 0.75, places=12)
        self.assertAlmostEqual(effects["mail"], 0.5, places=12)
        credits = markov.markov_credits(HAND)
        self.assertAlmostEqual(credits["GA"], 2.4, places=12)
        self.assertAlmostEqual(credits["mail"], 1.6, places=12)
        self.assertEqual(sum(credits.values()), 4)
        self.assertAlmostEqual(markov.conversion_probability(HAND), 0.8, places=15)
        self.assertAlmostEqual(markov.conversion_probability(HAND, removed=["GA"]), 0.2)

    def test_invariant_on_the_sample_for_orders_1_to_3(self):
        conversions = sum(c for _p, c, _n in self.sample)
        journeys = sum(c + n for _p, c, n in self.sample)
        self.assertEqual((len(self.sample), conversions), (10_000, 19_785))
        for order in (1, 2, 3):
            self.assertAlmostEqual(
                markov.conversion_probability(self.sample, order),
                conversions / journeys,
                places=13,
                msg=f"order {order}",
            )

    @settings(derandomize=True, max_examples=60, deadline=None)
    @given(paths_strategy)
    def test_invariant_and_conservation_property(self, paths):
        conversions = sum(c for _p, c, _n in paths)
        journeys = sum(c + n for _p, c, n in paths)
        for order in (1, 2, 3):
            probability = markov.conversion_probability(paths, order)
            self.assertAlmostEqual(probability, conversions / journeys, places=12)
            effects = markov.removal_effects(paths, order)
            self.assertTrue(all(0.0 <= effect <= 1.0 for effect in effects.values()))
            credits = markov.markov_credits(paths, order)
            self.assertEqual(sum(credits.values()), conversions)
            self.assertEqual(math.fsum(credits.values()), conversions)

    @settings(derandomize=True, max_examples=40, deadline=None)
    @given(paths_strategy)
    def test_effects_equal_an_exact_rational_solve(self, paths):
        for order in (1, 2, 3):
            expected = exact_effects(paths, order)
            effects = markov.removal_effects(paths, order)
            self.assertEqual(set(effects), set(expected))
            for channel, effect in effects.items():
                self.assertAlmostEqual(effect, float(expected[channel]), places=12)

    def test_credits_are_conserved_exactly_on_the_sample(self):
        for order in (1, 2, 3):
            credits = markov.markov_credits(self.sample, order)
            self.assertEqual(len(credits), 12)
            self.assertEqual(sum(credits.values()), 19_785, f"order {order}")
            self.assertEqual(sum(reversed(list(credits.values()))), 19_785)
            self.assertTrue(all(credit >= 0 for credit in credits.values()))

    def test_self_loops_change_nothing(self):
        # Repeated touches make equal consecutive states (a self-loop), which
        # ChannelAttribution collapses into one: same absorption, same effects.
        looped = [(("a", "a", "a", "b"), 3, 1), (("b", "a", "a"), 1, 2), (("a",), 0, 2)]
        collapsed = {
            1: [(("a", "b"), 3, 1), (("b", "a"), 1, 2), (("a",), 0, 2)],
            2: [(("a", "a", "b"), 3, 1), (("b", "a", "a"), 1, 2), (("a",), 0, 2)],
        }
        for order, paths in collapsed.items():
            first = markov.removal_effects(looped, order)
            second = markov.removal_effects(paths, order)
            self.assertGreater(first["b"], 0.5)
            for channel in "ab":
                self.assertAlmostEqual(first[channel], second[channel], places=13)

    def test_higher_order_windows(self):
        # Order 2: (start) -> (a, b) -> (b, c) -> conversion; the one-touch
        # path is its own state (a,) and (c, b) another: each needs all three.
        paths = [(("a", "b", "c"), 1, 0), (("a",), 0, 1), (("c", "b"), 0, 1)]
        self.assertEqual(markov.removal_effects(paths, order=2), {"a": 1.0, "b": 1.0, "c": 1.0})
        # Order 1 mixes the journeys: x_c = 1/2 + x_b / 2 and x_b = x_c / 2,
        # so x_c = 2/3; without a, P = 1/3 * 2/3; without b, P = 1/3 * 1/2.
        self.assertAlmostEqual(markov.conversion_probability(paths, 1), 1 / 3, places=14)
        effects = markov.removal_effects(paths, order=1)
        self.assertAlmostEqual(effects["a"], 1 / 3, places=14)
        self.assertAlmostEqual(effects["b"], 1 / 2, places=14)
        self.assertEqual(effects["c"], 1.0)
        # Repeated touches stay in the windows: (a, a) is the whole first
        # journey and the end of the second, so both share it. P = 1/2 and,
        # without b, only the first journey's half remains: effect 1/2.
        shared = [(("a", "a"), 1, 0), (("b", "a", "a"), 0, 1)]
        self.assertEqual(markov.removal_effects(shared, order=2), {"a": 1.0, "b": 0.5})

    def test_against_channelattribution(self):
        with contextlib.redirect_stdout(io.StringIO()):
            import ChannelAttribution
            import pandas

            data = pandas.read_csv(SAMPLE, sep=";")
            # One round of 10^6 simulated journeys, seeded: about 5 seconds.
            theirs = ChannelAttribution.markov_model(
                data,
                "path",
                "total_conversions",
                var_null="total_null",
                order=1,
                out_more=True,
                seed=0,
                nsim_start=1e6,
                conv_par=1.0,
                verbose=False,
                flg_pro=False,
            )
        their_effects = dict(
            zip(
                theirs["removal_effects"]["channel_name"],
                theirs["removal_effects"]["removal_effect"],
                strict=True,
            )
        )
        their_credits = dict(
            zip(
                theirs["result"]["channel_name"],
                theirs["result"]["total_conversions"],
                strict=True,
            )
        )
        effects = markov.removal_effects(self.sample)
        credits = markov.markov_credits(self.sample)
        self.assertEqual(set(effects), set(their_effects))
        compared = 0
        for channel, effect in effects.items():
            self.assertLessEqual(abs(effect - their_effects[channel]), 0.011, channel)
            if their_credits[channel] >= 1000:
                compared += 1
                relative = abs(credits[channel] - their_credits[channel]) / their_credits[channel]
                self.assertLessEqual(relative, 0.025, channel)
        self.assertEqual(compared, 6)

    def test_channel_in_no_path(self):
        base = markov.conversion_probability(self.sample)
        self.assertEqual(markov.conversion_probability(self.sample, removed=["nowhere"]), base)
        effects = markov.removal_effects(HAND, channels=["GA", "mail", "nowhere"])
        self.assertEqual(effects["nowhere"], 0.0)
        self.assertAlmostEqual(effects["GA"], 0.75, places=12)
        credits = markov.markov_credits(HAND, channels=["GA", "mail", "nowhere"])
        self.assertEqual(credits["nowhere"], 0.0)
        self.assertEqual(sum(credits.values()), 4)

    def test_empty_and_degenerate_input(self):
        for order in (1, 2, 3):
            self.assertEqual(markov.removal_effects([], order), {})
            self.assertEqual(markov.markov_credits([], order), {})
            self.assertEqual(markov.conversion_probability([], order), 0.0)
        # Journeys without touches or without any count are ignored.
        self.assertEqual(markov.removal_effects([((), 3, 1), (("a",), 0, 0)]), {})
        # Nothing converts: every effect and credit is 0.
        nulls = [(("a", "b"), 0, 4), (("b",), 0, 1)]
        self.assertEqual(markov.removal_effects(nulls), {"a": 0.0, "b": 0.0})
        self.assertEqual(markov.markov_credits(nulls), {"a": 0.0, "b": 0.0})

    def test_bad_input(self):
        for order in (0, 4, 1.0):
            with self.assertRaises(ValueError):
                markov.removal_effects(HAND, order)
        with self.assertRaises(ValueError):
            markov.removal_effects([(("a",), -1, 2)])


class TestMarkovHelpers(TransactionCase):
    """What the attribution engine calls around the removal effects."""

    def test_split_amount_follows_the_effects(self):
        effects = {"GA": 0.75, "mail": 0.5}
        self.assertEqual(markov.split_amount(("GA", "mail"), effects, 100.0, 0.01), [60.0, 40.0])
        parts = markov.split_amount(("GA", "mail", "GA"), effects, 100.0, 0.01)
        self.assertEqual(parts, [37.5, 25.0, 37.5])
        # 10 / 3 each: the largest remainder goes to the earliest touch.
        parts = markov.split_amount(("GA", "GA", "GA"), effects, 10.0, 0.01)
        self.assertEqual(parts, [3.34, 3.33, 3.33])
        # No touch with an effect: an even split.
        self.assertEqual(markov.split_amount(("x", "y"), effects, 5.0, 1.0), [3.0, 2.0])
        self.assertEqual(markov.split_amount(("GA", "mail"), effects, -1.0, 0.01), [-0.6, -0.4])
        # An amount finer than the rounding is rounded as Odoo rounds it.
        for amount, rounded in ((0.025, 0.03), (1.005, 1.01), (-0.125, -0.13)):
            self.assertEqual(markov.split_amount(("GA",), effects, amount, 0.01), [rounded])
            self.assertEqual(float_round(amount, precision_rounding=0.01), rounded)
        with self.assertRaises(ValueError):
            markov.split_amount((), effects, 5.0, 0.01)
        with self.assertRaises(ValueError):
            markov.split_amount(("GA",), effects, 5.0, 0.0)

    @settings(derandomize=True, max_examples=80, deadline=None)
    @given(
        st.lists(st.sampled_from("abcde"), min_size=1, max_size=8),
        st.dictionaries(st.sampled_from("abcde"), st.floats(0, 1)),
        st.integers(-(10**9), 10**9),
        st.sampled_from([(0.01, 2), (0.05, 2), (1.0, 0), (0.001, 3)]),
    )
    def test_split_amount_conserves_the_amount(self, channels, effects, mills, rounding):
        step, digits = rounding
        amount = round(mills * 0.001, 3)
        total = float_round(amount, precision_rounding=step)
        parts = markov.split_amount(channels, effects, amount, step)
        self.assertEqual(len(parts), len(channels))
        units = [round(part / step) for part in parts]
        self.assertEqual(sum(units), round(total / step))
        for part, unit in zip(parts, units, strict=True):
            self.assertEqual(part, round(unit * step, digits))
        self.assertEqual(float_round(math.fsum(parts), precision_rounding=step), total)

    def test_data_sufficiency(self):
        paths = [(("a", "b"), 30, 30), (("a",), 10, 5), (("c", "a", "c"), 1, 3)]
        result = markov.data_sufficiency(paths, min_conversions=40, min_channel_journeys=50)
        self.assertEqual(result.converting_journeys, 41)
        self.assertEqual(result.channel_journeys, {"a": 79, "b": 60, "c": 4})
        self.assertEqual(result.thin_channels, ("c",))
        self.assertTrue(result.enough_conversions)
        self.assertFalse(result.sufficient)
        result = markov.data_sufficiency(paths[:2], min_conversions=40)
        self.assertTrue(result.sufficient)
        result = markov.data_sufficiency(paths[:2], min_conversions=41)
        self.assertFalse(result.sufficient)
        self.assertFalse(result.enough_conversions)
        self.assertFalse(markov.data_sufficiency([]).sufficient)
