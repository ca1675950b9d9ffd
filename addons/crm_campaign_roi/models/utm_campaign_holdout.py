# The holdout lift kept apart from the attribution KPIs it stands beside.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models

from .utm_campaign import ROI_GROUP


class UtmCampaign(models.Model):
    _name = "utm.campaign"
    _inherit = ["utm.campaign", "crm.campaign.lift.mixin"]

    holdout_ids = fields.One2many(
        "crm.campaign.holdout", "campaign_id", string="Mailing Holdouts", groups=ROI_GROUP
    )

    @api.depends_context("company", "allowed_company_ids", "roi_date_from", "roi_date_to")
    def _compute_lift(self):
        """The holdouts of the campaign and its sub-campaigns pooled: each
        arm adds up the recipients of every sent mailing (a customer mailed
        twice counts twice), against the campaign's actual cost."""
        campaigns = self.filtered("id")
        for campaign in self - campaigns:
            campaign._set_lift(None)
        if not campaigns:
            return
        Holdout = self.env["crm.campaign.holdout"]
        holdouts = Holdout.search(
            [("campaign_id", "child_of", campaigns.ids), ("state", "=", "sent")]
        )
        arms = Holdout._lift_arms(holdouts)
        paths = {campaign.id: campaign.parent_path for campaign in campaigns}
        for campaign in campaigns:
            pooled = {"treated": [0, 0, 0.0, 0.0], "control": [0, 0, 0.0, 0.0]}
            for holdout in holdouts:
                if not (holdout.campaign_id.parent_path or "").startswith(paths[campaign.id]):
                    continue
                for arm, totals in pooled.items():
                    for index, value in enumerate(arms.get(holdout.id, {}).get(arm, ())):
                        totals[index] += value
            pooled["cost"] = campaign.actual_cost
            campaign._set_lift(pooled if pooled["treated"][0] else None)

    @api.model
    def _roi_engine_fields(self):
        return [
            *super()._roi_engine_fields(),
            *(name for name, field in self._fields.items() if field.compute == "_compute_lift"),
        ]
