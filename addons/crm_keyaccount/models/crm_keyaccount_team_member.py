from odoo import fields, models


class CrmKeyaccountTeamMember(models.Model):
    _name = "crm.keyaccount.team.member"
    _inherit = ["crm.keyaccount.account.mixin"]
    _description = "Key-Account Team Member"
    _order = "partner_id, sequence, id"

    sequence = fields.Integer(default=10)
    user_id = fields.Many2one(
        "res.users", string="Member", required=True, index=True, ondelete="cascade"
    )
    role = fields.Selection(
        [
            ("sponsor", "Executive Sponsor"),
            ("sales", "Sales"),
            ("presales", "Pre-Sales / Technical"),
            ("service", "Service"),
            ("finance", "Finance"),
            ("other", "Other"),
        ],
        required=True,
        default="sales",
    )
    note = fields.Char()

    _sql_constraints = [
        (
            "partner_user_uniq",
            "unique(partner_id, user_id)",
            "A user appears only once in the team of an account.",
        ),
    ]
