from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmKeyaccountCompetitor(models.Model):
    _name = "crm.keyaccount.competitor"
    _inherit = ["crm.keyaccount.account.mixin"]
    _description = "Competitor on a Key Account"
    _order = "partner_id, threat desc, id"

    name = fields.Char(string="Competitor", required=True)
    areas = fields.Char(help="Product lines or services where the competitor is present.")
    wallet_share = fields.Float(string="Share of Wallet (%)", help="Estimated, 0-100.")
    threat = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High")], default="1", required=True
    )
    lost_lead_ids = fields.Many2many(
        "crm.lead",
        string="Opportunities Lost to Them",
        domain="[('partner_id', 'child_of', partner_id), ('active', '=', False)]",
        context={"active_test": False},
    )
    lost_lead_count = fields.Integer(compute="_compute_lost_lead_count", string="Lost Deals")

    @api.depends("lost_lead_ids")
    def _compute_lost_lead_count(self):
        for competitor in self:
            competitor.lost_lead_count = len(competitor.lost_lead_ids)

    @api.constrains("wallet_share")
    def _check_wallet_share(self):
        if any(not 0.0 <= rec.wallet_share <= 100.0 for rec in self):
            raise ValidationError(self.env._("The share of wallet must lie between 0 and 100."))
