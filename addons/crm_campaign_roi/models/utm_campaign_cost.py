from odoo import api, fields, models
from odoo.exceptions import ValidationError


class UtmCampaignCost(models.Model):
    _name = "utm.campaign.cost"
    _description = "Campaign Cost Line"
    _order = "date desc, id desc"
    _check_company_auto = True

    # Identity
    name = fields.Char(string="Description", required=True)
    campaign_id = fields.Many2one("utm.campaign", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # Amount
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    amount = fields.Monetary(currency_field="currency_id", required=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    category = fields.Selection(
        [
            ("media", "Media and advertising"),
            ("event", "Events"),
            ("content", "Content and creative"),
            ("tools", "Tools and services"),
            ("staff", "Staff time"),
            ("other", "Other"),
        ],
        default="media",
        required=True,
    )

    @api.constrains("amount")
    def _check_amount(self):
        for line in self:
            if line.currency_id.compare_amounts(line.amount, 0.0) < 0:
                raise ValidationError(
                    self.env._(
                        "The cost %(name)s cannot be negative (%(amount)s).",
                        name=line.name,
                        amount=line.amount,
                    )
                )
