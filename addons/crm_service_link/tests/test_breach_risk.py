import random

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, TransactionCase, freeze_time, tagged
from odoo.tools import mute_logger

from ..models.crm_service_request_risk import MIN_HISTORY
from ..tools.survival import kaplan_meier
from .common import ServiceLinkCommon


class TestSurvival(TransactionCase):
    """The Kaplan–Meier estimator of tools/survival.py."""

    def test_hand_example(self):
        # events at 1, 2, 3, 5; censored at 2 and 4 (six targets)
        curve = kaplan_meier([1, 2, 2, 3, 4, 5], [True, True, False, True, False, True])
        self.assertEqual(curve.times, [1, 2, 3, 5])
        self.assertAlmostEqual(curve.survival(0.5), 1.0)
        self.assertAlmostEqual(curve.survival(1), 5 / 6)
        # at 2: one of the five still running completes (the censored one outlived it)
        self.assertAlmostEqual(curve.survival(2.5), 5 / 6 * 4 / 5)
        self.assertAlmostEqual(curve.survival(3), 2 / 3 * 2 / 3)
        self.assertAlmostEqual(curve.survival(4.9), 4 / 9)
        self.assertAlmostEqual(curve.survival(5), 0.0)
        self.assertEqual((curve.events, curve.observations), (4, 6))
        # P(T > 3 | T > 1.5) = S(3) / S(1.5)
        self.assertAlmostEqual(curve.breach_risk(3, 1.5), (4 / 9) / (5 / 6))
        self.assertAlmostEqual(curve.breach_risk(3, 3), 1.0, msg="target used up")
        self.assertAlmostEqual(curve.breach_risk(6, 5.5), 1.0, msg="longer than any history")

    def test_counts_weigh_like_repeated_observations(self):
        repeated = kaplan_meier([1, 1, 1, 2, 3, 3], [True, True, False, True, True, False])
        counted = kaplan_meier([1, 1, 2, 3, 3], [True, False, True, True, False], [2, 1, 1, 1, 1])
        self.assertEqual(repeated.times, counted.times)
        for left, right in zip(repeated.values, counted.values, strict=True):
            self.assertAlmostEqual(left, right)

    def test_against_statsmodels(self):
        from statsmodels.duration.survfunc import SurvfuncRight

        rng = random.Random(7)
        for size in (12, 200, 1500):
            # rounded working hours: many ties between events and censored targets
            durations = [round(rng.lognormvariate(2.0, 0.8), 1) for _i in range(size)]
            events = [rng.random() < 0.7 for _i in range(size)]
            ours = kaplan_meier(durations, events)
            oracle = SurvfuncRight(durations, [int(event) for event in events])
            self.assertEqual(len(ours.times), len(oracle.surv_times))
            for moment, expected in zip(oracle.surv_times, oracle.surv_prob, strict=True):
                self.assertAlmostEqual(ours.survival(float(moment)), float(expected), places=10)
            for moment in (0.0, 3.3, 7.5, 12.0, 40.0):
                steps = zip(oracle.surv_times, oracle.surv_prob, strict=True)
                before = [prob for time, prob in steps if time <= moment]
                expected = float(before[-1]) if before else 1.0
                self.assertAlmostEqual(ours.survival(moment), expected, places=10)


class BreachRiskCommon(ServiceLinkCommon):
    """A history of closed requests: 35 of the team (resolution in 1..35 working
    hours, first response in k/4 hours), 5 slow ones of the other team, and 3 in
    the second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write({"warning_percent": 99})
        cls.team_2 = cls.env["crm.service.team"].create(
            {
                "name": "Second support",
                "company_id": cls.company_2.id,
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.policy_2 = cls.env["crm.service.sla.policy"].create(
            {"name": "Second standard", "company_id": cls.company_2.id}
        )
        cls.customer_2 = cls.env["res.partner"].create(
            {"name": "Second customer", "company_id": cls.company_2.id}
        )
        Request = cls.env["crm.service.request"]
        with freeze_time("2026-03-02 07:00:00"):
            vals = [
                {"name": f"Old {k}", "partner_id": cls.customer.id, "team_id": cls.team.id}
                for k in range(1, 36)
            ]
            vals += [
                {"name": f"Slow {k}", "partner_id": cls.customer.id, "team_id": cls.team_other.id}
                for k in range(5)
            ]
            vals += [
                {
                    "name": f"Other company {k}",
                    "partner_id": cls.customer_2.id,
                    "team_id": cls.team_2.id,
                    "company_id": cls.company_2.id,
                }
                for k in range(3)
            ]
            cls.history = Request.create(vals)
        with freeze_time("2026-03-20 07:00:00"):
            cls.history.write({"stage_id": cls.stage_solved.id})
        # the measured working times of the history (engine fields, as the system)
        for k, request in enumerate(cls.history[:35], start=1):
            request.sudo().write(
                {
                    "first_response_date": "2026-03-02 08:00:00",
                    "response_working_hours": k / 4,
                    "resolution_working_hours": k,
                }
            )
        cls.history[35:].sudo().write(
            {
                "first_response_date": "2026-03-02 08:00:00",
                "response_working_hours": 10,
                "resolution_working_hours": 30,
            }
        )

    def open_request(self, **vals):
        """Created Monday 30 March 09:00 Kyiv (UTC+3)."""
        with freeze_time("2026-03-30 06:00:00"):
            return self.create_request(request_date=self.utc(2026, 3, 30, 6, 0), **vals)

    def refresh(self, when="2026-03-30 09:00:00"):
        """The job at 12:00 Kyiv by default: 3 working hours after the start."""
        with freeze_time(when):
            self.env["crm.service.request"]._cron_breach_risk()


class TestBreachRisk(BreachRiskCommon):
    def test_risk_of_the_team_and_priority(self):
        request = self.open_request()
        self.refresh()
        # resolution: 32 of the team took more than 3 h, 19 of them more than 16 h
        self.assertAlmostEqual(request.resolution_breach_risk, round(19 / 32, 4))
        self.assertEqual(request.resolution_risk_basis, "team")
        self.assertEqual(request.resolution_risk_sample, 35)
        # response (target 4 h): 23 took more than 3 h, 19 more than 4 h
        self.assertAlmostEqual(request.response_breach_risk, round(19 / 23, 4))
        self.assertEqual(
            request.response_risk_note,
            self.env._("From %(count)s completed requests of this team and priority.", count=35),
        )
        self.assertTrue(request.breach_risk_date)

    def test_small_cell_falls_back_to_the_company(self):
        request = self.open_request(team_id=self.team_other.id)
        self.refresh()
        self.assertEqual(request.resolution_risk_basis, "company")
        self.assertEqual(request.resolution_risk_sample, 40)
        # the company's curve: the 40 completed and the running one censored at 3 h
        curve = kaplan_meier([*range(1, 36), *[30] * 5, 3], [True] * 40 + [False])
        self.assertAlmostEqual(request.resolution_breach_risk, round(curve.breach_risk(16, 3), 4))
        self.assertIn("of the company", request.resolution_risk_note)

    def test_too_little_history_gives_no_figure(self):
        with freeze_time("2026-03-30 06:00:00"):
            request = self.create_request(
                partner_id=self.customer_2.id,
                contact_id=False,
                team_id=self.team_2.id,
                company_id=self.company_2.id,
            )
        self.refresh()
        self.assertEqual(request.resolution_risk_basis, "none")
        self.assertEqual(request.resolution_breach_risk, 0.0)
        self.assertEqual(request.resolution_risk_sample, 3)
        self.assertEqual(
            request.resolution_risk_note,
            f"No estimate yet: 3 completed requests in the company's history, "
            f"{MIN_HISTORY} needed.",
        )

    def test_risk_rises_as_the_time_left_falls(self):
        request = self.open_request()
        risks = []
        # 10:00, 12:00, 14:00, 16:00 Kyiv on Monday, 12:00 on Tuesday
        for when in ("07:00", "09:00", "11:00", "13:00"):
            self.refresh(f"2026-03-30 {when}:00")
            risks.append(request.resolution_breach_risk)
        self.refresh("2026-03-31 09:00:00")
        risks.append(request.resolution_breach_risk)
        self.assertEqual(risks, sorted(risks))
        self.assertLess(risks[0], risks[-1])
        self.assertEqual(risks[-1], round(19 / 25, 4), "10 h used: 25 took longer, 19 > 16 h")

    def test_same_history_same_risk(self):
        first, second = self.open_request(), self.open_request(name="Scanner down")
        self.refresh()
        risks = (first.resolution_breach_risk, second.resolution_breach_risk)
        self.refresh()
        self.assertEqual((first.resolution_breach_risk, second.resolution_breach_risk), risks)
        self.assertEqual(risks[0], risks[1])

    def test_reached_and_closed_targets_have_no_risk(self):
        request = self.open_request()
        with freeze_time("2026-03-30 07:00:00"):
            request.with_user(self.user_service).message_post(
                body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.refresh()
        self.assertFalse(request.response_risk_basis)
        self.assertEqual(request.response_breach_risk, 0.0)
        self.assertEqual(request.resolution_risk_basis, "team")
        with freeze_time("2026-03-30 10:00:00"):
            request.stage_id = self.stage_solved
        self.refresh("2026-03-30 11:00:00")
        self.assertFalse(request.resolution_risk_basis)
        self.assertEqual(request.resolution_breach_risk, 0.0)

    def test_queries_do_not_grow_with_requests(self):
        for _i in range(2):
            self.open_request()
        Request = self.env["crm.service.request"]
        with freeze_time("2026-03-30 09:00:00"):
            Request._cron_breach_risk()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            Request._cron_breach_risk()
            few = self.env.cr.sql_log_count - before
        for _i in range(20):
            self.open_request(name="More")
        with freeze_time("2026-03-30 09:00:00"):
            Request._cron_breach_risk()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            Request._cron_breach_risk()
            many = self.env.cr.sql_log_count - before
        self.assertEqual(many, few)

    def test_create_does_not_compute_the_risk(self):
        request = self.open_request()
        self.assertFalse(request.resolution_risk_basis)
        self.assertFalse(request.breach_risk_date)


class TestBreachRiskIntegrity(BreachRiskCommon):
    def test_users_cannot_write_the_risk(self):
        request = self.open_request()
        self.refresh()
        risk = request.resolution_breach_risk
        as_user = request.with_user(self.user_service_manager).with_context(sla_engine=True)
        for vals in (
            {"resolution_breach_risk": 0.01},
            {"response_risk_basis": "none"},
            {"resolution_risk_alert": True},
            {"breach_risk_date": "2026-01-01 00:00:00"},
        ):
            with self.assertRaises(UserError):
                as_user.write(vals)
        with self.assertRaises(UserError):
            self.env["crm.service.request"].with_user(self.user_service).create(
                {"name": "Forged", "team_id": self.team.id, "resolution_breach_risk": 0.0}
            )
        forged = (
            self.env["crm.service.request"]
            .with_user(self.user_service)
            .with_context(default_resolution_risk_alert=True, default_breach_risk_date="2026-01-01")
            .create({"name": "Defaults", "team_id": self.team.id})
        )
        self.assertFalse(forged.resolution_risk_alert or forged.breach_risk_date)
        request.invalidate_recordset()
        self.assertEqual(request.resolution_breach_risk, risk)
        self.assertFalse(self.env["crm.service.request"].search([("name", "=", "Forged")]))

    def test_refresh_on_demand(self):
        request = self.open_request()
        with freeze_time("2026-03-30 09:00:00"):
            request.with_user(self.user_service).action_refresh_breach_risk()
        self.assertAlmostEqual(request.resolution_breach_risk, round(19 / 32, 4))
        employee = request.with_user(self.user_employee)
        with self.assertRaises(AccessError), freeze_time("2026-03-30 10:00:00"):
            employee.action_refresh_breach_risk()
        self.assertEqual(str(request.breach_risk_date), "2026-03-30 09:00:00")

    def test_risk_hidden_from_portal_and_employees(self):
        request = self.open_request()
        self.refresh()
        for user in (self.user_portal, self.user_employee):
            with self.assertRaises(AccessError):
                request.with_user(user).read(["resolution_breach_risk"])

    def test_warning_risk_between_0_and_1(self):
        for value in (-0.1, 1.5):
            with self.assertRaises(ValidationError):
                self.policy.warning_risk = value
        self.assertEqual(self.policy.warning_risk, 0.0)


class TestRiskWarning(BreachRiskCommon):
    """The escalation job warns on the share of the target or on the risk."""

    def resolution_mails(self):
        return self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", self.user_service_manager.partner_id.ids),
                ("subject", "=", "Resolution due soon"),
            ]
        )

    def run_jobs(self, when="2026-03-30 10:00:00"):
        """Both jobs at 13:00 Kyiv, after lunch: 3 working hours used."""
        self.refresh(when)
        with freeze_time(when):
            self.env["crm.service.request"]._cron_sla_escalation()

    def test_warning_on_the_risk_threshold(self):
        self.policy.warning_risk = 0.5
        request = self.open_request()
        self.run_jobs()
        # 3 of 16 hours used (far from 99 %), but a risk of 59 %
        self.assertTrue(request.resolution_risk_alert)
        self.assertTrue(request.resolution_warned)
        self.assertFalse(request.resolution_escalated)
        self.assertEqual(len(self.resolution_mails()), 1)
        self.run_jobs("2026-03-30 11:00:00")
        self.assertEqual(len(self.resolution_mails()), 1, "once")

    def test_no_warning_below_the_risk_threshold(self):
        self.policy.warning_risk = 0.9
        request = self.open_request()
        self.run_jobs()
        self.assertFalse(request.resolution_risk_alert)
        self.assertFalse(request.resolution_warned)
        self.assertFalse(self.resolution_mails())

    def test_warning_on_the_share_of_the_target(self):
        self.policy.write({"warning_percent": 10, "warning_risk": 0.99})
        request = self.open_request()
        self.run_jobs()
        # 3 of 16 hours used is past 10 %, while the risk stays below 99 %
        self.assertFalse(request.resolution_risk_alert)
        self.assertTrue(request.resolution_warned)
        self.assertEqual(len(self.resolution_mails()), 1)

    def test_risk_alert_reschedules_the_escalation_job(self):
        self.policy.warning_risk = 0.5
        self.open_request()
        cron = self.env.ref("crm_service_link.ir_cron_service_sla_escalation")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])
        self.refresh()
        self.assertTrue(Trigger.search([("cron_id", "=", cron.id)]) - before)


@tagged("post_install", "-at_install")
class TestBreachRiskRpc(HttpCase, ServiceLinkCommon):
    """An integration forging the risk over JSON-RPC is refused."""

    def test_forged_risk_over_rpc(self):
        request = self.create_request()
        for user in (self.user_service, self.user_portal):
            user.password = f"{user.login}_pw"
        calls = (
            ("svc_user", "write", [request.ids, {"resolution_breach_risk": 0.0}]),
            ("svc_user", "write", [request.ids, {"response_risk_alert": True}]),
            ("svc_user", "create", [{"name": "Forged", "resolution_risk_basis": "team"}]),
            ("svc_portal", "action_refresh_breach_risk", [request.ids]),
        )
        for login, method, args in calls:
            self.authenticate(login, f"{login}_pw")
            with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {
                        "model": "crm.service.request",
                        "method": method,
                        "args": args,
                        "kwargs": {"context": {"sla_engine": True, "su": True}},
                    },
                )
        request.invalidate_recordset()
        self.assertFalse(request.response_risk_alert or request.breach_risk_date)
        self.assertFalse(self.env["crm.service.request"].search([("name", "=", "Forged")]))
