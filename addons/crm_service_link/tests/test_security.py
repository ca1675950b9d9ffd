from odoo.exceptions import AccessError, UserError
from odoo.fields import Command

from .common import HandoffCommon


class TestPermissionMatrix(HandoffCommon):
    """Every model x every group x create/read/write/unlink."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request = cls.env["crm.service.request"].create(
            {"name": "Visible", "partner_id": cls.customer.id, "team_id": cls.team.id}
        )
        cls.request_other = cls.env["crm.service.request"].create(
            {"name": "Other", "partner_id": cls.other_customer.id, "team_id": cls.team_other.id}
        )
        lead = cls.env["crm.lead"].create(
            {
                "name": "Deal",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.user_salesman.id,
            }
        )
        lead.action_set_won()
        cls.after_commit()
        cls.handoff = lead.service_handoff_ids

    def check(self, record, allowed, create_vals=None, write_vals=None, unlink=True):
        """``allowed`` maps a user key to the operations it may do (subset of 'crwu')."""
        write_vals = write_vals or {}
        for key, user in self.everyone.items():
            ops = allowed.get(key, "")
            with self.subTest(model=record._name, user=key):
                as_user = record.with_user(user)
                if "r" in ops:
                    as_user.read(["display_name"])
                else:
                    with self.assertRaises(AccessError):
                        as_user.read(["display_name"])
                if "w" in ops:
                    as_user.write(write_vals)
                else:
                    with self.assertRaises(AccessError):
                        as_user.write(write_vals)
                if create_vals is not None:
                    Model = self.env[record._name].with_user(user)
                    if "c" in ops:
                        Model.create(create_vals)
                    else:
                        with self.assertRaises(AccessError):
                            Model.create(create_vals)
                victim = record.copy() if "u" in ops and unlink else record
                if not unlink:
                    continue
                if "u" in ops:
                    victim.with_user(user).unlink()
                else:
                    with self.assertRaises(AccessError):
                        victim.with_user(user).unlink()

    def test_configuration_models(self):
        read_all = {
            "employee": "r",
            "service": "r",
            "service_other": "r",
            "manager": "crwu",
            "salesman": "r",
            "salesman_2": "r",
        }
        stage = self.env["crm.service.stage"].create({"name": "Extra"})
        for record, create_vals, extra in (
            (self.team_other, {"name": "New team"}, {}),
            (stage, {"name": "Another"}, {"portal": "r"}),
            (self.policy_gold, {"name": "New policy"}, {}),
            (self.team.checklist_item_ids[0], {"name": "Item", "team_id": self.team.id}, {}),
        ):
            self.check(
                record, dict(read_all, **extra), create_vals=create_vals, write_vals={"sequence": 3}
            )

    def test_request(self):
        self.check(
            self.request,
            {"service": "crw", "manager": "crwu", "portal": "r"},
            create_vals={"name": "New", "team_id": self.team.id},
            write_vals={"color": 2},
        )
        self.check(
            self.request_other, {"service_other": "rw", "manager": "rwu"}, write_vals={"color": 2}
        )

    def test_handoff(self):
        # what sales add for service: sales only (field matrix in test_field_matrix)
        self.check(
            self.handoff,
            {"service": "r", "manager": "r", "salesman": "rw"},
            write_vals={"competitors": "ACME"},
            unlink=False,
        )
        # who serves the customer: service only
        self.check(
            self.handoff,
            {"service": "rw", "manager": "rw", "salesman": "r"},
            write_vals={"service_user_id": self.user_service.id},
            unlink=False,
        )
        # only the system creates handoffs, from won deals
        lead = self.env["crm.lead"].create({"name": "Open deal", "user_id": self.user_salesman.id})
        for key in self.everyone:
            with self.assertRaises(AccessError):
                self.env["crm.service.handoff"].with_user(self.everyone[key]).create(
                    {"name": "Forged", "lead_id": lead.id}
                )
        self.assertFalse(lead.service_handoff_ids)
        # only managers delete (a handoff is unique per lead: no copy to delete)
        for key in ("service", "salesman", "employee", "portal"):
            with self.assertRaises(AccessError):
                self.handoff.with_user(self.everyone[key]).unlink()
        with self.assertRaises(UserError):
            self.handoff.with_user(self.user_service_manager).unlink()
        # an empty draft may go
        self.handoff.write({"service_user_id": False, "competitors": False})
        self.handoff.with_user(self.user_service_manager).unlink()
        self.assertFalse(self.handoff.exists())

    def test_handoff_lines(self):
        # salesman_2 sees no handoff here, so none of its lines either
        read_only = {"service": "r", "manager": "r", "salesman": "r"}
        # contacts and roles are the snapshot: read only
        self.check(self.handoff.contact_line_ids[0], read_only, write_vals={"role": "Boss"})
        commitment = self.env["crm.service.handoff.commitment"].create(
            {"handoff_id": self.handoff.id, "name": "Visit", "due_date": "2099-05-01"}
        )
        self.check(commitment, dict(read_only, salesman="crwu"), write_vals={"name": "Visit again"})
        # ticks by sales; the lines themselves come from the team
        self.check(
            self.handoff.checklist_line_ids[0],
            dict(read_only, salesman="rw"),
            write_vals={"done": True},
        )

    def test_handoff_products_read_only(self):
        line = self.env["crm.service.handoff.product"].create(
            {"handoff_id": self.handoff.id, "name": "Licence", "quantity": 2}
        )
        for key in ("service", "salesman", "manager"):
            line.with_user(self.everyone[key]).read(["name"])
            with self.assertRaises(AccessError):
                line.with_user(self.everyone[key]).write({"quantity": 9})
            with self.assertRaises(AccessError):
                line.with_user(self.everyone[key]).unlink()
            with self.assertRaises(AccessError):
                line.with_user(self.everyone[key]).create(
                    {"handoff_id": self.handoff.id, "name": "Forged"}
                )
        self.assertEqual(line.quantity, 2)
        for key in ("employee", "portal"):
            with self.assertRaises(AccessError):
                line.with_user(self.everyone[key]).read(["name"])

    def test_sla_report(self):
        report = self.env["crm.service.sla.report"].search([("request_id", "=", self.request.id)])
        self.assertEqual(len(report), 1)
        report.with_user(self.user_service).read(["response_compliance"])
        for key in ("employee", "salesman", "portal", "service_other"):
            with self.assertRaises(AccessError):
                report.with_user(self.everyone[key]).read(["response_compliance"])

    def test_return_wizard(self):
        Wizard = self.env["crm.service.handoff.return"]
        Wizard.with_user(self.user_service).create({"handoff_id": self.handoff.id, "reason": "?"})
        with self.assertRaises(AccessError):
            Wizard.with_user(self.user_salesman).create(
                {"handoff_id": self.handoff.id, "reason": "?"}
            )

    def test_second_company(self):
        request_2 = self.env["crm.service.request"].create(
            {"name": "Abroad", "company_id": self.company_2.id}
        )
        policy_2 = self.env["crm.service.sla.policy"].create(
            {
                "name": "Abroad",
                "company_id": self.company_2.id,
                "resource_calendar_id": self.calendar.id,
            }
        )
        team_2 = self.env["crm.service.team"].create(
            {"name": "Abroad", "company_id": self.company_2.id, "resource_calendar_id": False}
        )
        for record in (request_2, policy_2, team_2):
            with self.assertRaises(AccessError):
                record.with_user(self.user_service_manager).read(["display_name"])
        manager = self.user_service_manager
        manager.write({"company_ids": [Command.link(self.company_2.id)]})
        allowed = request_2.with_user(manager).with_context(
            allowed_company_ids=[self.company.id, self.company_2.id]
        )
        allowed.read(["display_name"])


class TestPortal(HandoffCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request = cls.env["crm.service.request"].create(
            {"name": "Mine", "partner_id": cls.customer.id, "team_id": cls.team.id}
        )
        cls.request_other = cls.env["crm.service.request"].create(
            {"name": "Not mine", "partner_id": cls.other_customer.id}
        )

    def test_portal_sees_own_company_only(self):
        found = self.env["crm.service.request"].with_user(self.user_portal).search([])
        self.assertEqual(found, self.request)

    def test_portal_cannot_post_on_other_company_request(self):
        count = self.env["mail.message"].search_count([("res_id", "=", self.request_other.id)])
        with self.assertRaises(AccessError):
            self.request_other.with_user(self.user_portal).message_post(
                body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(
            self.env["mail.message"].search_count([("res_id", "=", self.request_other.id)]), count
        )
        self.request.with_user(self.user_portal).message_post(
            body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def test_portal_does_not_see_internal_notes_nor_sla_internals(self):
        self.request.message_post(body="Internal remark", subtype_xmlid="mail.mt_note")
        self.request.with_user(self.user_service).message_post(
            body="Public answer", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        messages = (
            self.env["mail.message"]
            .with_user(self.user_portal)
            .search([("model", "=", "crm.service.request"), ("res_id", "=", self.request.id)])
        )
        bodies = " ".join(messages.mapped("body"))
        self.assertIn("Public answer", bodies)
        self.assertNotIn("Internal remark", bodies)
        as_portal = self.request.with_user(self.user_portal)
        self.assertEqual(as_portal.response_sla_status, "reached")
        for fname in ("response_deadline", "sla_policy_id", "paused_hours"):
            with self.assertRaises(AccessError):
                as_portal.read([fname])

    def test_portal_cannot_rate_by_rpc_methods(self):
        """The portal user rates through the token pages only (see test_portal_http)."""
        self.request.stage_id = self.stage_solved
        as_portal = self.request.with_user(self.user_portal)
        with self.assertRaises(AccessError):
            as_portal.rating_apply(5)
        with self.assertRaises(AccessError):
            as_portal.message_post(body="Great", rating_value=5)
        self.assertEqual(self.request.rating_last_value, 0)


class TestFieldMatrix(HandoffCommon):
    """Field-level write rights: every group x every kind of field x state.

    ``allowed`` lists the users who may write; every other user is refused
    (AccessError or UserError), with the forged context keys."""

    FORGED = {"service_handoff_snapshot": True, "sla_engine": True}

    def check_fields(self, make_record, matrix):
        for label, (vals, allowed) in matrix.items():
            for key, user in self.everyone.items():
                record = make_record()
                with self.subTest(field=label, user=key):
                    as_user = record.with_user(user).with_context(**self.FORGED)
                    if key in allowed:
                        as_user.write(vals)
                    else:
                        before = record.read(list(vals))[0]
                        with self.assertRaises(UserError):
                            as_user.write(vals)
                        record.invalidate_recordset()
                        self.assertEqual(record.read(list(vals))[0], before)

    def test_handoff_fields_while_preparing(self):
        self.check_fields(
            self.won_handoff,
            {
                "snapshot": ({"snapshot_notes": "<p>x</p>"}, ()),
                "customer": ({"partner_id": self.other_customer.id}, ()),
                "workflow": ({"state": "accepted"}, ()),
                "dates": ({"accepted_date": "2026-03-04 10:00:00"}, ()),
                "sales part": ({"competitors": "ACME"}, ("salesman",)),
                "service level": ({"sla_policy_id": self.policy_gold.id}, ("salesman",)),
                "team": ({"service_team_id": self.team.id}, ("salesman", "service", "manager")),
                "owner": ({"service_user_id": self.user_service.id}, ("service", "manager")),
            },
        )

    def test_handoff_fields_once_submitted(self):
        self.check_fields(
            self.submitted_handoff,
            {
                "snapshot": ({"snapshot_notes": "<p>x</p>"}, ()),
                "workflow": ({"state": "draft"}, ()),
                "sales part": ({"competitors": "ACME"}, ()),
                "notes": ({"handoff_notes": "<p>x</p>"}, ()),
                "team": ({"service_team_id": self.team.id}, ("service", "manager")),
                "owner": ({"service_user_id": self.user_service.id}, ("service", "manager")),
            },
        )

    def test_handoff_line_fields(self):
        def commitment(submitted=False):
            handoff = self.submitted_handoff() if submitted else self.won_handoff()
            if not handoff.commitment_ids:
                self.fill(handoff)
            return handoff.commitment_ids

        self.check_fields(
            commitment,
            {
                "commitment": ({"name": "Other"}, ("salesman",)),
                "activity": ({"activity_id": False}, ()),
            },
        )
        self.check_fields(lambda: commitment(submitted=True), {"commitment": ({"name": "X"}, ())})
        self.check_fields(
            lambda: self.won_handoff().checklist_line_ids[0],
            {
                "tick": ({"done": True}, ("salesman",)),
                "required": ({"required": False}, ()),
                "name": ({"name": "Renamed"}, ()),
            },
        )
        self.check_fields(
            lambda: self.submitted_handoff().checklist_line_ids[0], {"tick": ({"done": False}, ())}
        )

    def test_request_fields(self):
        self.check_fields(
            lambda: self.create_request(),
            {
                "subject": ({"name": "Renamed"}, ("service", "manager")),
                "deadline": ({"resolution_deadline": "2099-01-01 00:00:00"}, ()),
                "marks": ({"response_escalated": True}, ()),
                "first response": ({"first_response_date": "2026-03-28 10:00:00"}, ()),
                "paused": ({"paused_hours": 99.0}, ()),
                "rating": ({"rating_last_value": 5.0}, ()),
                "complaint": ({"is_complaint": True}, ("service", "manager")),
                "request date": ({"request_date": "2026-03-27 14:00:00"}, ()),
            },
        )
