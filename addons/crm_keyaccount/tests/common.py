from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

KA_USER = "crm_keyaccount.crm_keyaccount_group_user"
KA_MANAGER = "crm_keyaccount.crm_keyaccount_group_manager"


class KeyaccountCommon(TransactionCase):
    """Users of every key-account group, a second company and two accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Second Company"})
        cls.user_salesman = new_test_user(
            cls.env, login="ka_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.user_sales_manager = new_test_user(
            cls.env, login="ka_sales_manager", groups="sales_team.group_sale_manager"
        )
        cls.user_ka_user = new_test_user(cls.env, login="ka_user", groups=KA_USER)
        cls.user_ka_other = new_test_user(cls.env, login="ka_other", groups=KA_USER)
        cls.user_ka_manager = new_test_user(cls.env, login="ka_manager", groups=KA_MANAGER)
        cls.user_ka_manager_2 = new_test_user(
            cls.env,
            login="ka_manager_2",
            groups=KA_MANAGER,
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )
        cls.user_portal = new_test_user(cls.env, login="ka_portal", groups="base.group_portal")
        cls.account = cls.env["res.partner"].create(
            {"name": "Mine Corp", "is_company": True, "keyaccount_manager_id": cls.user_ka_user.id}
        )
        cls.account_contact = cls.env["res.partner"].create(
            {"name": "Mia Mine", "parent_id": cls.account.id, "email": "mia@mine.example"}
        )
        cls.other_account = cls.env["res.partner"].create(
            {
                "name": "Other Corp",
                "is_company": True,
                "keyaccount_manager_id": cls.user_ka_other.id,
            }
        )
        cls.other_contact = cls.env["res.partner"].create(
            {"name": "Olga Other", "parent_id": cls.other_account.id}
        )


class KeyaccountInvoicingCommon(AccountTestInvoicingCommon):
    """Accounting set up in two companies, to post real customer invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref(KA_MANAGER)
        cls.company_data_2 = cls.setup_other_company()
        cls.company_1 = cls.company_data["company"]
        cls.company_2 = cls.company_data_2["company"]
        cls.env.user.company_ids += cls.company_2
        cls.eur = cls.setup_other_currency("EUR", rates=[("2020-01-01", 2.0)])
        cls.ka_user = new_test_user(
            cls.env, login="ka_inv_user", groups=KA_USER, company_id=cls.company_1.id
        )
        cls.ka_manager = new_test_user(
            cls.env, login="ka_inv_manager", groups=KA_MANAGER, company_id=cls.company_1.id
        )

    @classmethod
    def _customer(cls, name, **values):
        return cls.env["res.partner"].create({"name": name, "is_company": True} | values)

    @classmethod
    def _invoice(cls, partner, amount, invoice_date, move_type="out_invoice", **values):
        """Post a customer invoice (or refund) of ``amount`` untaxed."""
        company = values.pop("company", cls.company_1)
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
                | values
            )
        )
        move.action_post()
        return move
