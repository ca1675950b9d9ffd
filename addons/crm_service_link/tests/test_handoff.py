from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user

from .common import HandoffCommon


class TestHandoff(HandoffCommon):
    def test_won_creates_one_handoff_with_snapshot(self):
        lead = self.make_lead()
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": lead.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 3})
                ],
            }
        )
        with freeze_time("2026-03-02 10:00:00"):
            lead.with_user(self.user_salesman).action_set_won()
            self.after_commit()
        handoff = lead.service_handoff_ids
        self.assertEqual(len(handoff), 1)
        self.assertEqual(handoff.state, "draft")
        self.assertEqual(handoff.partner_id, self.customer)
        self.assertEqual(handoff.sales_user_id, self.user_salesman)
        self.assertEqual(handoff.sale_order_id, order)
        self.assertIn("24/7", handoff.snapshot_notes)
        self.assertIn(self.customer_contact, handoff.contact_line_ids.partner_id)
        self.assertEqual(handoff.product_line_ids.product_id, self.product)
        self.assertEqual(handoff.product_line_ids.quantity, 3)
        self.assertEqual(handoff.service_team_id, self.team)
        self.assertEqual(len(handoff.checklist_line_ids), 3)
        self.assertEqual(handoff.completeness, 0.0)
        self.assertEqual(lead.service_handoff_count, 1)
        # winning again does not create a second one
        lead.action_set_lost()
        lead.toggle_active()
        lead.action_set_won()
        self.after_commit()
        self.assertEqual(
            self.env["crm.service.handoff"].search_count([("lead_id", "=", lead.id)]), 1
        )

    def test_second_handoff_refused(self):
        lead = self.make_lead()
        lead.action_set_won()
        self.after_commit()
        Handoff = self.env["crm.service.handoff"]
        with self.assertRaises(ValidationError):
            Handoff.create({"name": "Again", "lead_id": lead.id})
        self.assertEqual(Handoff.search_count([("lead_id", "=", lead.id)]), 1)

    def test_deleting_won_lead_keeps_handed_over_work(self):
        Handoff = self.env["crm.service.handoff"]
        sales_manager = new_test_user(
            self.env, login="svc_sales_manager", groups="sales_team.group_sale_manager"
        )
        draft_lead = self.make_lead(name="Won by mistake")
        draft_lead.action_set_won()
        self.after_commit()
        draft = draft_lead.service_handoff_ids
        self.assertEqual(draft.state, "draft")
        draft_lead.with_user(sales_manager).unlink()
        self.assertFalse(draft.exists(), "the automatic draft handoff goes with its lead")

        lead = self.make_lead()
        lead.action_set_won()
        self.after_commit()
        handoff = lead.service_handoff_ids
        self.fill(handoff)
        handoff.action_submit()
        with self.assertRaises(UserError):
            lead.with_user(sales_manager).unlink()
        self.assertTrue(lead.exists())
        self.assertEqual(Handoff.search([("lead_id", "=", lead.id)]), handoff)

    def test_sale_order_trigger(self):
        self.company.service_handoff_trigger = "sale"
        lead = self.make_lead()
        lead.action_set_won()
        self.after_commit()
        self.assertFalse(lead.service_handoff_ids)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": lead.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        self.assertEqual(lead.service_handoff_ids.sale_order_id, order)

    def test_submit_lists_what_is_missing(self):
        lead = self.make_lead()
        lead.action_set_won()
        self.after_commit()
        handoff = lead.service_handoff_ids.with_user(self.user_salesman)
        with self.assertRaises(UserError) as error:
            handoff.action_submit()
        message = str(error.exception)
        self.assertIn("Agreed Service Level", message)
        self.assertIn("Access credentials", message)
        self.assertIn("Kick-off call planned", message)
        self.assertNotIn("Nice to have", message)
        self.assertEqual(handoff.state, "draft")
        self.assertFalse(handoff.submitted_date)

    def test_full_flow_and_lead_time(self):
        lead = self.make_lead()
        with freeze_time("2026-03-02 10:00:00"):
            lead.action_set_won()
            self.after_commit()
        handoff = lead.service_handoff_ids
        as_sales = handoff.with_user(self.user_salesman)
        self.fill(as_sales)
        self.assertEqual(handoff.completeness, 100.0)
        with freeze_time("2026-03-03 10:00:00"):
            as_sales.action_submit()
        self.assertEqual(handoff.state, "submitted")
        self.assertEqual(str(handoff.submitted_date), "2026-03-03 10:00:00")
        with self.assertRaises(AccessError):
            as_sales.action_accept()
        as_service = handoff.with_user(self.user_service)
        with self.assertRaises(UserError):
            as_service.action_return("")
        as_service.action_return("Which site first?")
        self.assertEqual(handoff.state, "returned")
        self.assertEqual(handoff.return_reason, "Which site first?")
        with freeze_time("2026-03-04 10:00:00"):
            as_sales.action_submit()
        with freeze_time("2026-03-04 22:00:00"):
            as_service.action_accept()
        self.assertEqual(handoff.state, "accepted")
        self.assertEqual(handoff.service_user_id, self.user_service)
        self.assertEqual(handoff.lead_time_days, 2.5)
        activity = handoff.commitment_ids.activity_id
        self.assertEqual(activity.user_id, self.user_service)
        self.assertEqual(str(activity.date_deadline), "2026-04-15")

    def test_accept_requires_submitted(self):
        lead = self.make_lead()
        lead.action_set_won()
        self.after_commit()
        handoff = lead.service_handoff_ids.with_user(self.user_service)
        with self.assertRaises(UserError):
            handoff.action_accept()
        self.assertEqual(handoff.state, "draft")
        self.assertFalse(handoff.accepted_date)

    def test_snapshot_is_immutable(self):
        lead = self.make_lead()
        lead.action_set_won()
        self.after_commit()
        handoff = lead.service_handoff_ids
        as_sales = handoff.with_user(self.user_salesman).with_context(service_handoff_snapshot=True)
        with self.assertRaises(UserError):
            as_sales.write({"snapshot_notes": "<p>rewritten</p>"})
        with self.assertRaises(UserError):
            as_sales.write({"partner_id": self.other_customer.id})
        self.assertEqual(handoff.partner_id, self.customer)
        self.assertIn("24/7", handoff.snapshot_notes)

    def test_return_wizard(self):
        lead = self.make_lead()
        lead.action_set_won()
        self.after_commit()
        handoff = lead.service_handoff_ids
        self.fill(handoff)
        handoff.action_submit()
        action = handoff.with_user(self.user_service).action_open_return_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_service)
            .with_context(**action["context"])
            .create({"reason": "Missing contract"})
        )
        wizard.action_confirm()
        self.assertEqual(handoff.state, "returned")

    def test_won_without_customer(self):
        lead = self.make_lead(partner_id=False)
        lead.action_set_won()
        self.after_commit()
        handoff = lead.service_handoff_ids
        self.assertEqual(len(handoff), 1)
        self.assertFalse(handoff.partner_id)
        self.assertFalse(handoff.snapshot_customer)
        with self.assertRaises(UserError) as error:
            handoff.action_submit()
        self.assertIn("Customer", str(error.exception))
