"""crm_service_link with the other two addons: the agreed service level of an
accepted handoff governs the customer's requests, a deal born won gets its
handoff, and the customer journey shows handoffs and requests once."""

import select

import psycopg2

from odoo import sql_db
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.crm_campaign_roi.tools import job_wake as roi_wake
from odoo.addons.crm_service_link.tools import job_wake as service_wake

from odoo_case import after_commit, repository_case


@repository_case
class TestChainService(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="chain_svc_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.agent = new_test_user(
            cls.env, login="chain_svc_agent", groups="crm_service_link.crm_service_link_group_user"
        )
        cls.manager = new_test_user(
            cls.env,
            login="chain_svc_manager",
            groups="crm_service_link.crm_service_link_group_manager,sales_team.group_sale_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Chain Service Ltd", "is_company": True, "email": "info@chainsvc.example"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Taras Chain", "parent_id": cls.customer.id, "email": "taras@chainsvc.example"}
        )
        cls.other = cls.env["res.partner"].create({"name": "Other Chain", "is_company": True})
        cls.env["crm.service.sla.policy"].search([]).active = False
        cls.team = cls.env["crm.service.team"].create(
            {
                "name": "Chain service desk",
                "sequence": 0,
                "member_ids": [Command.link(cls.agent.id)],
            }
        )
        cls.generic = cls.env["crm.service.sla.policy"].create(
            {"name": "Chain generic", "sequence": 1, "response_hours": 8, "resolution_hours": 40}
        )
        cls.agreed = cls.env["crm.service.sla.policy"].create(
            {"name": "Chain agreed", "sequence": 50, "response_hours": 1, "resolution_hours": 8}
        )
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)

    def born_won_lead(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Chain service deal",
                    "type": "opportunity",
                    "partner_id": self.contact.id,
                    "user_id": self.salesman.id,
                    "stage_id": self.won_stage.id,
                    "probability": 100,
                }
            )
        )
        after_commit(self.env)
        return lead

    def accept(self, handoff):
        handoff.with_user(self.salesman).write({"sla_policy_id": self.agreed.id})
        handoff.checklist_line_ids.filtered("required").write({"done": True})
        handoff.with_user(self.salesman).action_submit()
        handoff.with_user(self.agent).action_accept()

    def test_born_won_deal_to_agreed_service_level(self):
        lead = self.born_won_lead()
        handoff = self.env["crm.service.handoff"].search([("lead_id", "=", lead.id)])
        self.assertEqual(len(handoff), 1, "a deal born won gets exactly one handoff")
        lead.action_set_won()
        after_commit(self.env)
        self.assertEqual(
            self.env["crm.service.handoff"].search_count([("lead_id", "=", lead.id)]), 1
        )
        self.accept(handoff)
        Request = self.env["crm.service.request"].with_user(self.agent)
        requests = Request.create(
            [
                {"name": "Chain outage", "contact_id": self.contact.id, "team_id": self.team.id},
                {"name": "Other outage", "partner_id": self.other.id, "team_id": self.team.id},
            ]
        )
        mine, others = requests.sudo()
        self.assertEqual(mine.sla_policy_id, self.agreed)
        self.assertEqual(mine.handoff_id, handoff)
        self.assertEqual(others.sla_policy_id, self.generic)
        self.assertFalse(others.handoff_id)

    def test_journey_shows_handoffs_and_requests_once(self):
        lead = self.born_won_lead()
        handoff = lead.sudo().service_handoff_ids
        self.accept(handoff)
        request = (
            self.env["crm.service.request"]
            .with_user(self.agent)
            .create({"name": "Chain journey", "contact_id": self.contact.id})
        )
        partner = self.customer.with_user(self.manager)
        events = partner._customer_journey_events()
        keys = [event["key"] for event in events]
        for code in ("handoff_created", "handoff_submitted", "handoff_accepted"):
            self.assertIn(("crm.service.handoff", handoff.id, code), keys)
        self.assertIn(("crm.service.request", request.id, "request"), keys)
        # every installed addon emits the opportunity's events: the tab lists them once
        self.assertGreater(keys.count(("crm.lead", lead.id, "won")), 1)
        html = str(partner.customer_journey_html)
        self.assertEqual(html.count(f'href="/odoo/crm.lead/{lead.id}"'), 2)  # created, won
        self.assertEqual(html.count(f'href="/odoo/crm.service.request/{request.id}"'), 1)
        self.assertEqual(html.count(f'href="/odoo/crm.service.handoff/{handoff.id}"'), 3)
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertEqual(arch.count('name="customer_journey"'), 1)

    def test_one_win_wakes_both_jobs_at_once(self):
        """The handoff job and the attribution job that a win wakes are woken
        together after its commit: one statement writes both triggers, and
        the cron workers get one notification."""
        self.assertEqual(roi_wake.WAKES_KEY, service_wake.WAKES_KEY)
        jobs = self.env.ref("crm_service_link.ir_cron_service_handoff_pending") | self.env.ref(
            "crm_campaign_roi.ir_cron_attribution_pending"
        )
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "in", jobs.ids)])
        lead = self.env["crm.lead"].create(
            {
                "name": "Chain both jobs",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "campaign_id": self.env["utm.campaign"].create({"name": "Chain wake"}).id,
            }
        )
        self.env.flush_all()
        postcommit = self.env.cr.postcommit
        postcommit.clear()
        lead.with_user(self.salesman).action_set_won()
        self.assertEqual(
            postcommit.data[service_wake.WAKES_KEY],
            {
                "crm_service_link.ir_cron_service_handoff_pending",
                "crm_campaign_roi.ir_cron_attribution_pending",
            },
        )
        self.assertEqual(len(postcommit._funcs), 1, "one wake for both jobs")
        self.env.flush_all()
        listener = psycopg2.connect(**sql_db.connection_info_for("postgres")[1])
        listener.autocommit = True
        try:
            listener.cursor().execute("LISTEN cron_trigger")
            # the post-commit step, as after a real commit, in a cursor of
            # its own (test mode: the same transaction)
            self.registry.enter_test_mode(self.env.cr)
            try:
                postcommit.run()
            finally:
                self.registry.leave_test_mode()
            payloads = []
            for _attempt in range(10):
                select.select([listener], [], [], 0.1)
                listener.poll()
                payloads += [note.payload for note in listener.notifies]
                listener.notifies.clear()
        finally:
            listener.close()
        self.assertEqual(payloads, [self.env.cr.dbname], "one notification")
        woken = Trigger.search([("cron_id", "in", jobs.ids)]) - before
        self.assertEqual(woken.cron_id, jobs)
        self.assertEqual(len(woken), 2)
