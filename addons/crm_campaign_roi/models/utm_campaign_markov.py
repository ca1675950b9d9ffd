# The Markov model kept apart from the rule-based models it extends.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.currency_sql import convert_sql
from .utm_campaign import KPI_SOURCE_MODELS, ROI_GROUP


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    markov_revenue = fields.Monetary(
        compute="_compute_markov_kpis",
        currency_field="roi_currency_id",
        groups=ROI_GROUP,
        help="Revenue attributed by the Markov model, with the sub-campaigns.",
    )
    markov_status = fields.Char(
        string="Markov Model",
        compute="_compute_markov_kpis",
        help="Why the Markov model of your company is not computed, if it is not.",
    )

    @api.depends_context("company", "allowed_company_ids", "roi_date_from", "roi_date_to")
    def _compute_markov_kpis(self):
        campaigns = self.filtered("id")
        (self - campaigns).update({"markov_revenue": 0.0, "markov_status": False})
        if not campaigns:
            return
        verdict = self.env["crm.campaign.markov.effect"]._markov_verdicts(self.env.company)
        status = verdict[self.env.company.id] or False
        for model in KPI_SOURCE_MODELS:
            self.env[model].flush_model()
        currency = self.env["res.company"]._campaign_roi_reporting_currency()
        self.env.cr.execute(
            SQL(
                """SELECT g.root_id, SUM(%s) FROM (
                        SELECT tree.root_id, a.company_id, c.currency_id,
                               a.conversion_date::date AS day, SUM(a.amount) AS amount
                          FROM (%s) tree
                          JOIN crm_campaign_attribution a ON a.campaign_id = tree.campaign_id
                          JOIN res_company c ON c.id = a.company_id
                         WHERE a.attribution_model = 'markov' AND a.company_id = ANY(%s) AND %s
                         GROUP BY 1, 2, 3, 4
                   ) g GROUP BY g.root_id""",
                convert_sql(
                    SQL("g.amount"),
                    SQL("g.currency_id"),
                    currency.id,
                    SQL("g.company_id"),
                    SQL("g.day"),
                ),
                self._roi_tree(campaigns),
                self.env.companies.ids,
                self._roi_period(SQL("a.conversion_date")),
            )
        )
        revenue = dict(self.env.cr.fetchall())
        for campaign in campaigns:
            campaign.markov_revenue = currency.round(float(revenue.get(campaign.id) or 0.0))
            campaign.markov_status = status

    @api.model
    def _roi_engine_fields(self):
        return [*super()._roi_engine_fields(), "markov_revenue", "markov_status"]
