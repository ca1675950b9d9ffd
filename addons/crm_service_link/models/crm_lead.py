from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _inherit = "crm.lead"

    service_handoff_ids = fields.One2many("crm.service.handoff", "lead_id", string="Handoff")
    service_handoff_count = fields.Integer(compute="_compute_service_handoff_count")

    @api.depends("service_handoff_ids")
    def _compute_service_handoff_count(self):
        counts = dict(
            self.env["crm.service.handoff"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.service_handoff_count = counts.get(lead, 0)

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        # born won (created in a won stage, or imported as won): its handoff,
        # as if it had been won afterwards
        leads._service_create_won_handoffs()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if "stage_id" in vals:
            self._service_create_won_handoffs()
        return res

    def _service_create_won_handoffs(self):
        """The handoffs of these opportunities that stand in a won stage, when
        their company starts handoffs at the win (in batch)."""
        won = self.filtered(
            lambda lead: (
                lead.stage_id.is_won
                and (lead.company_id or self.env.company).service_handoff_trigger == "won"
            )
        )
        if won:
            self.env["crm.service.handoff"]._create_from_leads(won)

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
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_service_link.crm_service_handoff_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        if self.service_handoff_ids:
            action.update(
                view_mode="form", res_id=self.service_handoff_ids[:1].id, views=[(False, "form")]
            )
        return action
