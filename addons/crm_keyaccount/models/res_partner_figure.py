"""The per-company figures of ``crm.keyaccount.figure`` on the partner.

The figures are read from the figure row of the commercial partner in the
current company (see ``crm_keyaccount_figure.py``), and only where the user
may see that row: the partner shows exactly what the figure model shows, by
the one policy of ``crm.keyaccount.figure._keyaccount_visible_accounts()``.
"""

# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, Query

from ..tools import keyaccount as ka
from .crm_keyaccount_figure import ABC_CLASSES, DEFAULT_FIGURES, figure_sql
from .res_partner import SENSITIVE_GROUPS

# Per-company figures shown on the partner: partner field -> column of
# crm.keyaccount.figure. They are read from the figure row of the commercial
# partner in the current company; in SQL (search, sort, group by) they are a
# join on that row, a missing row meaning the default figures.
FIGURE_FIELDS = {
    "keyaccount_revenue": "revenue",
    "keyaccount_abc_class": "abc_class",
    "keyaccount_profit_score": "profit_score",
    "keyaccount_opportunity_score": "opportunity_score",
    "keyaccount_partnership_score": "partnership_score",
    "keyaccount_influence_score": "influence_score",
    "keyaccount_score": "score",
    "keyaccount_class_a_periods": "class_a_periods",
    "keyaccount_sla_targets": "sla_targets",
    "keyaccount_sla_compliance": "sla_compliance",
    "keyaccount_complaint_count": "complaint_count",
    "keyaccount_service_score": "service_score",
}


# Figures computed from the stored ones.
COMPUTED_FIGURES = (
    "keyaccount_revenue_share",
    "keyaccount_suggested_title_id",
    "keyaccount_title_differs",
)


def _figure(field_name):
    """Attributes of the partner field ``field_name`` computed from the figures."""

    def search(records, operator, value):
        return records._keyaccount_search_figure(field_name, operator, value)

    return {
        "compute": "_compute_keyaccount_figures",
        "search": search,
        "readonly": True,
        # cached per user: which figures a user sees depends on who he is
        "compute_sudo": False,
    }


# The partner's figures live apart from the rest of res_partner.py, which
# holds the fields people set, to keep each file readable.
class ResPartner(models.Model):
    _inherit = "res.partner"

    # Title suggestion
    keyaccount_suggested_title_id = fields.Many2one(
        "crm.keyaccount.title",
        string="Suggested Title",
        **_figure("keyaccount_suggested_title_id"),
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_title_differs = fields.Boolean(
        string="Title Differs from Suggestion",
        help="The manual title is kept although the score suggests another one.",
        **_figure("keyaccount_title_differs"),
        groups=SENSITIVE_GROUPS,
    )
    # Pareto (profit)
    keyaccount_abc_class = fields.Selection(
        ABC_CLASSES, string="ABC Class", **_figure("keyaccount_abc_class"), groups=SENSITIVE_GROUPS
    )
    keyaccount_class_a_periods = fields.Integer(
        string="Class A Months",
        help="Bit mask of the last 12 months, bit 0 the current one, set when in class A.",
        **_figure("keyaccount_class_a_periods"),
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_stability = fields.Float(
        compute="_compute_keyaccount_stability",
        string="Class A Stability (%)",
        help="Share of the last 12 months in which the customer was class A.",
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_keyaccount_currency_id",
        string="Key-Account Currency",
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_revenue = fields.Monetary(
        string="Key-Account Revenue",
        currency_field="keyaccount_currency_id",
        groups=SENSITIVE_GROUPS,
        aggregator="sum",
        help="Revenue (or margin) over the rolling window, in company currency.",
        **_figure("keyaccount_revenue"),
    )
    keyaccount_revenue_share = fields.Float(
        string="Revenue Share (%)",
        groups=SENSITIVE_GROUPS,
        aggregator="sum",
        **_figure("keyaccount_revenue_share"),
    )
    # Score
    keyaccount_score = fields.Float(
        string="Key-Account Score",
        groups=SENSITIVE_GROUPS,
        aggregator="avg",
        **_figure("keyaccount_score"),
    )
    keyaccount_profit_score = fields.Float(
        string="Profit Score",
        groups=SENSITIVE_GROUPS,
        aggregator="avg",
        **_figure("keyaccount_profit_score"),
    )
    keyaccount_opportunity_score = fields.Float(
        string="Opportunity Score",
        groups=SENSITIVE_GROUPS,
        aggregator="avg",
        **_figure("keyaccount_opportunity_score"),
    )
    keyaccount_partnership_score = fields.Float(
        string="Partnership Score",
        groups=SENSITIVE_GROUPS,
        aggregator="avg",
        **_figure("keyaccount_partnership_score"),
    )
    keyaccount_influence_score = fields.Float(
        string="Market Influence Score",
        groups=SENSITIVE_GROUPS,
        aggregator="avg",
        **_figure("keyaccount_influence_score"),
    )

    # Service (with crm_service_link, see the ranking's _keyaccount_service_figures)
    keyaccount_sla_targets = fields.Integer(
        string="Decided SLA Targets",
        help="Response and resolution targets of the window reached, reached late or breached.",
        **_figure("keyaccount_sla_targets"),
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_sla_compliance = fields.Float(
        string="SLA Compliance (%)",
        help="Share of the decided SLA targets of the window met on time (response and "
        "resolution alike); empty without a decided target.",
        aggregator="avg",
        **_figure("keyaccount_sla_compliance"),
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_complaint_count = fields.Integer(
        string="Complaints",
        help="Service requests of the window flagged as complaints or rated 2 or less.",
        aggregator="sum",
        **_figure("keyaccount_complaint_count"),
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_service_score = fields.Float(
        string="Service Score",
        aggregator="avg",
        **_figure("keyaccount_service_score"),
        groups=SENSITIVE_GROUPS,
    )

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_keyaccount_currency_id(self):
        for partner in self:
            partner.keyaccount_currency_id = partner._keyaccount_company().currency_id

    @api.depends(
        "commercial_partner_id", "company_id", "keyaccount_title_id", "keyaccount_title_manual"
    )
    @api.depends_context("company", "uid")
    def _compute_keyaccount_figures(self):
        visible = self._keyaccount_figures_visible()
        figures = self.env["crm.keyaccount.figure"]._keyaccount_read(
            {partner._keyaccount_figure_key() for partner in self if partner in visible}
        )
        titles = self.env["crm.keyaccount.title"]
        rules = titles._keyaccount_suggestion_rules()
        # sudo: the base of the shares, whichever companies the user may open
        companies = self.env["res.company"].sudo().browse({key[1] for key in figures})
        company_totals = {company.id: company.keyaccount_revenue_total for company in companies}
        for partner in self - visible:
            for field_name in (*FIGURE_FIELDS, *COMPUTED_FIGURES):
                partner[field_name] = False
        for partner in visible:
            key = partner._keyaccount_figure_key()
            company_id = key[1]
            values = figures.get(key, DEFAULT_FIGURES)
            for field_name, column in FIGURE_FIELDS.items():
                partner[field_name] = values[column]
            partner.keyaccount_suggested_title_id = titles.browse(
                titles._keyaccount_suggestion(values["score"], company_id, rules)
            )
            revenue, total = values["revenue"], company_totals.get(company_id)
            partner.keyaccount_revenue_share = (
                revenue * 100.0 / total if revenue > 0 and total else 0.0
            )
            partner.keyaccount_title_differs = bool(
                partner.keyaccount_title_manual
                and partner.keyaccount_title_id != partner.keyaccount_suggested_title_id
            )

    def _keyaccount_figures_visible(self):
        """The partners of ``self`` whose figures the user sees (all of them
        under sudo): those whose commercial partner the figure policy admits."""
        if self.env.su:
            return self
        domain = self.env["crm.keyaccount.figure"]._keyaccount_visible_accounts()
        if domain == expression.TRUE_DOMAIN:
            return self
        if domain == expression.FALSE_DOMAIN:
            return self.browse()
        commercial = self.commercial_partner_id._origin
        # sudo: the policy is evaluated like a record rule, whatever else the user may read
        admitted = commercial.sudo().filtered_domain(domain) if commercial else commercial
        return self.filtered(lambda partner: partner.commercial_partner_id._origin in admitted)

    def _keyaccount_figures_visible_sql(self, alias):
        """The SQL side of :meth:`_keyaccount_figures_visible` on the partner ``alias``:
        None when every figure is visible."""
        domain = self.env["crm.keyaccount.figure"]._keyaccount_visible_accounts()
        if self.env.su or domain == expression.TRUE_DOMAIN:
            return None
        if domain == expression.FALSE_DOMAIN:
            return SQL("FALSE")
        # sudo: the policy is evaluated like a record rule
        accounts = self.env["res.partner"].sudo().with_context(active_test=False)._search(domain)
        return SQL("%s IN %s", SQL.identifier(alias, "commercial_partner_id"), accounts.subselect())

    @api.model
    def _keyaccount_invalidate_figures(self):
        """Forget the figures read so far, after the ranking rewrote them."""
        self.invalidate_model(
            [
                name
                for name, field in self._fields.items()
                if field.compute == "_compute_keyaccount_figures"
            ]
        )

    def _keyaccount_company(self):
        """The company whose figures the partner shows: its own, or the current
        company for a partner shared between companies."""
        self.ensure_one()
        return self.company_id or self.env.company

    def _keyaccount_figure_key(self):
        """``(commercial partner id, company id)`` of the figures shown on the partner."""
        return self.commercial_partner_id._origin.id, self._keyaccount_company()._origin.id

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The figures in SQL: a column of the commercial partner's figure row
        in the partner's company (or the current one), joined once per query."""
        if fname not in FIGURE_FIELDS and fname not in COMPUTED_FIGURES:
            return super()._field_to_sql(alias, fname, query, flush)
        if query is None:
            raise ValueError(f"Cannot convert {self._fields[fname]} to SQL without a query")
        self.check_field_access_rights("read", [fname])
        value = self._keyaccount_figure_to_sql(alias, fname, query, flush)
        visible = self._keyaccount_figures_visible_sql(alias)
        # a figure the user may not see is NULL: no value to filter, sort or sum
        return value if visible is None else SQL("(CASE WHEN %s THEN %s END)", visible, value)

    def _keyaccount_figure_to_sql(self, alias, fname, query, flush):
        """The figure ``fname`` of the partner ``alias`` in SQL, visible or not."""
        # the SQL side of _keyaccount_company()
        company = SQL("COALESCE(%s, %s)", SQL.identifier(alias, "company_id"), self.env.company.id)
        figure = query.make_alias(alias, "keyaccount_figure")
        query.add_join(
            "LEFT JOIN",
            figure,
            "crm_keyaccount_figure",
            SQL(
                "%s = %s AND %s = %s",
                SQL.identifier(figure, "partner_id"),
                SQL.identifier(alias, "commercial_partner_id"),
                SQL.identifier(figure, "company_id"),
                company,
            ),
        )
        if fname in ("keyaccount_suggested_title_id", "keyaccount_title_differs"):
            suggestion = self.env["crm.keyaccount.title"]._keyaccount_suggestion_sql(
                figure_sql(figure, "score"), company
            )
            if fname == "keyaccount_suggested_title_id":
                return suggestion
            return SQL(
                "(COALESCE(%s, FALSE) AND %s IS DISTINCT FROM %s)",
                super()._field_to_sql(alias, "keyaccount_title_manual", query, flush),
                super()._field_to_sql(alias, "keyaccount_title_id", query, flush),
                suggestion,
            )
        if fname == "keyaccount_revenue_share":
            # revenue / total of the company's last ranking (see the ranking)
            revenue = SQL.identifier(figure, "revenue")
            return SQL(
                "(CASE WHEN %s > 0 THEN %s * 100.0 / NULLIF(("
                "SELECT company.keyaccount_revenue_total FROM res_company company "
                "WHERE company.id = %s), 0) ELSE 0.0 END)",
                revenue,
                revenue,
                SQL.identifier(figure, "company_id"),
            )
        return figure_sql(figure, FIGURE_FIELDS[fname])

    def _keyaccount_search_figure(self, fname, operator, value):
        """Search on a figure: the partners whose figure matches, in SQL."""
        field = self._fields[fname]
        query = Query(self.env, self._table, self._table_sql)
        if field.type == "many2one" and isinstance(value, str):
            # a title name: compare with the titles matching it
            negative = operator in expression.NEGATIVE_TERM_OPERATORS
            name_operator = expression.TERM_OPERATORS_NEGATION[operator] if negative else operator
            titles = self.env[field.comodel_name]._search([("display_name", name_operator, value)])
            condition = self._condition_to_sql(
                self._table, fname, "not in" if negative else "in", titles, query
            )
            if negative:
                condition = SQL(
                    "(%s OR %s IS NULL)", condition, self._field_to_sql(self._table, fname, query)
                )
        else:
            condition = self._condition_to_sql(self._table, fname, operator, value, query)
        query.add_where(condition)
        return [("id", "in", query)]

    @api.depends("keyaccount_class_a_periods")
    def _compute_keyaccount_stability(self):
        for partner in self:
            partner.keyaccount_stability = ka.stability(partner.keyaccount_class_a_periods)
