"""crm_campaign_roi with mass_mailing installed: holdouts of mass mailings,
the global control group and the measured lift."""

from datetime import datetime, timedelta

from freezegun import freeze_time
from statsmodels.stats.proportion import proportions_ztest

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tests.common import JsonRpcException
from odoo.tools import email_normalize, mute_logger

from odoo.addons.crm_campaign_roi.tools import lift
from odoo.addons.mail.tests.common import MockEmail

from odoo_case import repository_case

SEND = datetime(2026, 3, 2, 9, 0, 0)


class HoldoutCommon(MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "campaign_roi_conversion": "lead_won",
                "campaign_roi_lookback_days": 30,
                "campaign_roi_control_percent": 0.0,
            }
        )
        cls.campaign = cls.env["utm.campaign"].create({"name": "Holdout spring newsletter"})
        cls.partners = cls.env["res.partner"].create(
            [
                {
                    "name": f"Holdout customer {index}",
                    "is_company": True,
                    "email": f"buyer{index}@holdout{index}.example",
                }
                for index in range(200)
            ]
        )
        cls.stage_won = cls.env["crm.stage"].create(
            {"name": "Holdout Won", "sequence": 90, "is_won": True}
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="holdout_manager",
            password="holdout_manager",
            groups="crm_campaign_roi.crm_campaign_roi_group_manager",
        )
        cls.user_salesman = new_test_user(
            cls.env, login="holdout_salesman", groups="sales_team.group_sale_salesman"
        )

    @classmethod
    def _mailing(cls, partners, **vals):
        return cls.env["mailing.mailing"].create(
            {
                "subject": "Holdout offer",
                "body_html": "<p>Hello</p>",
                "email_from": "marketing@example.com",
                "mailing_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr([("id", "in", partners.ids)]),
                "campaign_id": cls.campaign.id,
                **vals,
            }
        )

    @classmethod
    def _holdout(cls, mailing, percent, **vals):
        return (
            cls.env["crm.campaign.holdout"]
            .with_user(cls.user_manager)
            .create({"mailing_id": mailing.id, "holdout_percent": percent, **vals})
            .sudo()
        )

    def _send(self, mailing):
        with self.mock_mail_gateway(mail_unlink_sent=False):
            mailing.action_send_mail()
            # over 100 recipients the mails wait in the queue: send them
            self.env["mail.mail"].search(
                [("mailing_id", "=", mailing.id), ("state", "=", "outgoing")]
            ).send()
        return mailing.mailing_trace_ids

    def _mailed(self, mailing):
        return set(mailing.mailing_trace_ids.mapped("res_id"))


@repository_case
class TestMailingHoldout(HoldoutCommon, TransactionCase):
    def test_held_out_recipients_get_nothing(self):
        mailing = self._mailing(self.partners)
        holdout = self._holdout(mailing, 25.0)
        self.assertEqual(len(holdout.seed), 32)
        self.assertEqual(holdout.campaign_id, self.campaign)
        self.assertEqual(holdout.state, "draft")
        self._send(mailing)
        held = set(lift.holdout_split(self.partners.ids, 25.0, holdout.seed))
        self.assertTrue(30 <= len(held) <= 70)
        self.assertEqual(self._mailed(mailing), set(self.partners.ids) - held)
        self.assertTrue(all(mailing.mailing_trace_ids.mapped("sent_datetime")))
        mails = self.env["mail.mail"].search([("mailing_id", "=", mailing.id)])
        self.assertEqual(len(mails), 200 - len(held))
        self.assertFalse(set(mails.mapped("res_id")) & held)
        held_emails = set(self.partners.browse(held).mapped("email"))
        sent_to = {email_normalize(to) for mail in self._mails for to in mail["email_to"]}
        self.assertEqual(len(sent_to), 200 - len(held))
        self.assertFalse(sent_to & held_emails)
        self.assertEqual(set(holdout.member_ids.mapped("res_id")), held)
        self.assertEqual(set(holdout.member_ids.mapped("reason")), {"holdout"})
        self.assertEqual(set(holdout.member_ids.partner_id.ids), held)
        self.assertEqual(holdout.state, "sent")
        self.assertTrue(holdout.sent_date)

    def test_same_seed_same_held_out_through_the_queue(self):
        first = self._mailing(self.partners)
        holdout = self._holdout(first, 10.0)
        self._send(first)
        second = self._mailing(self.partners, subject="Holdout reminder")
        again = self._holdout(second, 10.0)
        again.with_user(self.user_manager).write({"seed": holdout.seed})
        second.action_put_in_queue()
        with self.mock_mail_gateway(mail_unlink_sent=False):
            second._process_mass_mailing_queue()
        self.assertEqual(second.state, "done")
        held = set(holdout.member_ids.mapped("res_id"))
        self.assertTrue(held)
        self.assertFalse(self._mailed(second) & held)
        self.assertEqual(self._mailed(second), self._mailed(first))
        self.assertEqual(again.member_ids.mapped("res_id"), holdout.member_ids.mapped("res_id"))
        # processing the queue again mails nobody held out and adds no member
        with self.mock_mail_gateway(mail_unlink_sent=False):
            second.action_send_mail(self.partners.ids)
        self.assertEqual(self._mailed(second), self._mailed(first))
        self.assertEqual(len(again.member_ids), len(holdout.member_ids))

    def test_global_control_group_misses_every_mailing(self):
        self.company.campaign_roi_control_percent = 10.0
        mailings = [self._mailing(self.partners, subject=f"Issue {n}") for n in range(2)]
        self._holdout(mailings[1], 5.0)
        for mailing in mailings:
            self._send(mailing)
        control = set(
            lift.holdout_split(self.partners.ids, 10.0, self.company.campaign_roi_control_seed)
        )
        self.assertTrue(control)
        Holdout = self.env["crm.campaign.holdout"]
        holdouts = [Holdout.search([("mailing_id", "=", m.id)]) for m in mailings]
        self.assertEqual([len(h) for h in holdouts], [1, 1])
        for mailing, holdout in zip(mailings, holdouts, strict=True):
            self.assertFalse(self._mailed(mailing) & control)
            members = holdout.member_ids.filtered(lambda m: m.reason == "control_group")
            self.assertEqual(set(members.mapped("res_id")), control)
            self.assertEqual(holdout.control_percent, 10.0)
        self.assertEqual(holdouts[0].holdout_percent, 0.0)
        self.assertEqual(len(holdouts[0].member_ids), len(control))

    def test_lift_on_a_hand_made_fixture(self):
        self.env["utm.campaign.cost"].create(
            {"name": "Design", "campaign_id": self.campaign.id, "amount": 600.0}
        )
        mailing = self._mailing(self.partners)
        holdout = self._holdout(mailing, 40.0)
        with freeze_time(SEND):
            self._send(mailing)
        self.assertEqual(holdout.sent_date, SEND)
        held = set(holdout.member_ids.mapped("res_id"))
        mailed = sorted(self._mailed(mailing))
        control = sorted(held)
        # conversions: 30 mailed customers win 1,000 each (two of them twice),
        # 6 held-out customers 500; others outside the window do not count
        wins = [(partner_id, 1000.0, 3) for partner_id in mailed[:30]]
        wins += [(mailed[0], 1000.0, 20), (mailed[1], 250.0, 29)]
        wins += [(partner_id, 500.0, 10) for partner_id in control[:6]]
        wins += [(mailed[40], 9000.0, 31), (control[10], 9000.0, -1)]
        for partner_id, amount, days in wins:
            self.env["crm.lead"].create(
                {
                    "name": "Holdout deal",
                    "type": "opportunity",
                    "partner_id": partner_id,
                    "expected_revenue": amount,
                    "stage_id": self.stage_won.id,
                    "date_closed": SEND + timedelta(days=days),
                    "company_id": self.company.id,
                }
            )
        revenue_t = [2000.0, 1250.0] + [1000.0] * 28
        treated = (len(mailed), 30, sum(revenue_t), sum(r * r for r in revenue_t))
        control_arm = (len(control), 6, 3000.0, 6 * 500.0**2)
        expected = lift.holdout_lift(treated, control_arm, 600.0)
        holdout = holdout.with_user(self.user_manager)
        self.assertEqual(holdout.lift_treated_count, len(mailed))
        self.assertEqual(holdout.lift_control_count, len(control))
        self.assertAlmostEqual(holdout.lift_treated_rate, 3000.0 / len(mailed))
        self.assertAlmostEqual(holdout.lift_control_rate, 600.0 / len(control))
        inc = (30 / len(mailed) - 6 / len(control)) * len(mailed)
        self.assertAlmostEqual(holdout.lift_incremental_conversions, inc)
        inc_revenue = (sum(revenue_t) / len(mailed) - 3000.0 / len(control)) * len(mailed)
        self.assertAlmostEqual(holdout.lift_incremental_revenue, round(inc_revenue, 2))
        self.assertEqual(holdout.lift_cost, 600.0)
        self.assertAlmostEqual(holdout.lift_icpa, round(600.0 / inc, 2))
        self.assertAlmostEqual(holdout.lift_iroas, inc_revenue / 600.0)
        _z, p_value = proportions_ztest([30, 6], [len(mailed), len(control)])
        self.assertAlmostEqual(holdout.lift_p_value, p_value)
        self.assertEqual(holdout.lift_verdict, expected.verdict)
        self.assertNotEqual(holdout.lift_verdict, "too_small")
        self.assertEqual(
            holdout.lift_conversions_interval,
            f"{expected.incremental_conversions_low:.1f} to "
            f"{expected.incremental_conversions_high:.1f}",
        )
        self.assertIn(" to ", holdout.lift_revenue_interval)
        # the campaign pools its mailings: one here, the same figures
        campaign = self.campaign.with_user(self.user_manager)
        self.assertEqual(campaign.lift_treated_count, len(mailed))
        self.assertAlmostEqual(campaign.lift_incremental_conversions, inc)
        self.assertEqual(campaign.lift_conversions_interval, holdout.lift_conversions_interval)
        self.assertAlmostEqual(campaign.lift_icpa, round(600.0 / inc, 2))

    def test_too_small_groups_say_so(self):
        mailing = self._mailing(self.partners[:40])
        holdout = self._holdout(mailing, 30.0)
        self._send(mailing)
        holdout = holdout.with_user(self.user_manager)
        self.assertTrue(holdout.lift_control_count < 30)
        self.assertEqual(holdout.lift_verdict, "too_small")
        message = "Groups too small for a confidence interval."
        self.assertEqual(holdout.lift_conversions_interval, message)
        self.assertEqual(holdout.lift_revenue_interval, message)
        self.assertEqual(self.campaign.with_user(self.user_manager).lift_verdict, "too_small")

    def test_sent_holdout_is_frozen(self):
        mailing = self._mailing(self.partners[:50])
        holdout = self._holdout(mailing, 20.0)
        self._send(mailing)
        seed, members = holdout.seed, holdout.member_ids
        before = members.read(["res_id", "partner_id", "email", "reason"])
        forged = holdout.with_user(self.user_manager).with_context(campaign_roi_engine=True)
        for vals in ({"seed": "chosen"}, {"holdout_percent": 50.0}, {"mailing_id": 1}):
            with self.assertRaises(UserError):
                forged.write(vals)
        for vals in ({"state": "draft"}, {"sent_date": False}):
            with self.assertRaises(AccessError):
                forged.write(vals)
        with self.assertRaises(UserError):
            forged.unlink()
        Member = self.env["crm.campaign.holdout.member"]
        forged_members = members.with_user(self.user_manager).with_context(campaign_roi_engine=True)
        with self.assertRaises(AccessError):
            forged_members.write({"partner_id": False})
        with self.assertRaises(AccessError):
            forged_members.unlink()
        with self.assertRaises(AccessError):
            Member.with_user(self.user_manager).with_context(campaign_roi_engine=True).create(
                {
                    "holdout_id": holdout.id,
                    "res_model": "res.partner",
                    "res_id": self.partners[0].id,
                    "reason": "holdout",
                }
            )
        with self.assertRaises(AccessError):
            holdout.with_user(self.user_salesman).read(["seed"])
        holdout.invalidate_recordset()
        self.assertEqual(holdout.seed, seed)
        self.assertEqual(holdout.holdout_percent, 20.0)
        self.assertEqual(holdout.state, "sent")
        self.assertEqual(holdout.member_ids, members)
        self.assertEqual(members.read(["res_id", "partner_id", "email", "reason"]), before)

    def test_holdout_of_a_sent_mailing_refused(self):
        mailing = self._mailing(self.partners[:5])
        self._send(mailing)
        with self.assertRaises(UserError):
            self._holdout(mailing, 10.0)
        self.assertFalse(self.env["crm.campaign.holdout"].search([("mailing_id", "=", mailing.id)]))

    def test_patch_installed_once(self):
        Mailing = self.env.registry["mailing.mailing"]
        Holdout = self.env["crm.campaign.holdout"]
        method = Mailing.__dict__["_get_remaining_recipients"]
        Holdout._register_hook()
        self.assertIs(Mailing.__dict__["_get_remaining_recipients"], method)
        self.assertNotIn("_crm_campaign_roi_holdout_patch", vars(method.origin))
        try:
            Holdout._unregister_hook()
            self.assertNotIn("_get_remaining_recipients", Mailing.__dict__)
            self.assertNotIn("_action_send_mail", Mailing.__dict__)
        finally:
            Holdout._register_hook()
        self.assertIs(Mailing.__dict__["_get_remaining_recipients"].origin, method.origin)

    def test_lift_queries_do_not_grow_with_the_recipients(self):
        holdouts = []
        for size in (40, 200):
            mailing = self._mailing(self.partners[:size], subject=f"Size {size}")
            holdouts.append(self._holdout(mailing, 30.0))
            self._send(mailing)
        holdouts[0].with_user(self.user_manager).lift_verdict  # noqa: B018 (caches)
        counts = []
        for holdout, size in zip(holdouts, (40, 200), strict=True):
            self.env.invalidate_all()
            holdout = holdout.with_user(self.user_manager)
            before = self.env.cr.sql_log_count
            self.assertEqual(holdout.lift_treated_count + holdout.lift_control_count, size)
            counts.append(self.env.cr.sql_log_count - before)
        # five times the recipients, no more queries (and a small budget)
        self.assertLessEqual(counts[1], counts[0])
        self.assertLessEqual(counts[1], 20)

    def test_bad_share_and_other_company(self):
        mailing = self._mailing(self.partners[:10])
        Holdout = self.env["crm.campaign.holdout"].with_user(self.user_manager)
        for percent in (-1.0, 50.5, float("nan")):
            with self.assertRaises(ValidationError):
                Holdout.create({"mailing_id": mailing.id, "holdout_percent": percent})
        self.assertFalse(Holdout.sudo().search([("mailing_id", "=", mailing.id)]))
        holdout = self._holdout(mailing, 10.0)
        with self.assertRaises(ValidationError):
            holdout.with_user(self.user_manager).write({"holdout_percent": 80.0})
        self.assertEqual(holdout.holdout_percent, 10.0)
        with self.assertRaises(ValidationError):
            self._holdout(mailing, 20.0)
        # a holdout of another company is out of reach
        other = self.env["res.company"].create({"name": "Holdout Other Company"})
        mailing_2 = self._mailing(self.partners[10:20], subject="Other company")
        foreign = self.env["crm.campaign.holdout"].create(
            {"mailing_id": mailing_2.id, "company_id": other.id}
        )
        self.assertFalse(Holdout.search([("id", "=", foreign.id)]))
        with self.assertRaises(AccessError):
            foreign.with_user(self.user_manager).write({"holdout_percent": 20.0})
        self.assertEqual(foreign.holdout_percent, 10.0)


@repository_case
class TestMailingHoldoutRpc(HoldoutCommon, HttpCase):
    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    @mute_logger("odoo.http")
    def test_seed_and_members_of_a_sent_holdout_over_rpc(self):
        mailing = self._mailing(self.partners[:50])
        holdout = self._holdout(mailing, 20.0)
        self._send(mailing)
        seed, member = holdout.seed, holdout.member_ids[0]
        self.authenticate("holdout_manager", "holdout_manager")
        context = {"campaign_roi_engine": True, "active_test": False}
        for model, ids, vals, error in (
            ("crm.campaign.holdout", holdout.ids, {"seed": "chosen"}, "UserError"),
            ("crm.campaign.holdout", holdout.ids, {"state": "draft"}, "AccessError"),
            ("crm.campaign.holdout.member", member.ids, {"res_id": 1}, "AccessError"),
        ):
            with self.assertRaises(JsonRpcException) as caught:
                self._call(model, "write", [ids, vals], {"context": context})
            self.assertEqual(caught.exception.args[0], f"odoo.exceptions.{error}")
        holdout.invalidate_recordset()
        member.invalidate_recordset()
        self.assertEqual(holdout.seed, seed)
        self.assertEqual(holdout.state, "sent")
        self.assertIn(member.res_id, self.partners[:50].ids)


@repository_case
class TestMailingHoldoutUi(HoldoutCommon, HttpCase):
    def test_holdout_lift_tour(self):
        """A marketer reads a sent mailing's lift and its campaign's."""
        mailing = self._mailing(self.partners[:40], subject="Holdout tour offer")
        holdout = self._holdout(mailing, 30.0)
        self._send(mailing)
        self.assertTrue(holdout.member_ids)
        self.start_tour("/odoo", "crm_campaign_roi_holdout_tour", login="admin")
        self.assertEqual(holdout.state, "sent")
        self.assertEqual(holdout.with_user(self.user_manager).lift_verdict, "too_small")
