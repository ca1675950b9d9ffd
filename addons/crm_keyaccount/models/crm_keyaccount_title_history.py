from odoo import fields, models


class CrmKeyaccountTitleHistory(models.Model):
    _name = "crm.keyaccount.title.history"
    _inherit = ["crm.keyaccount.account.mixin"]
    _description = "Key-Account Title History"
    _order = "date desc, id desc"

    old_title_id = fields.Many2one("crm.keyaccount.title", ondelete="set null")
    new_title_id = fields.Many2one("crm.keyaccount.title", ondelete="set null")
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Changed By", default=lambda self: self.env.user, readonly=True
    )
    reason = fields.Selection(
        [("manual", "Manual"), ("automatic", "Automatic (suggestion)")],
        required=True,
        default="manual",
    )
    note = fields.Char()
    score = fields.Float(
        string="Score Then",
        groups="crm_keyaccount.crm_keyaccount_group_user,sales_team.group_sale_manager",
    )
