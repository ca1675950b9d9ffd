from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import new_test_user

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .common import HandoffCommon


class TestCustomerReply(HandoffCommon):
    def customer_reply(self, request):
        return request.with_user(self.user_portal).message_post(
            body="Here is the log file.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def test_paused_request_whose_policy_no_longer_matches(self):
        with freeze_time("2026-03-27 15:00:00"):
            # from the portal: no team
            request = self.create_request(team_id=False, stage_id=self.stage_progress.id)
            self.assertEqual(request.sla_policy_id, self.policy)
        with freeze_time("2026-03-30 07:00:00"):
            request.stage_id = self.stage_waiting
            self.assertTrue(request.sla_pause_start)
            # the policy now serves another team only: the request matches none
            self.policy.team_ids = [Command.link(self.team_other.id)]
            self.policy_gold.active = False
            request.with_user(self.user_service).priority = "2"
            self.assertFalse(request.sla_policy_id)
        with freeze_time("2026-03-30 12:00:00"):
            message = self.customer_reply(request)
        self.assertTrue(message.exists())
        self.assertIn(message, request.message_ids)
        self.assertFalse(request.sla_pause_start)
        self.assertEqual(request.stage_id, self.stage_progress)
        self.assertFalse(request.response_deadline)

    def test_paused_request_whose_policy_is_deleted(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request(team_id=False, stage_id=self.stage_progress.id)
        with freeze_time("2026-03-30 07:00:00"):
            request.stage_id = self.stage_waiting
            self.policy.unlink()
        with freeze_time("2026-03-30 12:00:00"):
            message = self.customer_reply(request)
        self.assertIn(message, request.message_ids)
        self.assertEqual(request.stage_id, self.stage_progress)

    def test_reply_never_recloses_a_reopened_request(self):
        with freeze_time("2026-03-27 15:00:00"):
            request = self.create_request(stage_id=self.stage_progress.id)
        with freeze_time("2026-03-30 07:00:00"):
            request.with_user(self.user_service).stage_id = self.stage_solved
            self.assertTrue(request.resolved_date)
            # reopened: waiting on the customer's answer
            request.with_user(self.user_service).stage_id = self.stage_waiting
            self.assertFalse(request.resolved_date)
        with freeze_time("2026-03-30 08:00:00"):
            self.customer_reply(request)
        self.assertFalse(request.is_closed)
        self.assertFalse(request.resolved_date)
        self.assertFalse(request.sla_pause_start)


class TestConfirmOtherSalesmansDeal(HandoffCommon):
    def test_salesman_confirms_order_of_an_opportunity_he_cannot_read(self):
        self.company.service_handoff_trigger = "sale"
        lead = self.make_lead(user=self.user_salesman_2)
        lead.action_set_won()
        self.after_commit()
        self.assertFalse(lead.service_handoff_ids)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.user_salesman.id,
                "opportunity_id": lead.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        salesman = order.with_user(self.user_salesman)
        self.assertFalse(lead.with_user(self.user_salesman).has_access("read"))
        self.env.invalidate_all()  # as over RPC: nothing read by the test in the cache
        salesman.action_confirm()
        self.assertEqual(order.state, "sale")
        handoff = lead.service_handoff_ids
        self.assertEqual(len(handoff), 1)
        self.assertEqual(handoff.sale_order_id, order)
        self.assertEqual(handoff.sales_user_id, self.user_salesman_2)
        self.assertEqual(handoff.state, "draft")


class TestDeleteOpportunity(HandoffCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the lowest group that deletes opportunities
        cls.sales_manager = new_test_user(
            cls.env, login="svc_sales_mgr", groups="sales_team.group_sale_manager"
        )

    def test_entered_work_refuses_the_delete(self):
        Handoff = self.env["crm.service.handoff"]
        for vals in (
            {"competitors": "ACME"},
            {"handoff_notes": "<p>Call first</p>"},
            {"sla_policy_id": None},
            {"commitment_ids": None},
            {"done": True},
        ):
            with self.subTest(vals=list(vals)):
                handoff = self.won_handoff()
                as_sales = handoff.with_user(self.user_salesman)
                if "done" in vals:
                    as_sales.checklist_line_ids[0].done = True
                elif "commitment_ids" in vals:
                    as_sales.commitment_ids = [
                        Command.create({"name": "Visit", "due_date": "2099-01-01"})
                    ]
                elif "sla_policy_id" in vals:
                    as_sales.sla_policy_id = self.policy_gold
                else:
                    as_sales.write(vals)
                lead = handoff.lead_id
                with self.assertRaises(UserError) as error:
                    lead.with_user(self.sales_manager).unlink()
                self.assertIn("Archive", str(error.exception))
                self.assertTrue(lead.exists())
                self.assertEqual(Handoff.search([("lead_id", "=", lead.id)]), handoff)
                lead.with_user(self.user_salesman).action_archive()
                self.assertFalse(lead.active)

    def test_database_cascade_for_the_uninstall(self):
        self.env.cr.execute(
            """
            SELECT confdeltype FROM pg_constraint
             WHERE conrelid = 'crm_service_handoff'::regclass
               AND contype = 'f' AND conkey = ARRAY[(
                   SELECT attnum FROM pg_attribute
                    WHERE attrelid = 'crm_service_handoff'::regclass AND attname = 'lead_id'
               )]::smallint[]
            """
        )
        self.assertEqual(self.env.cr.fetchone()[0], "c")
        handoff = self.submitted_handoff()
        lead = handoff.lead_id
        # as the uninstall does it: the ondelete hook is skipped, the database cascades
        lead.with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()
        self.assertFalse(handoff.exists())
        # still one handoff per opportunity, in the database too
        self.env.cr.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = 'crm_service_handoff_lead_uniq'"
        )
        self.assertTrue(self.env.cr.fetchone())
