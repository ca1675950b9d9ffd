from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import HandoffCommon


@tagged("post_install", "-at_install")
class TestIntegrationRpc(HttpCase, HandoffCommon):
    """Real JSON-RPC calls, with the context keys an integration could forge."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.user_salesman, cls.user_service, cls.user_portal):
            user.password = f"{user.login}_pw"
        lead = cls.env["crm.lead"].create(
            {
                "name": "Deal over RPC",
                "type": "opportunity",
                "partner_id": cls.customer_contact.id,
                "user_id": cls.user_salesman.id,
                "description": "<p>Needs 24/7 support</p>",
                "expected_revenue": 12000,
            }
        )
        lead.action_set_won()
        cls.handoff = lead.service_handoff_ids
        cls.request = cls.env["crm.service.request"].create(
            {"name": "Over RPC", "partner_id": cls.customer.id, "team_id": cls.team.id}
        )

    def call_kw(self, login, model, method, args, context):
        self.authenticate(login, f"{login}_pw")
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": context},
            },
        )

    def assert_refused(self, login, model, method, args, context):
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as error:
            self.call_kw(login, model, method, args, context)
        self.assertIn("odoo.exceptions", str(error.exception))

    def test_salesman_forges_the_snapshot_and_the_state(self):
        forged = {"service_handoff_snapshot": True}
        for vals in (
            {"state": "accepted", "accepted_date": "2026-01-01 00:00:00"},
            {"snapshot_notes": "<p>rewritten</p>", "snapshot_expected_revenue": 1},
        ):
            self.assert_refused(
                "svc_salesman", "crm.service.handoff", "write", [self.handoff.ids, vals], forged
            )
        self.handoff.invalidate_recordset()
        self.assertEqual(self.handoff.state, "draft")
        self.assertFalse(self.handoff.accepted_date)
        self.assertIn("24/7", self.handoff.snapshot_notes)
        self.assertEqual(self.handoff.snapshot_expected_revenue, 12000)
        # what sales may do goes through
        self.call_kw(
            "svc_salesman",
            "crm.service.handoff",
            "write",
            [self.handoff.ids, {"competitors": "ACME"}],
            forged,
        )
        self.handoff.invalidate_recordset()
        self.assertEqual(self.handoff.competitors, "ACME")

    def test_service_user_forges_the_deadline(self):
        deadline = self.request.resolution_deadline
        for vals in (
            {"resolution_deadline": "2099-01-01 00:00:00"},
            {"response_escalated": True, "resolution_escalated": True},
        ):
            self.assert_refused(
                "svc_user",
                "crm.service.request",
                "write",
                [self.request.ids, vals],
                {"sla_engine": True},
            )
        self.request.invalidate_recordset()
        self.assertEqual(self.request.resolution_deadline, deadline)
        self.assertFalse(self.request.response_escalated or self.request.resolution_escalated)

    def test_portal_rates_once(self):
        self.request.stage_id = self.stage_solved
        self.call_kw(
            "svc_portal", "crm.service.request", "action_rate", [self.request.ids, "4"], {}
        )
        self.assert_refused(
            "svc_portal", "crm.service.request", "action_rate", [self.request.ids, "1"], {}
        )
        self.assert_refused(
            "svc_portal",
            "crm.service.request",
            "write",
            [self.request.ids, {"customer_rating": "1"}],
            {},
        )
        self.request.invalidate_recordset()
        self.assertEqual(self.request.customer_rating, "4")
