from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.env["crm.campaign.touch"]._capture(orders, "order", "opportunity_id", new=True)
        return orders

    def write(self, vals):
        changed = self.browse()
        if vals.get("campaign_id"):
            changed = self.filtered(lambda order: order.campaign_id.id != vals["campaign_id"])
        res = super().write(vals)
        self.env["crm.campaign.touch"]._capture(changed, "order", "opportunity_id")
        return res

    def action_confirm(self):
        res = super().action_confirm()
        self._campaign_roi_refresh()
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self._campaign_roi_refresh()
        return res

    def action_draft(self):
        res = super().action_draft()
        self._campaign_roi_refresh()
        return res

    def _campaign_roi_refresh(self):
        self.env["crm.campaign.attribution"]._refresh_records(self)
