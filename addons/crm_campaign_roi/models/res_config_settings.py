from odoo import fields, models


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


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "crm.campaign.roi.settings.mixin"]
