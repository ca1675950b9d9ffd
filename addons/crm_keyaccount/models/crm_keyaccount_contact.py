from odoo import api, fields, models
from odoo.tools import SQL


class CrmKeyaccountContact(models.Model):
    """One client contact on the relationship map of a key account."""

    _name = "crm.keyaccount.contact"
    _inherit = ["crm.keyaccount.account.mixin"]
    _description = "Key-Account Relationship Map Entry"
    _order = "partner_id, org_level, sequence, id"

    sequence = fields.Integer(default=10)
    contact_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
    )
    function = fields.Char(related="contact_id.function", string="Job Position")
    # Position in the client's organisation
    org_level = fields.Selection(
        [("executive", "Executive"), ("management", "Management"), ("operational", "Operational")],
        string="Level",
        required=True,
        default="management",
    )
    buying_role = fields.Selection(
        [
            ("decision_maker", "Decision Maker"),
            ("economic_buyer", "Economic Buyer"),
            ("technical", "Technical Buyer"),
            ("user", "User"),
            ("influencer", "Influencer"),
            ("gatekeeper", "Gatekeeper"),
            ("champion", "Champion"),
        ],
        required=True,
        default="user",
    )
    # Relationship
    attitude = fields.Selection(
        [
            ("supporter", "Supporter"),
            ("positive", "Positive"),
            ("neutral", "Neutral"),
            ("negative", "Negative"),
            ("opponent", "Opponent"),
        ],
        required=True,
        default="neutral",
    )
    strength = fields.Selection(
        [("0", "None"), ("1", "Weak"), ("2", "Good"), ("3", "Strong")],
        string="Relationship Strength",
        default="1",
        required=True,
    )
    user_id = fields.Many2one("res.users", string="Our Counterpart")
    last_interaction_date = fields.Datetime(
        compute="_compute_last_interaction_date",
        help="Last message on the contact or activity done with it.",
    )

    _sql_constraints = [
        (
            "partner_contact_uniq",
            "unique(partner_id, contact_id)",
            "A contact appears only once on the relationship map.",
        ),
    ]

    @api.depends("contact_id")
    def _compute_last_interaction_date(self):
        contacts = self.contact_id
        last = {}
        if contacts:
            # One grouped query for every entry: messages written on the
            # contact or authored by it (activities done are logged as messages).
            self.env["mail.message"].flush_model(["model", "res_id", "author_id", "date"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT partner_id, MAX(date) FROM (
                        SELECT res_id AS partner_id, date FROM mail_message
                         WHERE model = 'res.partner' AND res_id = ANY(%(ids)s)
                        UNION ALL
                        SELECT author_id, date FROM mail_message
                         WHERE author_id = ANY(%(ids)s)
                    ) AS interaction
                    GROUP BY partner_id
                    """,
                    ids=contacts.ids,
                )
            )
            last = dict(rows)
        for entry in self:
            entry.last_interaction_date = last.get(entry.contact_id.id, False)
