"""The three addons together on the core flows that they extend: what each
one adds to confirming a quotation still happens when the salesman who
confirms cannot read the opportunity behind it."""

from odoo.tests import TransactionCase, new_test_user

from odoo_case import repository_case


@repository_case
class TestConfirmWithoutReadingTheOpportunity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.campaign_roi_conversion = "sale_confirmed"
        company.service_handoff_trigger = "sale"
        # Salesmen of the "own documents only" group: neither reads the
        # other's opportunities.
        cls.owner = new_test_user(
            cls.env, login="integrity_owner", groups="sales_team.group_sale_salesman"
        )
        cls.seller = new_test_user(
            cls.env, login="integrity_seller", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Integrity Works", "is_company": True}
        )
        cls.campaign = cls.env["utm.campaign"].create({"name": "Integrity fair"})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Integrity: 12 licences",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "campaign_id": cls.campaign.id,
                "user_id": cls.owner.id,
            }
        )
        product = cls.env["product.product"].create({"name": "Licence", "list_price": 250.0})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "opportunity_id": cls.lead.id,
                "campaign_id": cls.campaign.id,
                "user_id": cls.seller.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 12})],
            }
        )

    def test_confirm_by_a_salesman_who_cannot_read_the_opportunity(self):
        Lead = self.env["crm.lead"].with_user(self.seller)
        self.assertFalse(Lead.search([("id", "=", self.lead.id)]), "the lead is not his")

        self.order.with_user(self.seller).action_confirm()

        self.assertEqual(self.order.state, "sale")
        handoffs = self.env["crm.service.handoff"].search([("lead_id", "=", self.lead.id)])
        self.assertEqual(len(handoffs), 1, "the confirmation creates the handoff")
        self.assertEqual(handoffs.sale_order_id, self.order)
        lines = self.env["crm.campaign.attribution"].search(
            [
                ("conversion_model", "=", "sale.order"),
                ("conversion_id", "=", self.order.id),
                ("attribution_model", "=", "linear"),
            ]
        )
        self.assertEqual(lines.campaign_id, self.campaign)
        self.assertAlmostEqual(sum(lines.mapped("amount")), self.order.amount_untaxed, places=2)
