from contextlib import suppress

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import KeyaccountCommon

OPS = ("create", "read", "write", "unlink")
ALL = frozenset(OPS)


class _Rollback(Exception):
    """Undo an operation once its access was checked."""


@tagged("post_install", "-at_install")
class TestKeyaccountSecurity(KeyaccountCommon):
    """Permission matrix: every model x every group x create/read/write/unlink."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.title = cls.env.ref("crm_keyaccount.crm_keyaccount_title_key")
        cls.question = cls.env.ref("crm_keyaccount.crm_keyaccount_question_need")
        cls.plan = {}
        cls.assessment = {}
        for account in (cls.account, cls.other_account):
            cls.plan[account] = cls.env["crm.keyaccount.plan"].create(
                {"name": f"Plan {account.name}", "partner_id": account.id}
            )
            cls.assessment[account] = cls.env["crm.keyaccount.assessment"].create(
                {"partner_id": account.id}
            )

    def _values(self, model, account):
        contact = self.account_contact if account == self.account else self.other_contact
        return {
            "crm.keyaccount.title.history": {
                "partner_id": account.id,
                "new_title_id": self.title.id,
            },
            "crm.keyaccount.team.member": {
                "partner_id": account.id,
                "user_id": self.user_salesman.id,
            },
            "crm.keyaccount.contact": {"partner_id": account.id, "contact_id": contact.id},
            "crm.keyaccount.competitor": {"partner_id": account.id, "name": "Rival"},
            "crm.keyaccount.plan": {"partner_id": account.id, "name": "Plan"},
            "crm.keyaccount.plan.objective": {
                "plan_id": self.plan[account].id,
                "name": "Grow",
                "target": 10.0,
            },
            "crm.keyaccount.need": {"plan_id": self.plan[account].id, "name": "Faster delivery"},
            "crm.keyaccount.assessment": {"partner_id": account.id},
            "crm.keyaccount.answer": {
                "assessment_id": self.assessment[account].id,
                "question_id": self.question.id,
            },
            "crm.keyaccount.question": {"name": "Is it loyal?"},
            "crm.keyaccount.title": {"name": "Platinum", "min_score": 90.0},
            "crm.keyaccount.figure": {
                "partner_id": account.id,
                "company_id": self.company.id,
                "revenue": 1000.0,
            },
        }[model]

    def _allowed(self, user, model, values):
        """Operations ``user`` may do on a record built from ``values``.

        Every operation runs in a savepoint that is rolled back afterwards.
        """
        allowed = set()

        def attempt(operation, action):
            with suppress(AccessError, _Rollback), self.env.cr.savepoint():
                action()
                allowed.add(operation)
                raise _Rollback()

        attempt("create", lambda: self.env[model].with_user(user).create(dict(values)))
        with suppress(_Rollback), self.env.cr.savepoint():
            record = self.env[model].create(dict(values)).with_user(user)
            attempt("read", lambda: record.read(["id", "display_name"]))
            attempt("write", lambda: record.check_access("write"))
            attempt("unlink", record.unlink)
            raise _Rollback()
        return allowed

    def _assert_matrix(
        self, model, own_user_ops, manager_ops=ALL, shared=False, sales_manager_ops=()
    ):
        own = self._values(model, self.account)
        other = self._values(model, self.other_account)
        expected = [
            (self.user_ka_user, own, own_user_ops),
            (self.user_ka_user, other, own_user_ops if shared else set()),
            (self.user_ka_manager, other, manager_ops),
            (self.user_salesman, own, {"read"} if model == "crm.keyaccount.title" else set()),
            (
                self.user_sales_manager,
                other,
                {"read"} if model == "crm.keyaccount.title" else set(sales_manager_ops),
            ),
            (self.user_portal, own, set()),
        ]
        for user, values, operations in expected:
            with self.subTest(model=model, user=user.login, account=values.get("partner_id")):
                self.assertEqual(self._allowed(user, model, values), set(operations))

    def test_matrix_title(self):
        self._assert_matrix("crm.keyaccount.title", {"read"}, shared=True)

    def test_matrix_question(self):
        self._assert_matrix("crm.keyaccount.question", {"read"}, shared=True)

    def test_matrix_title_history(self):
        # written by the system only; deleted by administrators only (see test_access)
        self._assert_matrix("crm.keyaccount.title.history", {"read"}, {"read"})

    def test_matrix_figure(self):
        # written by the ranking only; read like the sensitive partner fields
        self._assert_matrix("crm.keyaccount.figure", {"read"}, {"read"}, sales_manager_ops={"read"})

    def test_matrix_team_member(self):
        self._assert_matrix("crm.keyaccount.team.member", ALL)

    def test_matrix_relationship_map(self):
        self._assert_matrix("crm.keyaccount.contact", ALL)

    def test_matrix_competitor(self):
        self._assert_matrix("crm.keyaccount.competitor", ALL)

    def test_matrix_plan(self):
        self._assert_matrix("crm.keyaccount.plan", ALL)

    def test_matrix_plan_objective(self):
        self._assert_matrix("crm.keyaccount.plan.objective", ALL)

    def test_matrix_need(self):
        self._assert_matrix("crm.keyaccount.need", ALL)

    def test_matrix_assessment(self):
        self._assert_matrix("crm.keyaccount.assessment", ALL)

    def test_matrix_answer(self):
        self._assert_matrix("crm.keyaccount.answer", ALL)

    def test_team_member_sees_the_account(self):
        member = self.user_ka_other
        Plan = self.env["crm.keyaccount.plan"].with_user(member)
        self.assertNotIn(self.plan[self.account], Plan.search([]))
        self.env["crm.keyaccount.team.member"].create(
            {"partner_id": self.account.id, "user_id": member.id, "role": "service"}
        )
        self.assertIn(self.plan[self.account], Plan.search([]))

    def test_second_company_records_hidden(self):
        plan = self.env["crm.keyaccount.plan"].create(
            {"name": "Elsewhere", "partner_id": self.account.id, "company_id": self.company_2.id}
        )
        self.assertIn(
            plan, self.env["crm.keyaccount.plan"].with_user(self.user_ka_manager_2).search([])
        )
        for record in (self.plan[self.account], self.assessment[self.account]):
            with self.assertRaises(AccessError):
                record.with_user(self.user_ka_manager_2).read(["id"])
        self.assertNotIn(
            plan, self.env["crm.keyaccount.plan"].with_user(self.user_ka_manager).search([])
        )

    def test_sensitive_partner_fields(self):
        fields = ["keyaccount_revenue", "keyaccount_revenue_share", "keyaccount_score"]
        for user in (self.user_ka_user, self.user_ka_manager, self.user_sales_manager):
            self.account.with_user(user).read(fields)
        for user in (self.user_salesman, self.user_portal):
            for name in ("keyaccount_revenue", "keyaccount_title_id", "keyaccount_manager_id"):
                with self.assertRaises(AccessError):
                    self.account.with_user(user).read([name])
        values = self.account.with_user(self.user_sales_manager).read(
            ["keyaccount_title_id", "keyaccount_manager_id", "keyaccount_abc_class"]
        )
        self.assertEqual(values[0]["keyaccount_manager_id"][0], self.user_ka_user.id)

    def test_matrix_partner_fields(self):
        """Field level: who reads and who writes the key-account fields of a
        partner, on an account the key-account user manages."""
        title = self.env.ref("crm_keyaccount.crm_keyaccount_title_key")
        values = {
            "keyaccount_manager_id": self.user_ka_other.id,
            "keyaccount_title_id": title.id,
            "keyaccount_since": "2026-01-01",
            "keyaccount_title_manual": True,
            "keyaccount_industry_leader": True,
            "keyaccount_influence_rating": "2",
        }
        everything = {"read", *values}
        expected = {
            self.user_portal: set(),
            self.user_salesman: set(),
            self.user_sales_manager: {"read"},
            self.user_ka_user: {"read"},
            self.user_ka_manager: everything,
        }
        for user, operations in expected.items():
            with self.subTest(user=user.login):
                allowed = set()
                account = self.account.with_user(user)
                with suppress(AccessError):
                    account.read(list(values))
                    allowed.add("read")
                for name, value in values.items():
                    with suppress(AccessError, _Rollback), self.env.cr.savepoint():
                        account.write({name: value})
                        allowed.add(name)
                        raise _Rollback()
                self.assertEqual(allowed, operations)

    def test_matrix_assessment_system_fields(self):
        """Field level: the link, the state and the result of an assessment
        are written by the system only, whatever the group."""
        assessment = self.assessment[self.account]
        for user in (self.user_ka_user, self.user_ka_manager):
            for name, value in (
                ("state", "done"),
                ("token_expiry", "2099-01-01 00:00:00"),
                ("health_score", 100.0),
                ("previous_score", 100.0),
                ("trend", "up"),
                ("date_done", "2026-01-01 00:00:00"),
                ("access_token", "forged"),
            ):
                with self.subTest(user=user.login, field=name), self.assertRaises(AccessError):
                    assessment.with_user(user).write({name: value})
        self.assertEqual(assessment.state, "draft")

    def test_only_managers_recompute(self):
        for user in (self.user_salesman, self.user_ka_user, self.user_sales_manager):
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).action_keyaccount_recompute()
        action = (
            self.env["res.partner"].with_user(self.user_ka_manager).action_keyaccount_recompute()
        )
        self.assertEqual(action["tag"], "display_notification")

    def test_partner_form_opens_for_every_sales_group(self):
        # a salesman without key-account rights gets the form without the tab
        self.assertEqual(Form(self.account.with_user(self.user_salesman)).name, "Mine Corp")
        for user in (
            self.user_sales_manager,
            self.user_ka_user,
            self.user_ka_other,
            self.user_ka_manager,
        ):
            with self.subTest(user=user.login):
                form = Form(self.account.with_user(user))
                self.assertEqual(form.keyaccount_manager_id, self.user_ka_user)
