from odoo.tests import TransactionCase, new_test_user


class ServiceLinkCommon(TransactionCase):
    """Users of every service group, and a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Second Company"})
        cls.user_employee = new_test_user(cls.env, login="svc_employee", groups="base.group_user")
        cls.user_service = new_test_user(
            cls.env, login="svc_user", groups="crm_service_link.crm_service_link_group_user"
        )
        cls.user_service_manager = new_test_user(
            cls.env, login="svc_manager", groups="crm_service_link.crm_service_link_group_manager"
        )
