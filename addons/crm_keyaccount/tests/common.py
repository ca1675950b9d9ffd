from odoo.tests import TransactionCase, new_test_user


class KeyaccountCommon(TransactionCase):
    """Users of every key-account group, and a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Second Company"})
        cls.user_salesman = new_test_user(
            cls.env, login="ka_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.user_ka_user = new_test_user(
            cls.env, login="ka_user", groups="crm_keyaccount.crm_keyaccount_group_user"
        )
        cls.user_ka_manager = new_test_user(
            cls.env, login="ka_manager", groups="crm_keyaccount.crm_keyaccount_group_manager"
        )
