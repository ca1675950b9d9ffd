from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import KeyaccountCommon

# What a key-account field of a partner looks like to a user who may not see it.
HIDDEN = {"keyaccount_score": 0.0, "keyaccount_abc_class": False, "keyaccount_revenue": 0.0}


@tagged("post_install", "-at_install")
class TestKeyaccountAccess(KeyaccountCommon):
    """Who sets the key-account fields and the team, and who sees the figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.title = cls.env.ref("crm_keyaccount.crm_keyaccount_title_key")
        cls.user_employee = new_test_user(cls.env, login="ka_employee", groups="base.group_user")
        cls.user_portal.partner_id.parent_id = cls.account
        # market influence scores 100, so both accounts score 20 with the
        # default weights (no revenue, no opportunities, no assessment)
        (cls.account | cls.other_account).write(
            {"keyaccount_industry_leader": True, "keyaccount_influence_rating": "3"}
        )
        cls.env["res.partner"]._keyaccount_recompute()
        cls.accounts = cls.account | cls.other_account

    def test_only_key_account_managers_set_the_account_fields(self):
        forged = {"keyaccount_no_history": True, "keyaccount_title_reason": "automatic"}
        for user, values in (
            (self.user_salesman, {"keyaccount_manager_id": self.user_salesman.id}),
            (self.user_ka_user, {"keyaccount_manager_id": self.user_ka_other.id}),
            (self.user_ka_user, {"keyaccount_title_id": self.title.id}),
            (self.user_ka_user, {"keyaccount_title_manual": True}),
            (self.user_ka_user, {"keyaccount_industry_leader": False}),
            (self.user_ka_user, {"keyaccount_influence_rating": "1"}),
        ):
            with self.subTest(user=user.login, values=values), self.assertRaises(AccessError):
                self.account.with_user(user).with_context(**forged).write(values)
        self.account.invalidate_recordset()
        self.assertEqual(self.account.keyaccount_manager_id, self.user_ka_user)
        self.assertFalse(self.account.keyaccount_title_id)
        self.assertEqual(self.account.keyaccount_influence_rating, "3")
        self.assertTrue(self.account.keyaccount_industry_leader)
        Partner = self.env["res.partner"]
        with self.assertRaises(AccessError):
            Partner.with_user(self.user_ka_user).create(
                {"name": "Self-made", "keyaccount_manager_id": self.user_ka_user.id}
            )
        self.assertFalse(Partner.search([("name", "=", "Self-made")]))
        # the contacts of an account still get its key-account fields
        contact = Partner.with_user(self.user_ka_user).create(
            {"name": "New Contact", "parent_id": self.account.id}
        )
        self.assertEqual(contact.keyaccount_manager_id, self.user_ka_user)
        self.account.with_user(self.user_ka_manager).write(
            {"keyaccount_manager_id": self.user_ka_other.id}
        )
        self.assertEqual(contact.keyaccount_manager_id, self.user_ka_other)
        # a duplicate is a new account, without the fields of key-account managers
        for user in (self.user_salesman, self.user_ka_user):
            duplicate = self.account.with_user(user).copy()
            self.assertFalse(duplicate.sudo().keyaccount_manager_id)
            self.assertEqual(duplicate.sudo().keyaccount_influence_rating, "0")

    def test_nobody_adds_himself_to_another_team(self):
        Member = self.env["crm.keyaccount.team.member"]
        Plan = self.env["crm.keyaccount.plan"]
        plan = Plan.create({"name": "Secret plan", "partner_id": self.account.id})
        intruder = self.user_ka_other
        with self.assertRaises(AccessError):
            Member.with_user(intruder).create(
                {"partner_id": self.account.id, "user_id": intruder.id}
            )
        self.assertFalse(Member.search([("partner_id", "=", self.account.id)]))
        self.assertNotIn(plan, Plan.with_user(intruder).search([]))
        # a team member who is not the account's manager does not staff it either
        Member.create({"partner_id": self.account.id, "user_id": intruder.id})
        with self.assertRaises(AccessError):
            Member.with_user(intruder).create(
                {"partner_id": self.account.id, "user_id": self.user_salesman.id}
            )
        own = Member.with_user(intruder).search([("partner_id", "=", self.account.id)])
        with self.assertRaises(AccessError):
            own.write({"user_id": self.user_salesman.id})
        self.assertEqual(own.user_id, intruder)
        # the account's own key-account manager and key-account managers do
        Member.with_user(self.user_ka_user).create(
            {"partner_id": self.account.id, "user_id": self.user_salesman.id}
        )
        Member.with_user(self.user_ka_manager).create(
            {"partner_id": self.other_account.id, "user_id": self.user_salesman.id}
        )
        self.assertEqual(
            Member.search([("user_id", "=", self.user_salesman.id)]).partner_id, self.accounts
        )

    def test_figures_of_other_accounts_are_hidden_on_the_partner(self):
        figures = self.env["crm.keyaccount.figure"].with_user(self.user_ka_user).search([])
        self.assertEqual(figures.partner_id, self.account)
        Partner = self.env["res.partner"].with_user(self.user_ka_user)
        names = list(HIDDEN)
        own, other = Partner.browse(self.accounts.ids).read(names)
        self.assertEqual((own["keyaccount_score"], own["keyaccount_abc_class"]), (20.0, "c"))
        self.assertEqual({name: other[name] for name in names}, HIDDEN)
        domain = [("id", "in", self.accounts.ids)]
        self.assertEqual(Partner.search([*domain, ("keyaccount_score", ">", 10)]), self.account)
        self.assertEqual(
            Partner.search([*domain, ("keyaccount_abc_class", "=", "c")]), self.account
        )
        groups = Partner.read_group(
            domain, ["keyaccount_score:sum"], ["keyaccount_abc_class"], lazy=False
        )
        self.assertEqual(
            {group["keyaccount_abc_class"]: group["keyaccount_score"] for group in groups},
            {"c": 20.0, False: False},
        )
        ranked = Partner.search(domain, order="keyaccount_score desc, id")
        self.assertEqual(set(ranked), set(self.accounts))
        self.user_ka_user.groups_id += self.env.ref("base.group_allow_export")
        exported = Partner.browse(self.accounts.ids).export_data(["keyaccount_score"])["datas"]
        self.assertEqual([row[0] for row in exported], [20.0, False])
        # on the team, the figures show up everywhere
        self.env["crm.keyaccount.team.member"].create(
            {"partner_id": self.other_account.id, "user_id": self.user_ka_user.id}
        )
        self.env.invalidate_all()
        self.assertEqual(Partner.search([*domain, ("keyaccount_score", ">", 10)]), self.accounts)
        self.assertEqual(Partner.browse(self.other_account.id).keyaccount_score, 20.0)
        # managers see every figure
        Manager = self.env["res.partner"].with_user(self.user_sales_manager)
        self.assertEqual(Manager.search([*domain, ("keyaccount_score", ">", 10)]), self.accounts)

    def test_no_key_account_field_without_the_groups(self):
        partner_fields = [name for name in self.account._fields if name.startswith("keyaccount_")]
        company_fields = [name for name in self.company._fields if name.startswith("keyaccount_")]
        self.assertIn("keyaccount_revenue_total", company_fields)
        for user in (self.user_portal, self.user_employee, self.user_salesman):
            for name in partner_fields:
                with self.subTest(user=user.login, field=name), self.assertRaises(AccessError):
                    self.account.with_user(user).read([name])
            for name in company_fields:
                with self.subTest(user=user.login, field=name), self.assertRaises(AccessError):
                    self.company.with_user(user).read([name])
        for user in (self.user_ka_user, self.user_sales_manager):
            self.account.with_user(user).read(partner_fields)
            self.company.with_user(user).read(["keyaccount_revenue_total"])

    def test_partner_views_load_without_the_groups(self):
        self.assertEqual(Form(self.account.with_user(self.user_salesman)).name, "Mine Corp")
        for user in (self.user_salesman, self.user_employee):
            with self.subTest(user=user.login):
                Partner = self.env["res.partner"].with_user(user)
                views = Partner.get_views([(False, "form")])
                names = views["models"]["res.partner"]["fields"]
                self.assertFalse([name for name in names if name.startswith("keyaccount_")])
                views = Partner.get_views([(False, "list"), (False, "kanban")])
                spec = {name: {} for name in views["models"]["res.partner"]["fields"]}
                self.assertFalse([name for name in spec if name.startswith("keyaccount_")])
                records = Partner.web_search_read([("id", "=", self.account.id)], spec)
                self.assertEqual(records["length"], 1)

    def test_title_history_is_kept(self):
        self.account.with_user(self.user_ka_manager).with_context(
            keyaccount_no_history=True,
            keyaccount_title_reason="automatic",
            keyaccount_title_note="forged",
        ).write({"keyaccount_title_id": self.title.id})
        line = self.account.keyaccount_history_ids
        self.assertEqual(
            (line.new_title_id, line.reason, line.note, line.user_id),
            (self.title, "manual", False, self.user_ka_manager),
        )
        self.assertTrue(self.account.keyaccount_title_manual)
        for user in (self.user_ka_user, self.user_ka_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                line.with_user(user).unlink()
            with self.assertRaises(AccessError):
                line.with_user(user).write({"note": "rewritten"})
        self.assertEqual(line.note, False)
        admin = new_test_user(self.env, login="ka_admin", groups="base.group_system")
        line.with_user(admin).unlink()
        self.assertFalse(line.exists())

    def test_partner_with_account_records_is_archived_not_deleted(self):
        # a key-account manager who may delete contacts
        manager = new_test_user(
            self.env,
            login="ka_contact_manager",
            groups="crm_keyaccount.crm_keyaccount_group_manager,base.group_partner_manager",
        )
        Plan = self.env["crm.keyaccount.plan"]
        for model, values in (
            (Plan, {"name": "Plan", "active": False}),
            (self.env["crm.keyaccount.assessment"], {}),
        ):
            partner = self.env["res.partner"].create({"name": "Kept", "is_company": True})
            model.create(dict(values, partner_id=partner.id))
            with self.subTest(model=model._name), self.assertRaises(UserError):
                partner.with_user(manager).unlink()
            self.assertTrue(partner.exists())
            partner.with_user(manager).action_archive()
            self.assertFalse(partner.active)
        self.account.with_user(manager).keyaccount_title_id = self.title
        with self.assertRaises(UserError):
            self.account.with_user(manager).unlink()
        self.assertTrue(self.account.exists())
        # a partner without any is deleted as before
        plain = self.env["res.partner"].create({"name": "Plain"})
        plain.with_user(manager).unlink()
        self.assertFalse(plain.exists())
