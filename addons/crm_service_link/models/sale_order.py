from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        res = super().action_confirm()
        orders = self.filtered(
            lambda order: (
                order.opportunity_id and order.company_id.service_handoff_trigger == "sale"
            )
        )
        if orders:
            self.env["crm.service.handoff"]._create_from_leads(orders.opportunity_id, orders)
        return res
