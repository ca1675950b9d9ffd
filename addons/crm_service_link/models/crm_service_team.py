import ast

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CrmServiceTeam(models.Model):
    _name = "crm.service.team"
    _inherit = ["mail.alias.mixin", "crm.service.number.mixin"]
    _description = "Service Team"
    _order = "sequence, name, id"
    _check_company_auto = True

    # Identity
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # People
    manager_id = fields.Many2one(
        "res.users",
        string="Team Manager",
        check_company=True,
        domain="[('share', '=', False)]",
    )
    member_ids = fields.Many2many(
        "res.users",
        "crm_service_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        check_company=True,
        domain="[('share', '=', False)]",
    )
    # Working time
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        default=lambda self: self.env.company.resource_calendar_id,
        help="Response and resolution targets of this team count in these working hours.",
    )
    # Handoff checklist
    checklist_item_ids = fields.One2many(
        "crm.service.checklist.item", "team_id", string="Handoff Checklist"
    )
    alias_id = fields.Many2one(
        help="E-mails sent to this address create service requests for the team."
    )

    @api.constrains("resource_calendar_id")
    def _check_calendar(self):
        try:
            self.resource_calendar_id._service_check_working_time()
        except UserError as error:
            raise ValidationError(error.args[0]) from None

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("crm.service.request")
        if self.id:
            defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            defaults["company_id"] = self.company_id.id
            values["alias_defaults"] = str(defaults)
        return values
