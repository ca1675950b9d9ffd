from odoo import api, fields, models

ROI_GROUP = "crm_campaign_roi.crm_campaign_roi_group_user"


class CrmCampaignRoiMixin(models.AbstractModel):
    """Touches and attributed revenue of an opportunity or a customer.

    Read with the user's access rights: only the touches and attribution
    lines of the user's allowed companies count.
    """

    _name = "crm.campaign.roi.mixin"
    _description = "Campaign Touches and Attributed Revenue"

    campaign_touch_count = fields.Integer(
        string="Campaign Touches", compute="_compute_campaign_roi", groups=ROI_GROUP
    )
    campaign_attributed_revenue = fields.Monetary(
        string="Attributed Revenue",
        compute="_compute_campaign_roi",
        currency_field="campaign_roi_currency_id",
        groups=ROI_GROUP,
        help="Revenue attributed to campaigns under each company's default attribution model.",
    )
    campaign_roi_currency_id = fields.Many2one(
        "res.currency", string="Campaign Reporting Currency", compute="_compute_campaign_roi"
    )

    @api.depends_context("company", "allowed_company_ids")
    def _compute_campaign_roi(self):
        records = self.filtered("id")
        field = self._campaign_roi_field()
        keys = {record: record._campaign_roi_key() for record in records}
        counts = records._campaign_roi_touch_counts()
        Attribution = self.env["crm.campaign.attribution"]
        revenues = Attribution._roi_revenue_by(field, {key for key in keys.values() if key})
        currency = Attribution._roi_reporting_currency()
        for record in self:
            key = keys.get(record)
            record.campaign_touch_count = counts.get(record.id, 0)
            record.campaign_attributed_revenue = revenues.get(key, 0.0) if key else 0.0
            record.campaign_roi_currency_id = currency

    def _campaign_roi_field(self):
        """The field of the attribution lines pointing to these records."""
        raise NotImplementedError

    def _campaign_roi_key(self):
        """The id the attribution lines carry in ``_campaign_roi_field``."""
        raise NotImplementedError

    def _campaign_roi_touch_domain(self):
        """Domain of the touches of this record."""
        raise NotImplementedError

    def _campaign_roi_touch_counts(self):
        """{record id: number of touches}, in a constant number of queries."""
        raise NotImplementedError

    def action_view_campaign_touches(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_campaign_roi.crm_campaign_touch_action"
        )
        action["domain"] = self._campaign_roi_touch_domain()
        action["context"] = {"search_default_group_campaign": 1, "create": False}
        return action

    def action_view_campaign_attribution(self):
        """Attribution lines by campaign, filtered on the company's default model."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_campaign_roi.crm_campaign_attribution_action_customer"
        )
        action["domain"] = [(self._campaign_roi_field(), "=", self._campaign_roi_key())]
        action["context"] = {
            f"search_default_{self.env.company.campaign_roi_default_model}": 1,
            "search_default_group_campaign": 1,
        }
        return action
