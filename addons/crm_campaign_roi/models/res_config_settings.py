from odoo import api, fields, models

from .res_company import ROI_SETTING_FIELDS


class CrmCampaignRoiSettingsMixin(models.AbstractModel):
    """The company's attribution settings as editable related fields."""

    _name = "crm.campaign.roi.settings.mixin"
    _description = "Campaign ROI Settings Fields"

    company_id = fields.Many2one("res.company")
    campaign_roi_conversion = fields.Selection(
        related="company_id.campaign_roi_conversion", readonly=False
    )
    campaign_roi_lookback_days = fields.Integer(
        related="company_id.campaign_roi_lookback_days", readonly=False
    )
    campaign_roi_half_life_days = fields.Float(
        related="company_id.campaign_roi_half_life_days", readonly=False
    )
    campaign_roi_default_model = fields.Selection(
        related="company_id.campaign_roi_default_model", readonly=False
    )
    campaign_roi_weight_first = fields.Float(
        related="company_id.campaign_roi_weight_first", readonly=False
    )
    campaign_roi_weight_middle = fields.Float(
        related="company_id.campaign_roi_weight_middle", readonly=False
    )
    campaign_roi_weight_last = fields.Float(
        related="company_id.campaign_roi_weight_last", readonly=False
    )
    campaign_roi_dedup = fields.Selection(related="company_id.campaign_roi_dedup", readonly=False)

    @api.model
    def _pop_roi_settings(self, vals):
        """Take the company settings out of ``vals``, to write them at once.

        Written one by one (as related fields are), the custom weights would
        fail their 100 % constraint halfway and each setting would recompute
        the attribution again.
        """
        return {
            name: vals.pop(name)
            for name in [*ROI_SETTING_FIELDS, "campaign_roi_dedup"]
            if name in vals
        }


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "crm.campaign.roi.settings.mixin"]

    campaign_roi_reporting_currency_id = fields.Many2one(
        "res.currency",
        string="Campaign Reporting Currency",
        default=lambda self: self.env["res.company"]._campaign_roi_reporting_currency(),
        help="Every campaign figure is consolidated over your companies in this currency "
        "(a setting of the main company).",
    )
    campaign_roi_control_percent = fields.Float(
        related="company_id.campaign_roi_control_percent", readonly=False
    )

    def set_values(self):
        res = super().set_values()
        Company = self.env["res.company"]
        currency = self.campaign_roi_reporting_currency_id
        if currency and currency != Company._campaign_roi_reporting_currency():
            # as the user: only administrators save the settings and may write
            # the main company
            Company._campaign_roi_main_company().with_env(self.env).write(
                {"campaign_roi_reporting_currency_id": currency.id}
            )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        settings = [self._pop_roi_settings(vals) for vals in vals_list]
        records = super().create(vals_list)
        for record, values in zip(records, settings, strict=True):
            if values:
                # as the user: only administrators open the settings and may
                # write their company
                record.company_id.write(values)
        return records
