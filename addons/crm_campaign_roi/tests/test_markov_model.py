from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from ..tools import markov_matrix
from ..tools.markov import removal_effects, split_amount
from .common import T0, CampaignRoiCommon


class MarkovCommon(CampaignRoiCommon):
    """60 partners touched by three campaigns without converting, and four
    won deals: enough journeys for the Markov model (minimum lowered to 4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"campaign_roi_markov_min_conversions": 4, "campaign_roi_markov_order": 1}
        )
        a, b, c = cls.campaign_a, cls.campaign_b, cls.campaign_c
        Partner = cls.env["res.partner"]
        prospects = Partner.create(
            [{"name": f"Prospect {i}", "is_company": True} for i in range(60)]
        )
        orders = [(a, b, c), (b, c, a), (c, a, b)]
        vals_list = []
        for i, prospect in enumerate(prospects):
            for rank, campaign in enumerate(orders[i % 3]):
                vals_list.append(
                    {
                        "campaign_id": campaign.id,
                        "contact_id": prospect.id,
                        "touch_date": T0 - timedelta(days=30 - rank),
                    }
                )
        cls.buyers = Partner.create([{"name": f"Buyer {i}", "is_company": True} for i in range(4)])
        cls.journeys = [(a, c), (b,), (a, b, c), (c, a)]
        for buyer, journey in zip(cls.buyers, cls.journeys, strict=True):
            for rank, campaign in enumerate(journey):
                vals_list.append(
                    {
                        "campaign_id": campaign.id,
                        "contact_id": buyer.id,
                        "touch_date": T0 - timedelta(days=20 - rank),
                    }
                )
        with freeze_time(T0):
            cls.Touch.create(vals_list)
            cls.leads = cls.env["crm.lead"]
            for buyer, revenue in zip(cls.buyers, (1000.0, 333.33, 100.01, 250.0), strict=True):
                cls.leads |= cls._lead(revenue, partner=buyer)
            cls.leads.action_set_won()
            cls.after_commit()
            cls.Attribution.sudo()._recompute_all(cls.company)
        cls.Effect = cls.env["crm.campaign.markov.effect"]

    def _paths(self):
        ids = [tuple(c.id for c in journey) for journey in self.journeys]
        prospect_paths = [
            (tuple(c.id for c in order), 0, 20)
            for order in [
                (self.campaign_a, self.campaign_b, self.campaign_c),
                (self.campaign_b, self.campaign_c, self.campaign_a),
                (self.campaign_c, self.campaign_a, self.campaign_b),
            ]
        ]
        return [(path, 1, 0) for path in ids] + prospect_paths


class TestMarkovModel(MarkovCommon):
    def test_markov_lines_split_each_conversion_by_removal_effect(self):
        effects = removal_effects(self._paths(), 1)
        stored = self.Effect.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(stored), 3)
        self.assertTrue(all(stored.mapped("sufficient")))
        for effect in stored:
            self.assertAlmostEqual(effect.removal_effect, effects[effect.channel_key], places=12)
            self.assertEqual(
                effect.journey_count,
                60 + sum(effect.channel_key in [c.id for c in j] for j in self.journeys),
            )
        for lead, journey in zip(self.leads, self.journeys, strict=True):
            lines = self._lines(lead, "markov")
            self.assertEqual(lines.campaign_id.ids, list(dict.fromkeys(c.id for c in journey)))
            expected = split_amount([c.id for c in journey], effects, lead.expected_revenue)
            self.assertEqual(lines.mapped("amount"), expected)
            self.assertEqual(round(sum(lines.mapped("amount")), 2), round(lead.expected_revenue, 2))
            # the other nine models are computed as before
            self.assertEqual(len(set(self._lines(lead).mapped("attribution_model"))), 10)

    def test_removing_the_only_touch_of_a_channel_moves_its_credit(self):
        lead = self.leads[0]  # journey a > c
        c_touch = self.Touch.search(
            [("partner_id", "=", self.buyers[0].id), ("campaign_id", "=", self.campaign_c.id)]
        )
        c_before = self.campaign_c.markov_revenue
        c_line = self._lines(lead, "markov").filtered(
            lambda line: line.campaign_id == self.campaign_c
        )
        c_amount = c_line.amount
        self.assertGreater(c_amount, 0.0)
        date_computed = self.Effect.search([], limit=1).date_computed
        with freeze_time(T0 + timedelta(days=1)):
            c_touch.unlink()
        lines = self._lines(lead, "markov")
        self.assertEqual(lines.campaign_id, self.campaign_a)
        self.assertEqual(lines.amount, 1000.0)
        self.campaign_c.invalidate_recordset()
        self.assertEqual(self.campaign_c.markov_revenue, round(c_before - c_amount, 2))
        # the incremental refresh used the stored effects
        self.assertEqual(self.Effect.search([], limit=1).date_computed, date_computed)

    def test_new_conversion_uses_the_stored_effects(self):
        stored = {e.channel_key: e.removal_effect for e in self.Effect.search([])}
        customer = self.env["res.partner"].create({"name": "Late buyer", "is_company": True})
        with freeze_time(T0):
            self._touch(self.campaign_b, 5, partner=customer)
            self._touch(self.campaign_c, 3, partner=customer)
            lead = self._lead(99.99, partner=customer)
            lead.action_set_won()
            self.after_commit()
        lines = self._lines(lead, "markov")
        expected = split_amount([self.campaign_b.id, self.campaign_c.id], stored, 99.99)
        self.assertEqual(lines.mapped("amount"), expected)
        self.assertEqual(round(sum(lines.mapped("amount")), 2), 99.99)

    def test_model_comparison_and_kpis_include_markov(self):
        Report = self.env["crm.campaign.roi.report"].with_user(self.user_roi_user)
        groups = Report._read_group(
            [("campaign_id", "!=", False)], ["campaign_id"], ["revenue_markov:sum"]
        )
        markov = self.Attribution.search([("attribution_model", "=", "markov")])
        for campaign, revenue in groups:
            expected = sum(line.amount for line in markov if line.campaign_id == campaign)
            self.assertAlmostEqual(revenue, expected, places=2)
            self.assertAlmostEqual(
                campaign.with_user(self.user_roi_user).markov_revenue, expected, places=2
            )
        self.assertAlmostEqual(
            sum(r for _c, r in groups), sum(self.leads.mapped("expected_revenue")), places=2
        )
        self.assertFalse(self.campaign_a.with_user(self.user_roi_user).markov_status)
        self.company.campaign_roi_default_model = "markov"
        self.assertAlmostEqual(
            self.campaign_a.with_user(self.user_roi_user).attributed_revenue,
            self.campaign_a.with_user(self.user_roi_user).markov_revenue,
            places=2,
        )


class TestMarkovSufficiency(MarkovCommon):
    def test_too_few_conversions_refused_and_explained(self):
        self.company.campaign_roi_markov_min_conversions = 1000
        self.assertFalse(self.Attribution.search([("attribution_model", "=", "markov")]))
        self.assertFalse(self.company.campaign_roi_markov_computed)
        campaign = self.campaign_a.with_user(self.user_roi_user)
        self.assertEqual(
            campaign.markov_status,
            "The Markov model is not computed: 4 converting journeys, fewer than the "
            "minimum of 1000.",
        )
        self.assertEqual(campaign.markov_revenue, 0.0)
        fields = (
            self.env["crm.campaign.roi.report"]
            .with_user(self.user_roi_user)
            .fields_get(["revenue_markov"], ["string", "help"])
        )
        self.assertEqual(fields["revenue_markov"]["string"], "Markov Chain (not computed)")
        self.assertEqual(fields["revenue_markov"]["help"], campaign.markov_status)
        # the other nine models do not depend on it
        for lead in self.leads:
            self.assertEqual(len(set(self._lines(lead).mapped("attribution_model"))), 9)
        # and a new conversion gets no Markov line either
        with freeze_time(T0):
            lead = self._lead(10.0, partner=self.buyers[0])
            lead.action_set_won()
            self.after_commit()
        self.assertFalse(self._lines(lead, "markov"))
        self.assertTrue(self._lines(lead, "linear"))

    def test_thin_channel_refused_and_named(self):
        thin = self.env["utm.campaign"].create({"name": "ROI Billboard"})
        with freeze_time(T0):
            self._touch(thin, 2, partner=self.buyers[1])
            self.Attribution.sudo()._recompute_all(self.company)
        self.assertFalse(self.Attribution.search([("attribution_model", "=", "markov")]))
        self.assertEqual(
            self.campaign_a.with_user(self.user_roi_user).markov_status,
            "The Markov model is not computed: these channels have fewer than 50 journeys: "
            "ROI Billboard.",
        )
        self.assertEqual(self.Effect.search([("channel_key", "=", thin.id)]).journey_count, 1)

    def test_medium_channel(self):
        medium = self.env["utm.medium"].create({"name": "ROI Paid search"})
        self.Touch.search([]).write({"medium_id": medium.id})
        self.company.campaign_roi_markov_channel = "medium"
        effect = self.Effect.search([("company_id", "=", self.company.id)])
        self.assertEqual(effect.channel_name, "ROI Paid search")
        self.assertEqual(effect.removal_effect, 1.0)
        for lead in self.leads:
            self.assertEqual(
                round(sum(self._lines(lead, "markov").mapped("amount")), 2),
                round(lead.expected_revenue, 2),
            )


class TestMarkovMatrix(TransactionCase):
    def test_fundamental_matrix_equals_the_sweeps(self):
        paths = [
            ((1, 2, 3), 3, 5),
            ((2, 2, 1), 1, 0),
            ((3,), 2, 7),
            ((1, 3, 2, 1), 0, 4),
            ((2, 3), 5, 1),
        ]
        for order in (1, 2, 3):
            exact = removal_effects(paths, order)
            fast = markov_matrix.removal_effects(paths, order)
            self.assertEqual(set(fast), set(exact))
            for channel, effect in exact.items():
                self.assertAlmostEqual(fast[channel], effect, places=13)
        self.assertEqual(markov_matrix.removal_effects([((1,), 0, 3)], 1), {1: 0.0})


class TestMarkovGuards(CampaignRoiCommon):
    def test_order_outside_one_to_three_refused(self):
        Company = self.company.with_user(self.user_roi_manager)
        for order in (0, 4):
            with self.assertRaises(ValidationError) as error:
                Company.sudo().write({"campaign_roi_markov_order": order})
            self.assertIn("Markov Chain Order must be between 1 and 3", str(error.exception))
            self.assertEqual(self.company.campaign_roi_markov_order, 1)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"campaign_roi_markov_order": 5})
        self.assertEqual(self.company.campaign_roi_markov_order, 1)
        with self.assertRaises(ValidationError):
            Company.sudo().write({"campaign_roi_markov_min_conversions": 0})
        self.assertEqual(self.company.campaign_roi_markov_min_conversions, 1000)
        settings = self.env["res.config.settings"].create(
            {"campaign_roi_markov_order": 3, "campaign_roi_markov_channel": "source"}
        )
        settings.execute()
        self.assertEqual(self.company.campaign_roi_markov_order, 3)
        self.assertEqual(self.company.campaign_roi_markov_channel, "source")

    def test_engine_fields_only_under_sudo(self):
        company = self.company.with_user(self.env.ref("base.user_admin")).with_context(
            campaign_roi_engine=True
        )
        with self.assertRaises(AccessError):
            company.write({"campaign_roi_markov_computed": True})
        self.assertFalse(self.company.campaign_roi_markov_computed)
        Effect = self.env["crm.campaign.markov.effect"]
        vals = {"company_id": self.company.id, "channel_type": "campaign", "channel_key": 1}
        with self.assertRaises(AccessError):
            Effect.with_user(self.env.ref("base.user_admin")).with_context(
                campaign_roi_engine=True
            ).create(vals)
        self.assertFalse(Effect.sudo().search([]))
        effect = Effect.sudo().create(vals)
        with self.assertRaises(AccessError):
            effect.with_user(self.env.ref("base.user_admin")).write({"removal_effect": 0.9})
        with self.assertRaises(AccessError):
            effect.with_user(self.env.ref("base.user_admin")).unlink()
        self.assertTrue(effect.exists())
        self.assertEqual(effect.removal_effect, 0.0)
        with self.assertRaises(AccessError):
            self.campaign.with_user(self.user_roi_manager).write({"markov_revenue": 1.0})

    @mute_logger("odoo.models")
    def test_access_rights(self):
        effect = (
            self.env["crm.campaign.markov.effect"]
            .sudo()
            .create({"company_id": self.company.id, "channel_type": "campaign", "channel_key": 1})
        )
        other = effect.copy({"company_id": self.company_2.id})
        for user in (self.user_roi_user, self.user_roi_manager):
            visible = effect.with_user(user).search([])
            self.assertEqual(visible, effect)  # not the other company's
            with self.assertRaises(AccessError):
                effect.with_user(user).write({"removal_effect": 0.5})
            with self.assertRaises(AccessError):
                effect.with_user(user).unlink()
        for user in (self.user_salesman, self.user_portal):
            with self.assertRaises(AccessError):
                effect.with_user(user).read(["removal_effect"])
            with self.assertRaises(AccessError):
                self.env["crm.campaign.roi.report"].with_user(user).search([])
        self.assertEqual(effect.removal_effect, 0.0)
        self.assertTrue(other.exists())


@tagged("post_install", "-at_install")
class TestMarkovUi(HttpCase):
    def test_model_comparison_markov_tour(self):
        """A marketer opens the model comparison and finds the Markov column."""
        company = self.env.ref("base.main_company")
        company.write({"campaign_roi_conversion": "lead_won"})
        campaign = self.env["utm.campaign"].create({"name": "Markov tour webinar"})
        customer = self.env["res.partner"].create({"name": "Markov Customer", "is_company": True})
        lead = self.env["crm.lead"].create(
            {
                "name": "Markov tour deal",
                "type": "opportunity",
                "partner_id": customer.id,
                "campaign_id": campaign.id,
                "expected_revenue": 5000.0,
                "company_id": company.id,
            }
        )
        lead.action_set_won()
        self.env["crm.campaign.attribution"]._cron_refresh_pending()
        self.start_tour("/odoo", "crm_campaign_roi_markov_tour", login="admin")


@tagged("post_install", "-at_install")
class TestMarkovRpc(HttpCase):
    """An integration cannot forge the Markov engine data over JSON-RPC."""

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    @mute_logger("odoo.http")
    def test_forged_engine_context_over_rpc(self):
        company = self.env.ref("base.main_company")
        new_test_user(
            self.env,
            login="roi_markov_admin",
            password="roi_markov_admin",
            groups="base.group_system,crm_campaign_roi.crm_campaign_roi_group_manager",
            company_id=company.id,
        )
        self.authenticate("roi_markov_admin", "roi_markov_admin")
        context = {"context": {"campaign_roi_engine": True}}
        with self.assertRaises(JsonRpcException) as error:
            self._call(
                "crm.campaign.markov.effect",
                "create",
                [{"company_id": company.id, "channel_type": "campaign", "channel_key": 1}],
                context,
            )
        self.assertIn("AccessError", str(error.exception))
        with self.assertRaises(JsonRpcException):
            self._call(
                "res.company",
                "write",
                [[company.id], {"campaign_roi_markov_computed": True}],
                context,
            )
        with self.assertRaises(JsonRpcException) as error:
            self._call(
                "res.company", "write", [[company.id], {"campaign_roi_markov_order": 7}], context
            )
        self.assertIn("ValidationError", str(error.exception))
        self.assertFalse(
            self.env["crm.campaign.markov.effect"].sudo().search([("channel_key", "=", 1)])
        )
        company.invalidate_recordset()
        self.assertFalse(company.campaign_roi_markov_computed)
        self.assertEqual(company.campaign_roi_markov_order, 1)
