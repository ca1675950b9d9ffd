from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import KeyaccountCommon


@tagged("post_install", "-at_install")
class TestKeyaccountRpc(HttpCase, KeyaccountCommon):
    """The guarantees hold over JSON-RPC, with the context an integration sends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.title = cls.env.ref("crm_keyaccount.crm_keyaccount_title_key")
        cls.user_portal.partner_id.parent_id = cls.account
        cls.accounts = cls.account | cls.other_account
        cls.accounts.write({"keyaccount_industry_leader": True, "keyaccount_influence_rating": "3"})
        cls.env["res.partner"]._keyaccount_recompute()

    def _call(self, login, model, method, *args, **kwargs):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_title_written_over_rpc_keeps_its_history(self):
        self._call(
            "ka_manager",
            "res.partner",
            "write",
            self.account.ids,
            {"keyaccount_title_id": self.title.id},
            context={
                "keyaccount_no_history": True,
                "keyaccount_title_reason": "automatic",
                "keyaccount_title_note": "forged",
            },
        )
        self.account.invalidate_recordset()
        line = self.account.keyaccount_history_ids
        self.assertEqual(self.account.keyaccount_title_id, self.title)
        self.assertEqual(
            (line.new_title_id, line.reason, line.note, line.user_id),
            (self.title, "manual", False, self.user_ka_manager),
        )

    def test_salesman_does_not_make_himself_key_account_manager(self):
        with self.assertRaises(JsonRpcException):
            self._call(
                "ka_salesman",
                "res.partner",
                "write",
                self.account.ids,
                {"keyaccount_manager_id": self.user_salesman.id},
            )
        with self.assertRaises(JsonRpcException):
            self._call(
                "ka_salesman",
                "res.partner",
                "create",
                {"name": "Mine Now", "keyaccount_manager_id": self.user_salesman.id},
            )
        self.account.invalidate_recordset()
        self.assertEqual(self.account.keyaccount_manager_id, self.user_ka_user)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Mine Now")]))

    def test_key_account_user_does_not_join_another_team(self):
        plan = self.env["crm.keyaccount.plan"].create(
            {"name": "Secret plan", "partner_id": self.account.id}
        )
        with self.assertRaises(JsonRpcException):
            self._call(
                "ka_other",
                "crm.keyaccount.team.member",
                "create",
                {"partner_id": self.account.id, "user_id": self.user_ka_other.id},
            )
        self.assertFalse(self.account.keyaccount_team_ids)
        plans = self._call(
            "ka_other", "crm.keyaccount.plan", "search_read", [], ["name"], context={}
        )
        self.assertNotIn(plan.id, [row["id"] for row in plans])

    def test_figures_of_an_account_not_managed_stay_hidden(self):
        domain = [("id", "in", self.accounts.ids)]
        rows = self._call(
            "ka_user",
            "res.partner",
            "search_read",
            domain,
            ["keyaccount_score", "keyaccount_abc_class", "keyaccount_revenue_share"],
        )
        figures = {
            row["id"]: (row["keyaccount_score"], row["keyaccount_abc_class"]) for row in rows
        }
        self.assertEqual(
            figures, {self.account.id: (20.0, "c"), self.other_account.id: (0.0, False)}
        )
        found = self._call(
            "ka_user", "res.partner", "search", [*domain, ("keyaccount_score", ">=", 20)]
        )
        self.assertEqual(found, self.account.ids)
        groups = self._call(
            "ka_user",
            "res.partner",
            "read_group",
            domain,
            ["keyaccount_score:sum"],
            ["keyaccount_abc_class"],
            lazy=False,
        )
        self.assertEqual(
            {group["keyaccount_abc_class"]: group["keyaccount_score"] for group in groups},
            {"c": 20.0, False: False},
        )

    def test_portal_reads_no_key_account_field(self):
        for model, record, name in (
            ("res.partner", self.account, "keyaccount_abc_class"),
            ("res.partner", self.account, "keyaccount_title_id"),
            ("res.company", self.company, "keyaccount_revenue_total"),
        ):
            with self.subTest(field=name), self.assertRaises(JsonRpcException):
                self._call("ka_portal", model, "read", record.ids, [name])
        self.authenticate("ka_portal", "ka_portal")
        for url in ("/my", "/my/account"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 200)
