# The lift measure kept apart from the holdout's fields and checks.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.tools import SQL

from ..tools.lift_sql import arm_figures_query
from .crm_campaign_holdout import MAILING_MODEL

# The tables that the lift reads, besides the conversions' own.
LIFT_SOURCE_FIELDS = {
    "crm.campaign.holdout": ["company_id", "sent_date", "campaign_id", "mailing_id"],
    "crm.campaign.holdout.member": ["holdout_id", "partner_id"],
    "res.currency.rate": ["rate", "name", "company_id", "currency_id"],
}


class CrmCampaignHoldout(models.Model):
    _inherit = "crm.campaign.holdout"

    @api.model
    def _lift_arms(self, holdouts):
        """{holdout id: {"treated": (n, conversions, revenue, squares),
        "control": (...), "cost": c}} of sent holdouts, in a fixed number of
        queries whatever the number of recipients.

        The mailed arm is the mailing's traces (every recipient the send
        handled, as the held-out arm holds every recipient kept out), the
        held-out arm the members. A mailing's cost is its campaign's actual
        cost shared among the mailings of the campaign and its sub-campaigns
        by their number of traces.
        """
        holdouts = holdouts.filtered("sent_date")
        if not holdouts or MAILING_MODEL not in self.env:
            return {}
        # sudo: the lift counts the recipients of every arm, whoever may read
        # the traces and the customers; only the totals are shown.
        holdouts = holdouts.sudo()
        Attribution = self.env["crm.campaign.attribution"]
        Attribution._flush_sources(Attribution._conversion_models(holdouts.company_id))
        for model, fnames in LIFT_SOURCE_FIELDS.items():
            self.env[model].flush_model(fnames)
        self.env["mailing.trace"].flush_model(["mass_mailing_id", "model", "res_id", "email"])
        by_mailing = {holdout.mailing_id: holdout.id for holdout in holdouts}
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT DISTINCT ON (mass_mailing_id, model, res_id)
                          mass_mailing_id, model, res_id, email
                     FROM mailing_trace WHERE mass_mailing_id = ANY(%s)
                    ORDER BY mass_mailing_id, model, res_id, id""",
                list(by_mailing),
            )
        )
        traces = cr.fetchall()
        by_model = {}
        for _mailing_id, model, res_id, email in traces:
            by_model.setdefault(model, {})[res_id] = email
        Member = self.env["crm.campaign.holdout.member"]
        customers = {
            model: Member._holdout_recipients(model, list(emails), emails)
            for model, emails in by_model.items()
        }
        arm_holdouts, arm_treated, arm_partners = [], [], []
        for mailing_id, model, res_id, _email in traces:
            arm_holdouts.append(by_mailing[mailing_id])
            arm_treated.append(True)
            arm_partners.append(customers[model][res_id][0])
        cr.execute(
            SQL(
                "SELECT holdout_id, partner_id FROM crm_campaign_holdout_member "
                "WHERE holdout_id = ANY(%s)",
                holdouts.ids,
            )
        )
        for holdout_id, partner_id in cr.fetchall():
            arm_holdouts.append(holdout_id)
            arm_treated.append(False)
            arm_partners.append(partner_id)
        result = {holdout.id: {} for holdout in holdouts}
        if arm_holdouts:
            cr.execute(
                arm_figures_query(
                    holdouts.ids, arm_holdouts, arm_treated, arm_partners, holdouts.company_id.ids
                )
            )
            for holdout_id, treated, count, conversions, revenue, squares in cr.fetchall():
                result[holdout_id]["treated" if treated else "control"] = (
                    count,
                    conversions,
                    revenue,
                    squares,
                )
        self._lift_costs(holdouts, result)
        return result

    @api.model
    def _lift_costs(self, holdouts, result):
        """Each holdout's share of its campaign's actual cost (see _lift_arms)."""
        campaigns = holdouts.campaign_id
        if not campaigns:
            return
        Campaign = self.env["utm.campaign"]
        self.env["utm.campaign"].flush_model(["parent_path"])
        self.env.cr.execute(
            SQL(
                """SELECT tree.root_id, COUNT(t.id) FROM (%s) AS tree
                     JOIN mailing_trace t ON t.campaign_id = tree.campaign_id
                    GROUP BY tree.root_id""",
                Campaign._roi_tree(campaigns),
            )
        )
        traces = dict(self.env.cr.fetchall())
        # the cost as the user sees it on the campaign (allowed companies)
        costs = {campaign.id: campaign.actual_cost for campaign in campaigns.with_env(self.env)}
        for holdout in holdouts:
            treated = result[holdout.id].get("treated")
            total = traces.get(holdout.campaign_id.id)
            if treated and total:
                result[holdout.id]["cost"] = (
                    costs.get(holdout.campaign_id.id, 0.0) * treated[0] / total
                )
