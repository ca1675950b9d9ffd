import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import keyaccount as ka

MAX_REVIEW_INTERVAL_MONTHS = 120


class CrmKeyaccountTitle(models.Model):
    _name = "crm.keyaccount.title"
    _description = "Key-Account Title"
    _order = "sequence desc, min_score desc, id"

    # Identity
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        string="Rank",
        default=10,
        help="Titles with a higher rank are more important.",
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share the title between companies.",
    )
    # Rules
    min_score = fields.Float(
        string="Minimum Score",
        help="The score (0-100) from which this title is suggested.",
    )
    review_interval_months = fields.Integer(
        string="Review Every (Months)",
        default=6,
        help="How often the account plan of a customer with this title is reviewed.",
    )

    @api.constrains("min_score")
    def _check_min_score(self):
        for title in self:
            if not 0.0 <= title.min_score <= 100.0:
                raise ValidationError(
                    self.env._(
                        "The minimum score of the title %(title)s must lie between 0 and 100.",
                        title=title.name,
                    )
                )

    @api.constrains("review_interval_months")
    def _check_review_interval_months(self):
        for title in self:
            if not 0 <= title.review_interval_months <= MAX_REVIEW_INTERVAL_MONTHS:
                raise ValidationError(
                    self.env._(
                        "The review interval of the title %(title)s must be between 0 and "
                        "%(max)s months.",
                        title=title.name,
                        max=MAX_REVIEW_INTERVAL_MONTHS,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_integer_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_integer_values(vals)
        return super().write(vals)

    @api.model
    def _check_integer_values(self, vals):
        """An interval given as NaN or infinity: a clear error rather than a
        conversion failure."""
        value = vals.get("review_interval_months")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(
                self.env._(
                    "The review interval must be between 0 and %(max)s months.",
                    max=MAX_REVIEW_INTERVAL_MONTHS,
                )
            )

    @api.model
    def _keyaccount_suggestion_rules(self):
        """Every active title in rank order, as ``(company id or False, (id, rank,
        min score))``: the rules of ``tools.keyaccount.suggest_title``."""
        # sudo: the suggestion follows every title, whoever reads it
        return [
            (title.company_id.id, (title.id, title.sequence, title.min_score))
            for title in self.sudo().search([])
        ]

    @api.model
    def _keyaccount_suggestion(self, score, company_id, rules=None):
        """Id of the title suggested for ``score`` in the company, or None."""
        rules = self._keyaccount_suggestion_rules() if rules is None else rules
        return ka.suggest_title(
            score, [title for company, title in rules if company in (False, company_id)]
        )

    @api.model
    def _keyaccount_suggestion_sql(self, score, company):
        """The suggestion in SQL: the first title, in rank order, whose minimum
        the ``score`` expression reaches in the ``company`` expression."""
        rules = self._keyaccount_suggestion_rules()
        if not rules:
            return SQL("NULL::int4")
        return SQL(
            "(CASE %s END)",
            SQL(" ").join(
                SQL("WHEN %s >= %s AND %s = %s THEN %s", score, minimum, company, company_id, id_)
                if company_id
                else SQL("WHEN %s >= %s THEN %s", score, minimum, id_)
                for company_id, (id_, _rank, minimum) in rules
            ),
        )
