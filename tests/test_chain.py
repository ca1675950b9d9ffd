"""The three addons together: campaign touches -> won deal -> handoff ->
service request on one customer, with an SLA policy that targets key
accounts by domain."""

from freezegun import freeze_time

from odoo.tests import TransactionCase, new_test_user

from odoo_case import after_commit, repository_case


@repository_case
class TestSalesToServiceChain(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="chain_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Chain Industries", "is_company": True, "email": "info@chain.example"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Olena Chain", "parent_id": cls.customer.id, "email": "olena@chain.example"}
        )
        cls.campaign = cls.env["utm.campaign"].create({"name": "Chain webinar"})
        cls.key_title = cls.env["crm.keyaccount.title"].create(
            {"name": "Chain Key", "sequence": 99, "min_score": 99}
        )
        cls.team = cls.env["crm.service.team"].create({"name": "Chain support"})
        cls.key_policy = cls.env["crm.service.sla.policy"].create(
            {
                "name": "Key accounts: 2 h response",
                "sequence": 1,
                "team_ids": [(6, 0, cls.team.ids)],
                "partner_domain": "[('keyaccount_title_id', '!=', False)]",
                "response_hours": 2,
                "resolution_hours": 16,
                "warning_percent": 75,
            }
        )
        cls.standard_policy = cls.env["crm.service.sla.policy"].create(
            {
                "name": "Standard: 8 h response",
                "sequence": 2,
                "team_ids": [(6, 0, cls.team.ids)],
                "response_hours": 8,
                "resolution_hours": 40,
                "warning_percent": 75,
            }
        )

    def test_campaign_to_service_request_on_one_customer(self):
        with freeze_time("2026-03-02 10:00:00"):
            lead = (
                self.env["crm.lead"]
                .with_user(self.salesman)
                .create(
                    {
                        "name": "Chain: 40 seats",
                        "type": "opportunity",
                        "partner_id": self.contact.id,
                        "campaign_id": self.campaign.id,
                        "expected_revenue": 12000.0,
                        "user_id": self.salesman.id,
                    }
                )
            )
        touches = self.env["crm.campaign.touch"].search([("lead_id", "=", lead.id)])
        self.assertTrue(touches, "a lead carrying a campaign records a touch")
        self.assertEqual(touches.partner_id, self.customer)

        with freeze_time("2026-04-15 10:00:00"):
            lead.with_user(self.salesman).action_set_won()
            after_commit(self.env)

        lines = self.env["crm.campaign.attribution"].search(
            [("lead_id", "=", lead.id), ("attribution_model", "=", "linear")]
        )
        self.assertEqual(lines.campaign_id, self.campaign)
        self.assertAlmostEqual(sum(lines.mapped("amount")), 12000.0, places=2)

        handoff = self.env["crm.service.handoff"].search([("lead_id", "=", lead.id)])
        self.assertEqual(len(handoff), 1, "winning creates exactly one handoff")
        self.assertEqual(handoff.partner_id.commercial_partner_id, self.customer)

        request = self.env["crm.service.request"].create(
            {
                "name": "Seats not activated",
                "partner_id": self.contact.id,
                "team_id": self.team.id,
                "handoff_id": handoff.id,
            }
        )
        self.assertEqual(request.sla_policy_id, self.standard_policy)

        # The customer becomes a key account: its next request gets the
        # key-account policy through the policy's partner domain.
        self.customer.keyaccount_title_id = self.key_title
        self.assertEqual(self.contact.keyaccount_title_id, self.key_title)
        key_request = self.env["crm.service.request"].create(
            {"name": "Training request", "partner_id": self.contact.id, "team_id": self.team.id}
        )
        self.assertEqual(key_request.sla_policy_id, self.key_policy)
        self.assertTrue(key_request.response_deadline)

    def test_service_user_gets_the_key_account_policy(self):
        """The policy's partner domain names a key-account field that a service
        user may not read: the matching still applies it."""
        agent = new_test_user(
            self.env,
            login="chain_agent",
            groups="crm_service_link.crm_service_link_group_user",
        )
        self.team.member_ids = [(4, agent.id)]
        self.customer.keyaccount_title_id = self.key_title
        request = (
            self.env["crm.service.request"]
            .with_user(agent)
            .create(
                {
                    "name": "Seats not activated",
                    "partner_id": self.contact.id,
                    "team_id": self.team.id,
                }
            )
        )
        self.assertEqual(request.sla_policy_id, self.key_policy)
        self.assertTrue(request.response_deadline)
