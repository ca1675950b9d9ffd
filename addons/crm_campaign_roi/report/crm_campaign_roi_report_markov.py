from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.currency_sql import factor_sql


class CrmCampaignRoiReport(models.Model):
    """The Markov model's column of the model comparison."""

    _inherit = "crm.campaign.roi.report"

    revenue_markov = fields.Monetary(string="Markov Chain", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT b.*,
                   COALESCE(ROUND(m.amount * %(factor)s / rep.rounding) * rep.rounding, 0)
                       AS revenue_markov
              FROM (%(base)s) AS b
              JOIN res_currency rep ON rep.id = b.currency_id
              LEFT JOIN (
                SELECT a.campaign_id, a.conversion_model, a.conversion_id, a.company_id,
                       c.currency_id, SUM(a.amount) AS amount
                  FROM crm_campaign_attribution a
                  JOIN res_company c ON c.id = a.company_id
                 WHERE a.attribution_model = 'markov'
                 GROUP BY 1, 2, 3, 4, 5
              ) AS m ON m.campaign_id = b.campaign_id
                    AND m.conversion_model = b.conversion_model
                    AND m.conversion_id = b.conversion_id
            """,
            base=super()._query(),
            factor=factor_sql(
                SQL("m.currency_id"),
                SQL("b.currency_id"),
                SQL("m.company_id"),
                SQL("b.conversion_date::date"),
            ),
        )

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """The Markov column says why it is empty when the model is not computed."""
        res = super().fields_get(allfields, attributes)
        if "revenue_markov" in res:
            verdicts = self.env["crm.campaign.markov.effect"]._markov_verdicts(self.env.companies)
            reasons = [reason for reason in verdicts.values() if reason]
            if reasons:
                field = res["revenue_markov"]
                if "string" in field:
                    field["string"] = self.env._("Markov Chain (not computed)")
                if "help" in field or attributes is None or "help" in attributes:
                    field["help"] = "\n".join(dict.fromkeys(reasons))
        return res
