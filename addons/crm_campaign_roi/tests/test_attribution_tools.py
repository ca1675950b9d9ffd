from datetime import datetime

from odoo.tests import TransactionCase

from odoo.addons.crm_campaign_roi.tools import attribution as A
from odoo.addons.crm_campaign_roi.tools.mailing import trace_touch_events


class TestAttributionTools(TransactionCase):
    """Pure weight functions, checked against numbers worked out by hand."""

    def assertWeights(self, weights, expected):
        self.assertEqual(len(weights), len(expected))
        for weight, value in zip(weights, expected, strict=True):
            self.assertAlmostEqual(weight, value, places=9)
        self.assertAlmostEqual(sum(weights), 1.0, places=9)

    def test_single_touch_gets_everything_in_every_model(self):
        for model in A.MODELS:
            weights = A.model_weights(
                model, 1, [12.0], {"half_life": 30.0, "custom": (0.0, 1.0, 0.0)}
            )
            self.assertEqual(weights, [1.0], model)

    def test_two_touches(self):
        self.assertWeights(A.u_shaped_weights(2), [0.5, 0.5])
        self.assertWeights(A.w_shaped_weights(2, 0, 1), [0.5, 0.5])
        self.assertWeights(A.j_shaped_weights(2), [0.25, 0.75])
        self.assertWeights(A.inverse_j_weights(2), [0.75, 0.25])
        self.assertWeights(A.linear_weights(2), [0.5, 0.5])
        self.assertWeights(A.first_touch_weights(2), [1.0, 0.0])
        self.assertWeights(A.last_touch_weights(2), [0.0, 1.0])
        self.assertWeights(A.custom_weights(2, 0.2, 5.0, 0.6), [0.25, 0.75])

    def test_position_models_with_four_touches(self):
        self.assertWeights(A.linear_weights(4), [0.25] * 4)
        self.assertWeights(A.first_touch_weights(4), [1, 0, 0, 0])
        self.assertWeights(A.last_touch_weights(4), [0, 0, 0, 1])
        self.assertWeights(A.u_shaped_weights(4), [0.4, 0.1, 0.1, 0.4])
        self.assertWeights(A.j_shaped_weights(4), [0.2, 0.1, 0.1, 0.6])
        self.assertWeights(A.inverse_j_weights(4), [0.6, 0.1, 0.1, 0.2])
        self.assertWeights(A.u_shaped_weights(3), [0.4, 0.2, 0.4])
        self.assertWeights(A.j_shaped_weights(5), [0.2, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.6])

    def test_w_shaped_milestones(self):
        # first (0), lead created (1), opportunity created (3); 0.1 to touch 2
        self.assertWeights(A.w_shaped_weights(4, 1, 3), [0.3, 0.3, 0.1, 0.3])
        # two "others" share the 0.1
        self.assertWeights(A.w_shaped_weights(5, 1, 4), [0.3, 0.3, 0.05, 0.05, 0.3])
        # coinciding milestones add up: lead created as an opportunity at touch 2
        self.assertWeights(A.w_shaped_weights(4, 2, 2), [0.3, 0.05, 0.6, 0.05])
        # everything on the first touch: the others share 0.1
        self.assertWeights(A.w_shaped_weights(3, 0, 0), [0.9, 0.05, 0.05])
        # no "others": the 0.1 goes to the milestone slots
        self.assertWeights(A.w_shaped_weights(3, 1, 2), [1 / 3, 1 / 3, 1 / 3])
        self.assertWeights(A.w_shaped_weights(3, 0, 2), [0.6, 0.1, 0.3])
        # no lead milestone: the middle touch stands in; no opportunity: the last
        self.assertWeights(A.w_shaped_weights(5), [0.3, 0.05, 0.3, 0.05, 0.3])

    def test_time_decay_uses_the_half_life(self):
        # raw 2^-3, 2^-2, 2^-1.5, 2^-1 = 0.125, 0.25, 0.353553, 0.5; sum 1.228553
        weights = A.time_decay_weights([90, 60, 45, 30], 30)
        for weight, value in zip(weights, [0.101746, 0.203491, 0.287780, 0.406983], strict=True):
            self.assertAlmostEqual(weight, value, places=6)
        self.assertAlmostEqual(sum(weights), 1.0, places=12)
        self.assertAlmostEqual(weights[0], 0.125 / 1.2285533906, places=9)
        self.assertAlmostEqual(weights[3], 0.5 / 1.2285533906, places=9)
        # a touch one half-life older weighs exactly half
        self.assertAlmostEqual(weights[2] / weights[3], 2**-0.5, places=12)
        self.assertAlmostEqual(weights[1] / weights[3], 0.5, places=12)
        self.assertWeights(A.time_decay_weights([14, 7], 7), [1 / 3, 2 / 3])
        with self.assertRaises(ValueError):
            A.time_decay_weights([1.0], 0)

    def test_custom_weights(self):
        self.assertWeights(A.custom_weights(4, 0.4, 0.2, 0.4), [1 / 3, 1 / 6, 1 / 6, 1 / 3])
        self.assertWeights(A.custom_weights(3, 2, 1, 1), [0.5, 0.25, 0.25])
        self.assertWeights(A.custom_weights(3, 0, 1, 0), [0, 1, 0])
        # nothing to weigh with: linear
        self.assertWeights(A.custom_weights(2, 0, 1, 0), [0.5, 0.5])

    def test_split_conserves_the_total_exactly(self):
        self.assertEqual(A.split_amount(100.0, A.linear_weights(3)), [33.34, 33.33, 33.33])
        self.assertEqual(A.split_amount(-100.0, A.linear_weights(3)), [-33.34, -33.33, -33.33])
        self.assertEqual(A.split_amount(0.02, A.linear_weights(3)), [0.01, 0.01, 0.0])
        self.assertEqual(
            A.split_amount(1000, [1 / 3, 1 / 6, 1 / 6, 1 / 3]), [333.33, 166.67, 166.67, 333.33]
        )
        # largest remainders: 10174.57 / 20349.14 / 28778.02 / 40698.27 cents
        decay = A.time_decay_weights([90, 60, 45, 30], 30)
        self.assertEqual(A.split_amount(1000, decay), [101.75, 203.49, 287.78, 406.98])
        self.assertEqual(A.split_amount(100, A.linear_weights(3), rounding=1), [34, 33, 33])
        for n in range(1, 40):
            parts = A.split_amount(1234.57, A.linear_weights(n))
            self.assertEqual(round(sum(parts), 2), 1234.57, n)
            self.assertLessEqual(max(parts) - min(parts), 0.0100001)

    def test_mailing_trace_events(self):
        sent, opened = datetime(2026, 5, 1, 9), datetime(2026, 5, 2, 10)
        trace = {
            "sent_datetime": sent,
            "open_datetime": opened,
            "links_click_datetime": False,
            "reply_datetime": None,
        }
        self.assertEqual(trace_touch_events(trace), [("mail_sent", sent), ("mail_open", opened)])
        self.assertEqual(trace_touch_events(trace, {"mail_sent"}), [("mail_open", opened)])
        self.assertEqual(trace_touch_events({"sent_datetime": False}), [])
        # without mass_mailing installed the scheduled job records nothing
        if "mailing.trace" not in self.env:
            self.assertEqual(self.env["crm.campaign.touch"]._cron_capture_mailing_traces(), 0)
