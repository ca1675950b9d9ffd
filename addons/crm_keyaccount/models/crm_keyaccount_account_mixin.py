from odoo import fields, models


class CrmKeyaccountAccountMixin(models.AbstractModel):
    """Records attached to one key account (a commercial partner) of a company."""

    _name = "crm.keyaccount.account.mixin"
    _description = "Key-Account Record"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
