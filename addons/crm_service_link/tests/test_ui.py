from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestServiceLinkUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="tour_salesman",
            groups="sales_team.group_sale_salesman",
            name="Tour Salesman",
        )
        cls.service_manager = new_test_user(
            cls.env,
            login="tour_service_manager",
            groups="crm_service_link.crm_service_link_group_manager",
            name="Tour Service Manager",
        )
        cls.team = cls.env["crm.service.team"].create(
            {
                "name": "Tour Support",
                "sequence": 0,
                "manager_id": cls.service_manager.id,
                "checklist_item_ids": [
                    Command.create({"name": "Signed contract", "required": True}),
                    Command.create({"name": "Kick-off call", "required": True}),
                ],
            }
        )
        cls.env["crm.service.sla.policy"].create({"name": "Tour Gold"})
        cls.customer = cls.env["res.partner"].create({"name": "Tour Customer", "is_company": True})
        contact = cls.env["res.partner"].create(
            {"name": "Tour Contact", "parent_id": cls.customer.id, "email": "contact@tour.example"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="tour_portal",
            groups="base.group_portal",
            partner_id=contact.id,
            email="contact@tour.example",
        )
        cls.agent = new_test_user(
            cls.env,
            login="tour_agent",
            groups="crm_service_link.crm_service_link_group_user",
            name="Tour Agent",
        )
        cls.team.member_ids = [Command.link(cls.agent.id)]

    def test_handoff_tour(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour deal",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
            }
        )
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "crm_service_link_handoff_submit_tour",
            login="tour_salesman",
        )
        handoff = lead.service_handoff_ids
        self.assertEqual(len(handoff), 1)
        self.assertEqual(handoff.state, "submitted")
        self.assertEqual(handoff.service_team_id, self.team)
        self.assertEqual(handoff.sla_policy_id.name, "Tour Gold")
        self.assertEqual(handoff.completeness, 100.0)
        self.start_tour(
            f"/odoo/action-crm_service_link.crm_service_handoff_action/{handoff.id}",
            "crm_service_link_handoff_accept_tour",
            login="tour_service_manager",
        )
        self.assertEqual(handoff.state, "accepted")
        self.assertTrue(handoff.accepted_date)
        self.assertEqual(handoff.service_user_id, self.service_manager)

    def test_portal_request_tour(self):
        self.start_tour(
            "/my/service-requests", "crm_service_link_portal_request_tour", login="tour_portal"
        )
        request = self.env["crm.service.request"].search([("name", "=", "Printer on fire")])
        self.assertEqual(len(request), 1)
        self.assertEqual(request.channel, "portal")
        self.assertEqual(request.partner_id, self.customer)
        self.assertEqual(request.contact_id, self.portal_user.partner_id)
        self.assertFalse(request.first_response_date)
        request.team_id = self.team
        self.start_tour(
            f"/odoo/action-crm_service_link.crm_service_request_action/{request.id}",
            "crm_service_link_agent_answer_tour",
            login="tour_agent",
        )
        self.assertTrue(request.first_response_date)
        self.assertEqual(request.response_sla_status, "reached")
        self.assertIn(self.portal_user.partner_id, request.message_partner_ids)

    def test_sla_glance_tour(self):
        """The request's header shows each target's status, deadline and time left."""
        self.env["crm.service.sla.policy"].search([]).active = False
        policy = self.env["crm.service.sla.policy"].create(
            {"name": "Tour Standard", "response_hours": 4, "resolution_hours": 16}
        )
        request = self.env["crm.service.request"].create(
            {"name": "Glance request", "partner_id": self.customer.id, "team_id": self.team.id}
        )
        self.assertEqual(request.sla_policy_id, policy)
        self.start_tour(
            "/odoo/action-crm_service_link.crm_service_request_action",
            "crm_service_link_sla_glance_tour",
            login="tour_agent",
        )
        self.assertEqual(request.response_sla_status, "ongoing")
        self.assertEqual(request.sla_next_deadline, request.response_deadline)
