import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_index

_logger = logging.getLogger(__name__)

# The ids of the leads won in the current transaction whose handoffs are made
# right after its commit (key of the cursor's post-commit data).
PENDING_KEY = "crm_service_link.pending_handoff_lead_ids"


class CrmLead(models.Model):
    _inherit = "crm.lead"

    service_handoff_ids = fields.One2many("crm.service.handoff", "lead_id", string="Handoff")
    service_handoff_count = fields.Integer(compute="_compute_service_handoff_count")
    service_handoff_pending = fields.Boolean(
        string="Handoff Being Prepared",
        readonly=True,
        copy=False,
        help="Won, its handoff to service is being prepared: it is made right after the "
        "win is saved, and by a scheduled job if that failed.",
    )

    def init(self):
        res = super().init()
        # the scheduled job and the post-commit step look for the few pending leads
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
        starts handoffs at the win, and make their handoffs after the commit.

        The handoff is not made inside the win's transaction: its snapshot and
        checklist would lengthen that transaction, in which Odoo's lead scoring
        updates rows that every win shares, and so the conflicts between
        concurrent wins. The mark is written with the win (same UPDATE), the
        handoffs are made in one transaction right after the commit, before
        the answer reaches the user, and a scheduled job makes those that
        could not be (see ``crm.service.handoff._create_pending``).
        """
        won = won if won is not None else self._service_to_mark()
        if not won:
            return
        unmarked = won.filtered(lambda lead: not lead.service_handoff_pending)
        if unmarked:
            # sudo: a system mark, on leads the caller has just written
            unmarked.sudo().service_handoff_pending = True
        postcommit = self.env.cr.postcommit
        pending = postcommit.data.setdefault(PENDING_KEY, set())
        if not pending:
            postcommit.add(self._service_handoff_after_commit(pending))
        pending.update(won.ids)

    def _service_handoff_after_commit(self, pending):
        registry, uid, lang = self.env.registry, self.env.uid, self.env.lang

        def create_pending_handoffs():
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, uid, {"lang": lang})
                    env["crm.service.handoff"]._create_pending(sorted(pending))
            except Exception:  # the scheduled job makes them
                _logger.warning(
                    "Handoffs of the leads %s left to the scheduled job",
                    sorted(pending),
                    exc_info=True,
                )

        return create_pending_handoffs

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
            # the user is faster than the step after the commit: make it now
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
