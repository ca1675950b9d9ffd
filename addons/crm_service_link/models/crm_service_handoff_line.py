from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmServiceHandoffLineMixin(models.AbstractModel):
    """A line of a handoff: same company, deleted with it."""

    _name = "crm.service.handoff.line.mixin"
    _description = "Handoff Line"

    handoff_id = fields.Many2one(
        "crm.service.handoff", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="handoff_id.company_id", store=True, index=True)


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

    def write(self, vals):
        if not self.env.context.get("service_handoff_snapshot"):
            raise UserError(self.env._("The products sold at the handoff cannot be changed."))
        return super().write(vals)


class CrmServiceHandoffCommitment(models.Model):
    _inherit = ["crm.service.handoff.line.mixin"]
    _name = "crm.service.handoff.commitment"
    _description = "Handoff Commitment"
    _order = "due_date, id"

    name = fields.Char(string="Commitment", required=True)
    due_date = fields.Date(required=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")

    def _schedule_activities(self):
        """One activity per commitment, for the service owner, on its due date."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("crm.service.handoff")
        pending = self.filtered(lambda line: not line.activity_id)
        # sudo: activities assigned to the service owner on a handoff the user accepts.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": line.handoff_id.id,
                        "activity_type_id": todo.id,
                        "summary": line.name,
                        "date_deadline": line.due_date,
                        "user_id": (
                            line.handoff_id.service_user_id
                            or line.handoff_id.service_team_id.manager_id
                        ).id
                        or self.env.user.id,
                    }
                    for line in pending
                ]
            )
        )
        for line, activity in zip(pending, activities, strict=True):
            line.activity_id = activity


class CrmServiceHandoffChecklistLine(models.Model):
    _inherit = ["crm.service.handoff.line.mixin"]
    _name = "crm.service.handoff.checklist.line"
    _description = "Handoff Checklist Line"
    _order = "sequence, id"

    item_id = fields.Many2one(
        "crm.service.checklist.item", string="Checklist Item", ondelete="set null"
    )
    sequence = fields.Integer(related="item_id.sequence", store=True)
    name = fields.Char(string="Item", required=True)
    required = fields.Boolean()
    done = fields.Boolean()

    @api.constrains("done")
    def _check_editable(self):
        if any(line.handoff_id.state in ("submitted", "accepted") for line in self):
            raise UserError(self.env._("The checklist of a submitted handoff is closed."))


class CrmServiceChecklistItem(models.Model):
    _name = "crm.service.checklist.item"
    _description = "Handoff Checklist Item"
    _order = "sequence, id"

    team_id = fields.Many2one("crm.service.team", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Item", required=True, translate=True)
    required = fields.Boolean(default=True)
