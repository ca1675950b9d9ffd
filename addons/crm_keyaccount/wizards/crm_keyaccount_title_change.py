from odoo import api, fields, models


class CrmKeyaccountTitleChange(models.TransientModel):
    """Change the title of accounts by hand, with the reason kept in the history."""

    _name = "crm.keyaccount.title.change"
    _description = "Change Key-Account Title"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Accounts",
        required=True,
        domain="[('parent_id', '=', False)]",
    )
    title_id = fields.Many2one("crm.keyaccount.title", string="New Title")
    reason = fields.Char(required=True, help="Why the title changes; kept in the title history.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "partner_ids" in values:
            # a contact's title is its commercial partner's
            partners = self.env["res.partner"].browse(values["partner_ids"][0][2])
            values["partner_ids"] = [fields.Command.set(partners.commercial_partner_id.ids)]
        return values

    def action_apply(self):
        self.ensure_one()
        partners = self.partner_ids.commercial_partner_id
        # the same checks as a write of the title, then the history line with the reason
        partners._keyaccount_check_manager_fields({"keyaccount_title_id": self.title_id.id})
        partners.check_access("write")
        partners._keyaccount_write({"keyaccount_title_id": self.title_id.id}, "manual", self.reason)
        return {"type": "ir.actions.act_window_close"}
