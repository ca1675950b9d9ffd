from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_index

from ..tools.job_wake import wake_after_commit

# The job that computes the attribution of won deals (woken once per
# transaction, see ``wake_after_commit``).
JOB = "crm_campaign_roi.ir_cron_attribution_pending"


class CrmLead(models.Model):
    """The attribution of a win, by a job that the win wakes.

    Winning an opportunity is Odoo's hottest write: its lead scoring updates
    frequency rows that every win shares, so overlapping wins conflict and
    are retried, and computing the conversion's lines in each win would add
    half of a win's work to it. The won lead is marked in the win's own
    UPDATE; the scheduled job, woken after the commit, computes the lines of
    every marked lead in one batch, a second or two later (see
    ``crm.campaign.attribution._refresh_pending``). Other changes of a
    conversion (its revenue, its customer, a loss, a deletion) refresh its
    lines in their own transaction, as before.
    """

    _inherit = "crm.lead"

    campaign_roi_pending = fields.Boolean(
        string="Attribution Being Computed",
        readonly=True,
        copy=False,
        help="Won, the attribution of its revenue to campaigns is being computed by a "
        "scheduled job, woken by the win.",
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
        then computed by the job. Read from the cache."""
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

    def _campaign_roi_wake_job(self):
        """Wake the job that computes the attribution of the won leads (once
        per transaction)."""
        wake_after_commit(self.env, JOB)
