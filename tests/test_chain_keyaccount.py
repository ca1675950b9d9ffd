"""crm_keyaccount with the two other addons: the service criterion of the
ranking read from real service requests, and the one customer journey tab."""

from datetime import datetime

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL

from odoo_case import after_commit, repository_case

TODAY = "2026-06-30 12:00:00"  # window of 12 months: 2025-07-01 .. 2026-06-30


def utc(*args):
    return datetime(*args)


class ServiceFiguresCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Chain KA Second"})
        cls.service_user = new_test_user(
            cls.env, login="chain_ka_service", groups="crm_service_link.crm_service_link_group_user"
        )
        cls.ka_manager = new_test_user(
            cls.env, login="chain_ka_manager", groups="crm_keyaccount.crm_keyaccount_group_manager"
        )
        # Monday to Friday, 09:00-17:00 UTC
        calendar = cls.env["resource.calendar"].create(
            {
                "name": "Chain KA office",
                "tz": "UTC",
                "company_id": False,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 17,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        cls.team = cls.env["crm.service.team"].create(
            {
                "name": "Chain KA support",
                "sequence": 0,
                "resource_calendar_id": calendar.id,
                "member_ids": [Command.link(cls.service_user.id)],
            }
        )
        cls.env["crm.service.sla.policy"].search([]).active = False
        cls.env["crm.service.sla.policy"].create(
            {
                "name": "Chain KA 2 h / 8 h",
                "sequence": 1,
                "response_hours": 2,
                "resolution_hours": 8,
                "warning_percent": 50,
            }
        )
        cls.stage_solved = cls.env.ref("crm_service_link.crm_service_stage_solved")
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create({"name": "Chain Alpha", "is_company": True})
        cls.beta = Partner.create({"name": "Chain Beta", "is_company": True})
        cls.gamma = Partner.create({"name": "Chain Gamma", "is_company": True})
        cls.alpha_contact = Partner.create({"name": "Al Alpha", "parent_id": cls.alpha.id})
        for partner, amount in ((cls.alpha, 900.0), (cls.beta, 100.0)):
            move = cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": "2026-01-10",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
            move.action_post()
        monday = (2026, 6, 1)
        # alpha: response and resolution on time
        cls.r1 = cls._request(cls.alpha_contact, utc(*monday, 9), reply=utc(*monday, 10))
        cls._solve(cls.r1, utc(*monday, 12))
        # alpha: response late (due 11:00), resolution breached (due 17:00), a complaint
        cls.r2 = cls._request(cls.alpha, utc(*monday, 9), reply=utc(*monday, 12))
        cls.r2.with_user(cls.service_user).is_complaint = True
        # alpha: in the other company, not counted
        cls._request(cls.alpha, utc(*monday, 9), company=cls.company_2)
        # alpha: before the window, not counted
        cls._request(cls.alpha, utc(2025, 6, 2, 9), reply=utc(2025, 6, 2, 10))
        # gamma, without revenue: both targets on time, rated 2 (a complaint)
        cls.r3 = cls._request(cls.gamma, utc(*monday, 9), reply=utc(*monday, 10))
        cls._solve(cls.r3, utc(*monday, 12))
        with freeze_time(utc(*monday, 13)):
            cls.r3.rating_apply(2, token=cls.r3._rating_get_access_token())
        # beta: a request still running at the ranking, nothing decided
        cls._request(cls.beta, utc(2026, 6, 30, 11))

    @classmethod
    def _request(cls, partner, date, reply=None, company=None):
        values = {"name": f"Request of {partner.name}", "partner_id": partner.id}
        if company:
            values["company_id"] = company.id
        else:
            values["team_id"] = cls.team.id
        with freeze_time(date):
            request = cls.env["crm.service.request"].create(values | {"request_date": date})
        if reply:
            with freeze_time(reply):
                request.with_user(cls.service_user).message_post(
                    body="On it.", message_type="comment", subtype_xmlid="mail.mt_comment"
                )
        return request

    @classmethod
    def _solve(cls, request, date):
        with freeze_time(date):
            request.stage_id = cls.stage_solved


@repository_case
@freeze_time(TODAY)
class TestKeyaccountServiceFigures(ServiceFiguresCommon):
    def _rank(self):
        self.env["res.partner"].with_user(self.ka_manager)._keyaccount_recompute()

    def test_sla_statuses_of_the_data(self):
        self.assertEqual(
            (self.r1.response_sla_status, self.r1.resolution_sla_status), ("reached", "reached")
        )
        self.assertEqual(
            (self.r2.response_sla_status, self.r2.resolution_sla_status),
            ("reached_late", "breached"),
        )
        self.assertEqual(self.r3.rating_last_value, 2)

    def test_service_figures_from_real_requests(self):
        figures = self.env["crm.keyaccount.ranking"]._keyaccount_service_figures(
            self.company, datetime(2025, 7, 1).date(), datetime(2026, 6, 30).date()
        )
        self.assertEqual(figures[self.alpha.id], (4, 2, 1))
        self.assertEqual(figures[self.gamma.id], (2, 2, 1))
        self.assertNotIn(self.beta.id, figures)
        self._rank()
        alpha = self.alpha.with_user(self.ka_manager)
        self.assertEqual(alpha.keyaccount_sla_targets, 4)
        self.assertEqual(alpha.keyaccount_sla_compliance, 50.0)
        self.assertEqual(alpha.keyaccount_complaint_count, 1)
        self.assertEqual(alpha.keyaccount_service_score, 30.0)  # 50 - 20 per complaint
        # a customer without revenue gets its service figures too
        gamma = self.gamma.with_user(self.ka_manager)
        self.assertEqual(gamma.keyaccount_revenue, 0.0)
        self.assertEqual(
            (gamma.keyaccount_sla_targets, gamma.keyaccount_sla_compliance), (2, 100.0)
        )
        self.assertEqual(gamma.keyaccount_complaint_count, 1)
        # nothing decided: no compliance (empty in the figures table)
        beta = self.beta.with_user(self.ka_manager)
        self.assertEqual(beta.keyaccount_sla_targets, 0)
        row = self.env["crm.keyaccount.figure"].search(
            [("partner_id", "=", self.beta.id), ("company_id", "=", self.company.id)]
        )
        self.env.cr.execute(
            SQL("SELECT sla_compliance FROM crm_keyaccount_figure WHERE id = %s", row.id)
        )
        self.assertIsNone(self.env.cr.fetchone()[0])
        # the figures follow the field groups of the other key-account figures
        self.assertEqual(
            self.env["res.partner"]._fields["keyaccount_sla_compliance"].groups,
            self.env["res.partner"]._fields["keyaccount_score"].groups,
        )

    def test_weight_zero_keeps_weight_positive_moves_the_ranking(self):
        self._rank()
        scores = {p: p.keyaccount_score for p in (self.alpha, self.beta, self.gamma)}
        self.assertEqual(self.company.keyaccount_weight_service, 0.0)
        self._rank()
        self.assertEqual({p: p.keyaccount_score for p in scores}, scores)
        self.company.keyaccount_weight_service = 100.0
        self._rank()
        moved = {p: p.keyaccount_score for p in scores}
        # gamma (service 80) climbs above beta (service 0), alpha (30) drops
        self.assertGreater(moved[self.gamma], scores[self.gamma])
        self.assertLess(moved[self.alpha], scores[self.alpha])
        self.assertGreater(moved[self.gamma], moved[self.beta])
        self.assertLess(scores[self.gamma], scores[self.beta])

    def test_dashboard_shows_the_key_accounts_sla_compliance(self):
        title = self.env.ref("crm_keyaccount.crm_keyaccount_title_key")
        (self.alpha | self.gamma).write({"keyaccount_title_id": title.id})
        self._rank()
        dashboard = self.env["crm.keyaccount.dashboard"].with_user(self.ka_manager)
        figures = {f["key"]: f["value"] for f in dashboard.get_dashboard_data()["figures"]}
        # alpha: 2 of its 4 decided targets on time, gamma: 2 of 2; beta is no key account
        self.assertEqual(figures["sla"], "66.7 %")
        action = dashboard.get_dashboard_action("sla")
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.alpha | self.gamma)

    def test_complaints_shown_as_evidence(self):
        question = self.env.ref("crm_keyaccount.crm_keyaccount_question_annoy")
        question.evidence = "complaints"
        assessment = self.env["crm.keyaccount.assessment"].create({"partner_id": self.alpha.id})
        answer = assessment.answer_ids.filtered(lambda a: a.question_id == question)
        self.assertEqual(answer.evidence, "1 complaint(s)")


@repository_case
class TestKeyaccountJourneyChain(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Journey Chain Corp", "is_company": True, "email": "j@chain.example"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jo Journey", "parent_id": cls.customer.id, "email": "jo@chain.example"}
        )
        cls.campaign = cls.env["utm.campaign"].create({"name": "Journey webinar"})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Journey deal",
                "type": "opportunity",
                "partner_id": cls.contact.id,
                "campaign_id": cls.campaign.id,
                "expected_revenue": 5000.0,
            }
        )
        cls.lead.action_set_won()
        after_commit(cls.env)
        cls.request = cls.env["crm.service.request"].create(
            {"name": "Journey request", "partner_id": cls.customer.id}
        )
        assessment = cls.env["crm.keyaccount.assessment"].create({"partner_id": cls.customer.id})
        for answer in assessment.answer_ids:
            answer.value = 3
        assessment.action_done()
        cls.assessment = assessment

    def test_events_of_every_addon_once(self):
        events = self.customer._customer_journey_events()
        models = {event["model"] for event in events}
        self.assertLessEqual(
            {"crm.lead", "crm.keyaccount.assessment", "crm.service.request"}, models
        )
        self.assertTrue(
            {"crm.campaign.touch", "crm.service.handoff"} & models
            or any(e["key"][2] not in ("created", "won", "lost", "done") for e in events),
            "touches and handoffs of the other addons are listed",
        )
        html = str(self.customer.customer_journey_html)
        table = etree.fromstring(html)
        rows = table.xpath("//tbody/tr")
        # the opportunity events are emitted by each addon, listed once
        unique = {event["key"] for event in events}
        self.assertEqual(len(rows), len(unique))
        won = [r for r in rows if r.xpath("string(td[2])") == "Opportunity won"]
        self.assertEqual(len(won), 1)
        self.assertIn(f"/odoo/crm.lead/{self.lead.id}", html)
        self.assertIn(f"/odoo/crm.service.request/{self.request.id}", html)
        self.assertIn(f"/odoo/crm.keyaccount.assessment/{self.assessment.id}", html)

    def test_tab_once_in_the_form(self):
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        pages = etree.fromstring(arch).xpath("//page[@name='customer_journey']")
        self.assertEqual(len(pages), 1)

    def test_constant_queries_for_10000_events(self):
        def render():
            self.env.invalidate_all()
            return self.customer.customer_journey_html

        render()
        with self.assertQueryCount(self._journey_queries()) as _count:
            render()
        # 5,000 opportunities (created and won or lost): 10,000 events more
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_lead (name, type, partner_id, active, probability,
                                      date_closed, create_date, write_date)
                SELECT 'Bulk ' || n, 'opportunity', %s, mod(n, 2) = 0,
                       CASE WHEN mod(n, 2) = 0 THEN 100 ELSE 0 END,
                       now() - n * interval '1 minute', now() - n * interval '1 hour', now()
                  FROM generate_series(1, 5000) AS n
                """,
                self.customer.id,
            )
        )
        with self.assertQueryCount(self._journey_queries()):
            html = render()
        self.assertGreaterEqual(str(html).count("<tr>"), 10_000)

    def _journey_queries(self):
        """Queries of one journey rendering, measured on the small portfolio."""
        if not hasattr(self, "_queries"):
            self.env.invalidate_all()
            self.customer.customer_journey_html  # noqa: B018 (warm the caches)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.customer.customer_journey_html  # noqa: B018
            self._queries = self.env.cr.sql_log_count - before
        return self._queries
