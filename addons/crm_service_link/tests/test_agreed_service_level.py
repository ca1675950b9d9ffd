from odoo.fields import Command

from .common import HandoffCommon


class TestAgreedServiceLevel(HandoffCommon):
    """The policy agreed on a customer's accepted handoff governs its new requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy_gold.write({"response_hours": 1, "resolution_hours": 8})

    def accepted_handoff(self, policy=None, **lead_vals):
        handoff = self.submitted_handoff(**lead_vals)
        if policy:
            handoff.sla_policy_id = policy
        handoff.with_user(self.user_service).action_accept()
        return handoff

    def test_accepted_handoff_policy_governs_the_customers_requests(self):
        handoff = self.accepted_handoff()
        request = self.create_request()
        self.assertEqual(request.sla_policy_id, self.policy_gold)
        self.assertEqual(request.handoff_id, handoff)
        # a contact of the customer, created by a service user who cannot read the handoff
        request = (
            self.env["crm.service.request"]
            .with_user(self.user_service)
            .create({"name": "By contact", "contact_id": self.customer_contact.id})
        )
        self.assertEqual(request.sudo().sla_policy_id, self.policy_gold)
        self.assertEqual(request.sudo().handoff_id, handoff)
        # other customers keep the generic match
        other = self.create_request(partner_id=self.other_customer.id, contact_id=False)
        self.assertEqual(other.sla_policy_id, self.policy)
        self.assertFalse(other.handoff_id)

    def test_only_accepted_handoffs_and_fitting_policies(self):
        self.submitted_handoff()
        self.assertEqual(self.create_request().sla_policy_id, self.policy)
        team_policy = self.env["crm.service.sla.policy"].create(
            {"name": "Field only", "team_ids": [Command.link(self.team_other.id)]}
        )
        handoff = self.accepted_handoff(policy=team_policy, name="Field deal")
        request = self.create_request()
        self.assertEqual(request.sla_policy_id, self.policy, "the policy names another team")
        self.assertFalse(request.handoff_id)
        request = self.create_request(team_id=self.team_other.id)
        self.assertEqual(request.sla_policy_id, team_policy)
        self.assertEqual(request.handoff_id, handoff)
        # another company's request does not take it
        request = self.create_request(team_id=False, company_id=self.company_2.id)
        self.assertNotEqual(request.sla_policy_id, team_policy)

    def test_latest_accepted_handoff_wins(self):
        self.accepted_handoff(name="First deal")
        silver = self.env["crm.service.sla.policy"].create(
            {"name": "Silver", "response_hours": 2, "resolution_hours": 20}
        )
        latest = self.accepted_handoff(policy=silver, name="Second deal")
        latest.sudo().accepted_date = latest.accepted_date.replace(year=2099)
        request = self.create_request()
        self.assertEqual(request.sla_policy_id, silver)
        self.assertEqual(request.handoff_id, latest)

    def test_batch_create_does_not_query_per_request(self):
        self.accepted_handoff()
        Request = self.env["crm.service.request"].with_user(self.user_service)

        def count(size):
            vals_list = [
                {
                    "name": f"Batch {i}",
                    "partner_id": (self.customer if i % 2 else self.other_customer).id,
                    "team_id": self.team.id,
                }
                for i in range(size)
            ]
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            requests = Request.create(vals_list)
            self.env.flush_all()
            self.assertEqual(
                requests.sudo().filtered("handoff_id").commercial_partner_id, self.customer
            )
            return self.cr.sql_log_count - before

        count(5)  # warm the caches (models, subtypes, rules)
        # 80 more requests, not one more query each (the ORM's flush order may
        # merge or split one statement)
        self.assertLessEqual(count(100), count(20) + 1)
