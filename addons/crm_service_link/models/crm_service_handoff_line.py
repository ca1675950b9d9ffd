from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.integrity import field_labels

EDITABLE_STATES = ("draft", "returned")


class CrmServiceHandoffLineMixin(models.AbstractModel):
    """A line of a handoff: same company, deleted with it."""

    _name = "crm.service.handoff.line.mixin"
    _description = "Handoff Line"

    handoff_id = fields.Many2one(
        "crm.service.handoff", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="handoff_id.company_id", store=True, index=True, precompute=True
    )

    def _check_preparing(self, handoffs):
        """Users change the lines of a handoff only while sales prepare it."""
        closed = handoffs.filtered(lambda handoff: handoff.state not in EDITABLE_STATES)
        if closed:
            raise UserError(
                self.env._(
                    "The handoff %(handoff)s was submitted: its lines are closed.",
                    handoff=closed[0].name,
                )
            )

    def _check_user_fields(self, fnames, allowed):
        refused = set(fnames) - set(allowed)
        if refused:
            raise UserError(
                self.env._(
                    "These fields of a handoff line are set by the system: %(fields)s",
                    fields=field_labels(self, refused),
                )
            )


class CrmServiceHandoffContact(models.Model):
    _inherit = ["crm.service.handoff.line.mixin"]
    _name = "crm.service.handoff.contact"
    _description = "Handoff Contact"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one("res.partner", string="Contact", required=True)
    role = fields.Char(help="e.g. Decision maker, Technical contact, Billing")
    email = fields.Char(related="partner_id.email")
    phone = fields.Char(related="partner_id.phone")


class CrmServiceHandoffProduct(models.Model):
    _inherit = ["crm.service.handoff.line.mixin"]
    _name = "crm.service.handoff.product"
    _description = "Handoff Product"
    _order = "id"

    product_id = fields.Many2one("product.product")
    name = fields.Char(string="Description", required=True)
    quantity = fields.Float(digits="Product Unit of Measure")
    uom_id = fields.Many2one("uom.uom", string="Unit")


class CrmServiceHandoffCommitment(models.Model):
    _inherit = ["crm.service.handoff.line.mixin"]
    _name = "crm.service.handoff.commitment"
    _description = "Handoff Commitment"
    _order = "due_date, id"

    name = fields.Char(string="Commitment", required=True)
    due_date = fields.Date(required=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")

    @api.constrains("due_date", "handoff_id")
    def _check_due_date(self):
        for line in self:
            won = line.handoff_id.won_date
            if won and line.due_date < won.date():
                raise ValidationError(
                    self.env._(
                        "The commitment %(name)s is due on %(due)s, before the deal was won "
                        "(%(won)s).",
                        name=line.name,
                        due=line.due_date,
                        won=won.date(),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_user_fields(vals, ("handoff_id", "name", "due_date"))
            handoff_ids = {vals.get("handoff_id") for vals in vals_list}
            self._check_preparing(self.env["crm.service.handoff"].browse(handoff_ids))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_user_fields(vals, ("name", "due_date"))
            self._check_preparing(self.handoff_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        if not self.env.su:
            self._check_preparing(self.handoff_id)

    def _schedule_activities(self):
        """One activity per commitment, for the service owner, on its due date."""
        for line in self.filtered(lambda line: not line.activity_id):
            handoff = line.handoff_id
            owner = handoff.service_user_id or handoff.service_team_id.manager_id or self.env.user
            # sudo: activities assigned to the service owner on a handoff the user accepts.
            line.activity_id = handoff.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=line.due_date,
                summary=line.name,
                user_id=owner.id,
            )


class CrmServiceHandoffChecklistLine(models.Model):
    _inherit = ["crm.service.handoff.line.mixin"]
    _name = "crm.service.handoff.checklist.line"
    _description = "Handoff Checklist Line"
    _order = "sequence, id"

    item_id = fields.Many2one(
        "crm.service.checklist.item", string="Checklist Item", ondelete="set null"
    )
    sequence = fields.Integer(related="item_id.sequence", store=True)
    name = fields.Char(string="Item", required=True, readonly=True)
    required = fields.Boolean(readonly=True, help="Copied from the team's checklist item.")
    done = fields.Boolean()

    @api.model_create_multi
    def create(self, vals_list):
        # Name and requirement come from the team's item, not from the caller.
        items = self.env["crm.service.checklist.item"].browse(
            {vals["item_id"] for vals in vals_list if vals.get("item_id")}
        )
        by_id = {item.id: item for item in items}
        for vals in vals_list:
            item = by_id.get(vals.get("item_id"))
            if item:
                vals.update(name=item.name, required=item.required)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_user_fields(vals, ("done",))
            self._check_preparing(self.handoff_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        submitted = self.handoff_id.filtered("submitted_date")
        if submitted:
            raise UserError(
                self.env._(
                    "The checklist of the handoff %(handoff)s was submitted: its items "
                    "cannot be removed.",
                    handoff=submitted[0].name,
                )
            )


class CrmServiceChecklistItem(models.Model):
    _name = "crm.service.checklist.item"
    _inherit = ["crm.service.number.mixin"]
    _description = "Handoff Checklist Item"
    _order = "sequence, id"

    team_id = fields.Many2one("crm.service.team", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Item", required=True, translate=True)
    required = fields.Boolean(default=True)
