from odoo import fields, models


class CrmKeyaccountQuestion(models.Model):
    _name = "crm.keyaccount.question"
    _description = "Key-Account Assessment Question"
    _order = "sequence, id"

    name = fields.Char(string="Question", required=True, translate=True)
    client_question = fields.Char(
        string="Question to the Client",
        translate=True,
        help="Wording shown to the client contact on the portal; the question itself when empty.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the question between companies."
    )
    inverted = fields.Boolean(
        string="High Answer Is Bad",
        help="A high answer lowers the health score (e.g. 'Does it postpone payments?').",
    )
    evidence = fields.Selection(
        [
            ("overdue_invoices", "Overdue Invoices"),
            ("lost_deals", "Lost Deals"),
            ("open_activities", "Overdue Activities"),
            ("complaints", "Complaints"),
        ],
        help="Evidence from Odoo shown next to the question when it is answered internally.",
    )
