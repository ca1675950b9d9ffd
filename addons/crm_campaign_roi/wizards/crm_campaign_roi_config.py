from odoo import api, fields, models


class CrmCampaignRoiConfig(models.TransientModel):
    """Attribution settings of the current company, for campaign-ROI managers.

    Administrators find the same settings in Settings > CRM.
    """

    _name = "crm.campaign.roi.config"
    _inherit = ["crm.campaign.roi.settings.mixin"]
    _description = "Campaign ROI Settings"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )

    @api.model_create_multi
    def create(self, vals_list):
        # The related fields would write the company as the current user, who
        # may not edit companies: keep them aside and write them with _apply.
        self_vals = []
        for vals in vals_list:
            vals["company_id"] = self.env.company.id
            self_vals.append(self._pop_roi_settings(vals))
        wizards = super().create(vals_list)
        for wizard, settings in zip(wizards, self_vals, strict=True):
            wizard._apply(settings)
        return wizards

    def _apply(self, settings):
        self.ensure_one()
        if settings:
            # Safe: this model is only accessible to campaign-ROI managers,
            # and only the campaign_roi_* settings of the user's current
            # company are written (constraints still apply).
            self.company_id.sudo().write(settings)

    def action_apply(self):
        return {"type": "ir.actions.act_window_close"}

    def action_recompute(self):
        self.ensure_one()
        self.env["crm.campaign.attribution"].sudo()._recompute_all(self.company_id)
        return {"type": "ir.actions.act_window_close"}
