import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_index

_logger = logging.getLogger(__name__)

# The ids of the leads won in the current transaction whose attribution is
# computed right after its commit (key of the cursor's post-commit data).
PENDING_KEY = "crm_campaign_roi.pending_attribution_lead_ids"


class CrmLead(models.Model):
    """The attribution of a win, right after its commit.

    Winning an opportunity is Odoo's hottest write: its lead scoring updates
    frequency rows that every win shares, so two wins whose transactions
    overlap conflict and one is retried. Computing the conversion's lines
    inside the win would lengthen that transaction, and so the conflicts.
    The won lead is marked in the win's own UPDATE; its lines are computed in
    one transaction right after the commit, before the answer reaches the
    user, and by a scheduled job for those left (see
    ``crm.campaign.attribution._refresh_pending``). Other changes of a
    conversion (its revenue, its customer, a loss, a deletion) refresh its
    lines in their own transaction, as before.
    """

    _inherit = "crm.lead"

    campaign_roi_pending = fields.Boolean(
        string="Attribution Being Computed",
        readonly=True,
        copy=False,
        help="Won, the attribution of its revenue to campaigns is computed right after "
        "the win is saved, and by a scheduled job if that failed.",
    )

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            "crm_lead_campaign_roi_pending_index",
            self._table,
            ["id"],
            where="campaign_roi_pending",
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and (
            "default_campaign_roi_pending" in self.env.context
            or any("campaign_roi_pending" in vals for vals in vals_list)
        ):
            self._campaign_roi_refuse_pending()
        return super().create(vals_list)

    def write(self, vals):
        if "campaign_roi_pending" in vals and not self.env.su:
            self._campaign_roi_refuse_pending()
        return super().write(vals)

    def _campaign_roi_refuse_pending(self):
        raise UserError(
            self.env._("Only the system marks an opportunity whose attribution is being computed.")
        )

    def _campaign_roi_deferred_win(self, vals):
        """True when this write wins these opportunities, none of them won
        yet, all in companies that count won leads: their attribution is
        then computed after the commit. Read from the cache."""
        if not vals.get("stage_id") or "company_id" in vals or "active" in vals:
            return False
        if not self.env["crm.stage"].browse(vals["stage_id"]).is_won:
            return False
        leads = self.sudo()
        return all(
            lead.active
            and not lead.stage_id.is_won
            and lead.company_id.campaign_roi_conversion == "lead_won"
            for lead in leads
        )

    def _campaign_roi_after_commit(self):
        """Compute the attribution of these leads after the commit."""
        postcommit = self.env.cr.postcommit
        pending = postcommit.data.setdefault(PENDING_KEY, set())
        if not pending:
            registry, uid, lang = self.env.registry, self.env.uid, self.env.lang

            def refresh_pending_attribution():
                try:
                    with registry.cursor() as cr:
                        env = api.Environment(cr, uid, {"lang": lang})
                        env["crm.campaign.attribution"]._refresh_pending(sorted(pending))
                except Exception:  # the scheduled job computes them
                    _logger.warning(
                        "Attribution of the leads %s left to the scheduled job",
                        sorted(pending),
                        exc_info=True,
                    )

            postcommit.add(refresh_pending_attribution)
        pending.update(self.ids)
