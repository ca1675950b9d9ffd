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
        cls.after_commit()
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

    def test_service_user_forges_a_rating(self):
        """rating.mixin's entry points, called over RPC by staff, rate nothing."""
        self.request.stage_id = self.stage_solved
        ids = self.request.ids
        model_id = self.env["ir.model"]._get_id("crm.service.request")
        forged = {"sla_engine": True, "mail_create_nolog": True}
        for model, method, args in (
            ("crm.service.request", "rating_apply", [ids, 5]),
            ("crm.service.request", "message_post", [ids]),
            ("crm.service.request", "write", [ids, {"rating_last_value": 5}]),
            (
                "rating.rating",
                "create",
                [{"res_model_id": model_id, "res_id": ids[0], "rating": 5, "consumed": True}],
            ),
        ):
            with self.subTest(method=method):
                if method == "message_post":
                    with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                        self.authenticate("svc_user", "svc_user_pw")
                        self.make_jsonrpc_request(
                            "/web/dataset/call_kw",
                            {
                                "model": model,
                                "method": method,
                                "args": args,
                                "kwargs": {"body": "Great", "rating_value": 5, "context": forged},
                            },
                        )
                else:
                    self.assert_refused("svc_user", model, method, args, forged)
        self.request.invalidate_recordset()
        self.assertEqual(self.request.rating_last_value, 0)
        self.assertFalse(self.request.sudo().rating_ids.filtered("consumed"))
        # the customer's pending token is not readable by staff
        pending = self.request.sudo().rating_ids.filtered(lambda rating: not rating.consumed)
        self.assertTrue(pending, "closing the request e-mailed a rating request")
        found = self.call_kw(
            "svc_user",
            "rating.rating",
            "search_read",
            [[("res_model", "=", "crm.service.request"), ("res_id", "in", ids)], ["access_token"]],
            {},
        )
        self.assertFalse(found)
