from odoo import api, fields, models
from odoo.exceptions import AccessError


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

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members._check_may_staff()
        return members

    def write(self, vals):
        result = super().write(vals)
        if "partner_id" in vals or "user_id" in vals:
            self._check_may_staff()
        return result

    def _check_may_staff(self):
        """Only key-account managers and the account's own key-account manager
        add people to its team: nobody adds himself to another account."""
        if self.env.su or self.env.user.has_group("crm_keyaccount.crm_keyaccount_group_manager"):
            return
        # sudo: the manager of the account decides, whatever the user may read
        for member in self.sudo():
            if member.partner_id.keyaccount_manager_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only key-account managers and the key-account manager of "
                        "%(account)s can change its team.",
                        account=member.partner_id.display_name,
                    )
                )
