from odoo import fields, models


class CrmServiceTeam(models.Model):
    _name = "crm.service.team"
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
