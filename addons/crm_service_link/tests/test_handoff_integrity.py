import base64

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command

from .common import HandoffCommon

FORGED = {"service_handoff_snapshot": True}


class TestHandoffSnapshot(HandoffCommon):
    """What sales knew at the win does not change, whatever the caller sends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Snapshot deal",
                "type": "opportunity",
                "partner_id": cls.customer_contact.id,
                "user_id": cls.user_salesman.id,
                "description": "<p>Needs 24/7 support</p>",
                "expected_revenue": 12000,
            }
        )
        cls.lead_file = cls.env["ir.attachment"].create(
            {
                "name": "contract.txt",
                "raw": b"signed contract",
                "res_model": "crm.lead",
                "res_id": cls.lead.id,
            }
        )
        cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "opportunity_id": cls.lead.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 3})
                ],
            }
        )
        cls.lead.action_set_won()
        cls.after_commit()
        cls.handoff = cls.lead.service_handoff_ids
        cls.as_sales = cls.handoff.with_user(cls.user_salesman).with_context(**FORGED)

    def snapshot(self):
        handoff = self.handoff
        handoff.invalidate_recordset()
        return (
            handoff.partner_id,
            handoff.snapshot_notes,
            handoff.snapshot_expected_revenue,
            handoff.won_date,
            handoff.sales_user_id,
            handoff.lead_id,
            handoff.attachment_ids,
            [(c.partner_id, c.role) for c in handoff.contact_line_ids],
            [(p.name, p.quantity) for p in handoff.product_line_ids],
        )

    def test_salesman_cannot_rewrite_the_snapshot_with_the_context_key(self):
        before = self.snapshot()
        contact = self.handoff.contact_line_ids[0]
        product = self.handoff.product_line_ids[0]
        for vals in (
            {"partner_id": self.other_customer.id},
            {"snapshot_notes": "<p>rewritten</p>"},
            {"snapshot_expected_revenue": 1.0},
            {"won_date": "2020-01-01 00:00:00"},
            {"sales_user_id": self.user_salesman_2.id},
            {"lead_id": self.make_lead(name="Other").id},
            {"attachment_ids": [Command.clear()]},
            {"contact_line_ids": [Command.update(contact.id, {"role": "Nobody"})]},
            {"contact_line_ids": [Command.create({"partner_id": self.other_customer.id})]},
            {"contact_line_ids": [Command.delete(contact.id)]},
            {"product_line_ids": [Command.update(product.id, {"quantity": 300})]},
            {"product_line_ids": [Command.create({"name": "Free gift"})]},
            {"product_line_ids": [Command.delete(product.id)]},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self.as_sales.write(vals)
        self.assertEqual(self.snapshot(), before)

    def test_snapshot_lines_are_read_only(self):
        before = self.snapshot()
        product = self.handoff.product_line_ids.with_user(self.user_salesman).with_context(**FORGED)
        contact = self.handoff.contact_line_ids.with_user(self.user_salesman).with_context(**FORGED)
        for call in (
            lambda: product.write({"quantity": 300}),
            lambda: product.unlink(),
            lambda: product.create({"handoff_id": self.handoff.id, "name": "Free gift"}),
            lambda: contact.write({"role": "Nobody"}),
            lambda: contact.unlink(),
        ):
            with self.assertRaises(AccessError):
                call()
        self.assertEqual(self.snapshot(), before)

    def test_attachments_are_copied(self):
        copy = self.handoff.attachment_ids
        self.assertEqual(len(copy), 1)
        self.assertNotEqual(copy, self.lead_file)
        self.assertEqual((copy.res_model, copy.res_id), ("crm.service.handoff", self.handoff.id))
        self.assertEqual(copy.raw, b"signed contract")
        # the opportunity's file changes, then goes: the copy stays as it was
        self.lead_file.with_user(self.user_salesman).write(
            {"datas": base64.b64encode(b"rewritten")}
        )
        self.lead_file.with_user(self.user_salesman).unlink()
        copy.invalidate_recordset()
        self.assertTrue(copy.exists())
        self.assertEqual(copy.raw, b"signed contract")
        # the copy itself is part of the snapshot
        as_sales = copy.with_user(self.user_salesman).with_context(**FORGED)
        as_sales.read(["name"])
        with self.assertRaises(UserError):
            as_sales.write({"datas": base64.b64encode(b"rewritten")})
        with self.assertRaises(UserError):
            as_sales.unlink()
        self.assertEqual(copy.raw, b"signed contract")


class TestHandoffPreparation(HandoffCommon):
    """Sales add what service needs while preparing; then it is frozen."""

    def test_sales_edit_their_part_until_submission(self):
        handoff = self.won_handoff()
        as_sales = handoff.with_user(self.user_salesman).with_context(**FORGED)
        as_sales.write({"competitors": "ACME", "handoff_notes": "<p>Call first</p>"})
        self.fill(as_sales)
        as_sales.action_submit()
        commitment = as_sales.commitment_ids
        line = as_sales.checklist_line_ids[0]
        for call in (
            lambda: as_sales.write({"competitors": "Nobody"}),
            lambda: as_sales.write({"handoff_notes": False}),
            lambda: as_sales.write({"sla_policy_id": self.policy.id}),
            lambda: as_sales.write({"service_team_id": self.team_other.id}),
            lambda: commitment.write({"due_date": "2099-01-01"}),
            lambda: commitment.unlink(),
            lambda: commitment.create(
                {"handoff_id": handoff.id, "name": "More", "due_date": "2099-01-01"}
            ),
            lambda: line.write({"done": False}),
        ):
            with self.assertRaises(UserError):
                call()
        handoff.invalidate_recordset()
        self.assertEqual(handoff.competitors, "ACME")
        self.assertEqual(handoff.sla_policy_id, self.policy_gold)
        self.assertEqual(handoff.service_team_id, self.team)
        self.assertEqual(len(handoff.commitment_ids), 1)
        self.assertTrue(line.done)

    def test_service_assigns_the_owner_but_not_the_sales_part(self):
        handoff = self.submitted_handoff()
        as_service = handoff.with_user(self.user_service).with_context(**FORGED)
        as_service.write({"service_user_id": self.user_service.id})
        self.assertEqual(handoff.service_user_id, self.user_service)
        with self.assertRaises(AccessError):
            as_service.write({"competitors": "ACME"})
        with self.assertRaises(AccessError):
            handoff.with_user(self.user_salesman).write({"service_user_id": False})
        self.assertFalse(handoff.competitors)
        self.assertEqual(handoff.service_user_id, self.user_service)

    def test_refresh_from_the_opportunity(self):
        handoff = self.won_handoff(partner_id=False)
        as_sales = handoff.with_user(self.user_salesman)
        self.assertFalse(handoff.partner_id)
        with self.assertRaises(UserError) as error:
            as_sales.action_submit()
        self.assertIn("Customer", str(error.exception))
        self.assertIn("Refresh from the opportunity", str(error.exception))
        handoff.lead_id.partner_id = self.customer_contact
        with self.assertRaises(AccessError):
            handoff.with_user(self.user_service).action_refresh_snapshot()
        self.assertFalse(handoff.partner_id)
        as_sales.with_context(default_partner_id=self.other_customer.id).action_refresh_snapshot()
        self.assertEqual(handoff.partner_id, self.customer)
        self.assertIn(self.customer_contact, handoff.contact_line_ids.partner_id)
        self.fill(as_sales)
        as_sales.action_submit()
        self.assertEqual(handoff.state, "submitted")
        with self.assertRaises(UserError):
            as_sales.action_refresh_snapshot()

    def test_missing_items_are_translated(self):
        self.env["res.lang"]._activate_lang("uk_UA")
        self.env["ir.module.module"]._load_module_terms(["crm_service_link"], ["uk_UA"])
        handoff = self.won_handoff(partner_id=False)
        with self.assertRaises(UserError) as error:
            handoff.with_user(self.user_salesman).with_context(lang="uk_UA").action_submit()
        self.assertIn("Оновити з угоди", str(error.exception))
        self.assertEqual(handoff.state, "draft")


class TestHandoffWorkflow(HandoffCommon):
    """State and timestamps move only through the actions."""

    def test_workflow_fields_refused_in_write(self):
        handoff = self.won_handoff()
        for user in (self.user_salesman, self.user_service, self.user_service_manager):
            as_user = handoff.with_user(user).with_context(**FORGED)
            for vals in (
                {"state": "accepted"},
                {"submitted_date": "2026-03-03 10:00:00"},
                {"accepted_date": "2026-03-03 10:00:00"},
                {"return_reason": "Forged"},
                {"lead_time_days": 0.1},
                {"completeness": 100.0},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaises(UserError):
                        as_user.write(vals)
        handoff.invalidate_recordset()
        self.assertEqual(handoff.state, "draft")
        self.assertFalse(handoff.submitted_date or handoff.accepted_date or handoff.return_reason)
        self.assertEqual(handoff.completeness, 0.0)

    def test_actions_check_who_calls(self):
        handoff = self.won_handoff()
        self.fill(handoff.with_user(self.user_salesman))
        with self.assertRaises(AccessError):
            handoff.with_user(self.user_service).action_submit()
        self.assertEqual(handoff.state, "draft")
        handoff.with_user(self.user_salesman).action_submit()
        with self.assertRaises(AccessError):
            handoff.with_user(self.user_salesman).action_accept()
        with self.assertRaises(AccessError):
            handoff.with_user(self.user_salesman).action_return("No")
        # a service user of another team does not see it
        with self.assertRaises(AccessError):
            handoff.with_user(self.user_service_other).action_accept()
        self.assertEqual(handoff.state, "submitted")
        self.assertFalse(handoff.accepted_date)


class TestHandoffChecklist(HandoffCommon):
    def test_required_comes_from_the_team_item(self):
        handoff = self.won_handoff()
        line = handoff.checklist_line_ids.filtered("required")[0]
        as_sales = line.with_user(self.user_salesman).with_context(**FORGED)
        for vals in ({"required": False}, {"name": "Renamed"}, {"handoff_id": False}):
            with self.assertRaises(UserError):
                as_sales.write(vals)
        with self.assertRaises(AccessError):
            as_sales.create({"handoff_id": handoff.id, "name": "Optional", "required": False})
        # even the system takes the requirement from the item
        item = line.item_id
        created = self.env["crm.service.handoff.checklist.line"].create(
            {"handoff_id": handoff.id, "item_id": item.id, "name": "Other", "required": False}
        )
        self.assertEqual((created.name, created.required), (item.name, True))
        line.invalidate_recordset()
        self.assertTrue(line.required)

    def test_submitted_checklist_is_kept(self):
        handoff = self.submitted_handoff()
        lines = handoff.checklist_line_ids
        names = lines.mapped("name")
        with self.assertRaises(AccessError):
            lines.with_user(self.user_salesman).unlink()
        with self.assertRaises(UserError):
            lines.unlink()
        # a team change of a submitted handoff keeps its checklist
        handoff.with_user(self.user_service).write({"service_team_id": self.team_other.id})
        self.assertEqual(handoff.service_team_id, self.team_other)
        self.assertEqual(handoff.checklist_line_ids, lines)
        self.team.checklist_item_ids.write({"required": False, "name": "Changed"})
        lines.invalidate_recordset()
        self.assertEqual(lines.mapped("name"), names)
        self.assertEqual(handoff.completeness, 100.0)
        self.assertEqual(lines.filtered("required").mapped("done"), [True, True])
