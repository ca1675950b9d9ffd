from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_index

from ..tools.job_wake import wake_after_commit

# The job that makes the handoffs of won deals (woken once per transaction,
# see ``wake_after_commit``).
JOB = "crm_service_link.ir_cron_service_handoff_pending"


class CrmLead(models.Model):
    _inherit = "crm.lead"

    service_handoff_ids = fields.One2many("crm.service.handoff", "lead_id", string="Handoff")
    service_handoff_count = fields.Integer(compute="_compute_service_handoff_count")
    service_handoff_pending = fields.Boolean(
        string="Handoff Being Prepared",
        readonly=True,
        copy=False,
        help="Won, its handoff to service is being prepared by a scheduled job, woken "
        "by the win; opening the handoff makes it at once.",
    )

    def init(self):
        res = super().init()
        # the scheduled job looks for the few marked leads
        create_index(
            self.env.cr,
            "crm_lead_service_handoff_pending_index",
            self._table,
            ["id"],
            where="service_handoff_pending",
        )
        return res

    @api.depends("service_handoff_ids")
    def _compute_service_handoff_count(self):
        counts = dict(
            self.env["crm.service.handoff"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.service_handoff_count = counts.get(lead, 0)

    def _check_service_fields(self, vals):
        if "service_handoff_pending" in vals and not self.env.su:
            raise UserError(
                self.env._("Only the system marks an opportunity whose handoff is being prepared.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_service_fields(vals)
        if "default_service_handoff_pending" in self.env.context:
            self._check_service_fields({"service_handoff_pending": True})
        leads = super().create(vals_list)
        # born won (created in a won stage, or imported as won): its handoff,
        # as if it had been won afterwards
        leads._service_mark_won()
        return leads

    def write(self, vals):
        self._check_service_fields(vals)
        if vals.get("stage_id") and self.env["crm.stage"].browse(vals["stage_id"]).is_won:
            won = self._service_to_mark(stage_won=True)
            if won == self and "company_id" not in vals:
                # the mark goes with the win, in the same UPDATE
                vals = dict(vals, service_handoff_pending=True)
            res = super().write(vals)
            self._service_mark_won(won if "company_id" not in vals else None)
            return res
        return super().write(vals)

    def _service_to_mark(self, stage_won=False):
        """These opportunities in a won stage (``stage_won``: about to be) whose
        company starts handoffs at the win, when no handoff is in the making."""
        return self.filtered(
            lambda lead: (
                (stage_won or lead.stage_id.is_won)
                and not lead.service_handoff_pending
                and (lead.company_id or self.env.company).service_handoff_trigger == "won"
            )
        )

    def _service_mark_won(self, won=None):
        """Mark the opportunities that stand in a won stage, when their company
        starts handoffs at the win, and wake the job that makes their handoffs.

        The handoff is not made inside the win: winning is Odoo's hottest
        write (its lead scoring updates frequency rows that every win shares,
        so overlapping wins conflict and are retried), and a handoff made per
        win would nearly double the win's work. The mark is written with the
        win (same UPDATE); the scheduled job, woken after the commit, makes the
        handoffs of every marked deal in one batch, a second or two later; a
        user who opens the handoff first gets it made at once (see
        ``crm.service.handoff._create_pending``).
        """
        won = won if won is not None else self._service_to_mark()
        if not won:
            return
        unmarked = won.filtered(lambda lead: not lead.service_handoff_pending)
        if unmarked:
            # sudo: a system mark, on leads the caller has just written
            unmarked.sudo().service_handoff_pending = True
        wake_after_commit(self.env, JOB)

    def _service_handoffs_split(self):
        """(all handoffs of these opportunities, those that must be kept).

        A handoff that holds what sales or service entered (see
        crm.service.handoff._has_sales_work) is the record of what was
        promised; an empty draft holds nothing that its opportunity does not."""
        # sudo(): the check must see every handoff, also those of other sales owners
        handoffs = self.sudo().service_handoff_ids
        return handoffs, handoffs._has_sales_work()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_handed_over(self):
        kept = self._service_handoffs_split()[1]
        if kept:
            raise UserError(
                self.env._(
                    "These opportunities were handed over to service and cannot be "
                    "deleted: %(leads)s. Archive them instead.",
                    leads=", ".join(kept.lead_id.mapped("display_name")),
                )
            )

    def unlink(self):
        handoffs, kept = self._service_handoffs_split()
        if not kept:
            # The empty drafts go with their opportunities (sudo as above), with
            # their copied files; the database cascade covers the uninstall.
            handoffs.unlink()
        return super().unlink()

    def _update_revenues_from_so(self, order):
        # sudo: confirming an order updates its opportunity's expected revenue
        # (sale_crm), also when the salesman who confirms cannot read that
        # opportunity; only the confirmed order's amount is written.
        return super(CrmLead, self.sudo())._update_revenues_from_so(order)

    def action_open_service_handoff(self):
        self.ensure_one()
        if self.service_handoff_pending:
            # the user is faster than the job: make it now
            self.env["crm.service.handoff"]._create_pending(self.ids)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_service_link.crm_service_handoff_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        if self.service_handoff_ids:
            action.update(
                view_mode="form", res_id=self.service_handoff_ids[:1].id, views=[(False, "form")]
            )
        return action
