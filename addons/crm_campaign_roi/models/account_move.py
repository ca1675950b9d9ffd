from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._campaign_roi_refresh()
        return posted

    def button_draft(self):
        res = super().button_draft()
        self._campaign_roi_refresh()
        return res

    def button_cancel(self):
        res = super().button_cancel()
        self._campaign_roi_refresh()
        return res

    def _campaign_roi_refresh(self):
        invoices = self.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))
        self.env["crm.campaign.attribution"]._refresh_records(invoices)
