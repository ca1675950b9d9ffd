from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import SQL, Query

from ..tools import keyaccount as ka
from .crm_keyaccount_assessment import HEALTH_TRENDS
from .crm_keyaccount_figure import ABC_CLASSES, DEFAULT_FIGURES, figure_sql

# Revenue, share and score: key-account users and managers, and sales managers.
SENSITIVE_GROUPS = "crm_keyaccount.crm_keyaccount_group_user,sales_team.group_sale_manager"

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

    return {"compute": "_compute_keyaccount_figures", "search": search, "readonly": True}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Title
    keyaccount_title_id = fields.Many2one(
        "crm.keyaccount.title",
        string="Key-Account Title",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
    )
    keyaccount_since = fields.Date(string="Title Since")
    keyaccount_title_manual = fields.Boolean(
        string="Manual Title",
        readonly=True,
        help="Set when the title was chosen by hand: the suggestion no longer replaces it.",
    )
    keyaccount_suggested_title_id = fields.Many2one(
        "crm.keyaccount.title",
        string="Suggested Title",
        **_figure("keyaccount_suggested_title_id"),
    )
    keyaccount_title_differs = fields.Boolean(
        string="Title Differs from Suggestion",
        help="The manual title is kept although the score suggests another one.",
        **_figure("keyaccount_title_differs"),
    )
    keyaccount_manager_id = fields.Many2one(
        "res.users",
        string="Key-Account Manager",
        index="btree_not_null",
        tracking=True,
        help="The ambassador of the customer inside the company.",
    )
    # Pareto (profit)
    keyaccount_abc_class = fields.Selection(
        ABC_CLASSES, string="ABC Class", **_figure("keyaccount_abc_class")
    )
    keyaccount_class_a_periods = fields.Integer(
        string="Class A Months",
        help="Bit mask of the last 12 months, bit 0 the current one, set when in class A.",
        **_figure("keyaccount_class_a_periods"),
    )
    keyaccount_stability = fields.Float(
        compute="_compute_keyaccount_stability",
        string="Class A Stability (%)",
        help="Share of the last 12 months in which the customer was class A.",
    )
    keyaccount_currency_id = fields.Many2one(
        "res.currency", compute="_compute_keyaccount_currency_id", string="Key-Account Currency"
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
    keyaccount_industry_leader = fields.Boolean(string="Industry Leader")
    keyaccount_influence_rating = fields.Selection(
        [("0", "None"), ("1", "Low"), ("2", "Medium"), ("3", "High")],
        string="Market Influence",
        default="0",
    )
    # Account management
    keyaccount_team_ids = fields.One2many(
        "crm.keyaccount.team.member", "partner_id", string="Account Team"
    )
    keyaccount_contact_ids = fields.One2many(
        "crm.keyaccount.contact", "partner_id", string="Relationship Map"
    )
    keyaccount_competitor_ids = fields.One2many(
        "crm.keyaccount.competitor", "partner_id", string="Competitors"
    )
    keyaccount_plan_ids = fields.One2many("crm.keyaccount.plan", "partner_id", string="Plans")
    keyaccount_assessment_ids = fields.One2many(
        "crm.keyaccount.assessment", "partner_id", string="Assessments"
    )
    keyaccount_history_ids = fields.One2many(
        "crm.keyaccount.title.history", "partner_id", string="Title History"
    )
    keyaccount_single_threaded = fields.Boolean(
        compute="_compute_keyaccount_coverage",
        string="Single-Threaded Risk",
        help="Only one person or one organisational level carries the relationship.",
    )
    keyaccount_coverage_executive = fields.Integer(
        compute="_compute_keyaccount_coverage", string="Executives on the Map"
    )
    keyaccount_coverage_management = fields.Integer(
        compute="_compute_keyaccount_coverage", string="Managers on the Map"
    )
    keyaccount_coverage_operational = fields.Integer(
        compute="_compute_keyaccount_coverage", string="Operational Staff on the Map"
    )
    keyaccount_health_score = fields.Float(
        compute="_compute_keyaccount_health", string="Health Score"
    )
    keyaccount_health_trend = fields.Selection(
        HEALTH_TRENDS,
        compute="_compute_keyaccount_health",
        string="Health Trend",
    )
    keyaccount_plan_count = fields.Integer(
        compute="_compute_keyaccount_plan_count", string="Account Plan Count"
    )

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_keyaccount_currency_id(self):
        for partner in self:
            partner.keyaccount_currency_id = partner._keyaccount_company().currency_id

    @api.depends(
        "commercial_partner_id", "company_id", "keyaccount_title_id", "keyaccount_title_manual"
    )
    @api.depends_context("company")
    def _compute_keyaccount_figures(self):
        figures = self.env["crm.keyaccount.figure"]._keyaccount_read(
            {partner._keyaccount_figure_key() for partner in self}
        )
        titles = self.env["crm.keyaccount.title"]
        rules = titles._keyaccount_suggestion_rules()
        # sudo: the base of the shares, whichever companies the user may open
        companies = self.env["res.company"].sudo().browse({key[1] for key in figures})
        company_totals = {company.id: company.keyaccount_revenue_total for company in companies}
        for partner in self:
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

    @api.depends("keyaccount_contact_ids.org_level")
    def _compute_keyaccount_coverage(self):
        for partner in self:
            counts, single = ka.coverage(partner.keyaccount_contact_ids.mapped("org_level"))
            partner.keyaccount_single_threaded = single
            partner.keyaccount_coverage_executive = counts.get("executive", 0)
            partner.keyaccount_coverage_management = counts.get("management", 0)
            partner.keyaccount_coverage_operational = counts.get("operational", 0)

    @api.depends("keyaccount_assessment_ids.state", "keyaccount_assessment_ids.health_score")
    def _compute_keyaccount_health(self):
        for partner in self:
            done = partner.keyaccount_assessment_ids.filtered(lambda a: a.state == "done")
            latest = done.sorted(lambda a: (a.date_done or fields.Datetime.now(), a.id))[-1:]
            partner.keyaccount_health_score = latest.health_score
            partner.keyaccount_health_trend = latest.trend or False

    @api.depends("keyaccount_plan_ids")
    def _compute_keyaccount_plan_count(self):
        for partner in self:
            partner.keyaccount_plan_count = len(partner.keyaccount_plan_ids)

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "keyaccount_title_id",
            "keyaccount_since",
            "keyaccount_title_manual",
            "keyaccount_manager_id",
            "keyaccount_industry_leader",
            "keyaccount_influence_rating",
        ]

    def write(self, vals):
        if "keyaccount_title_id" not in vals or self.env.context.get("keyaccount_no_history"):
            return super().write(vals)
        new_title = self.env["crm.keyaccount.title"].browse(vals["keyaccount_title_id"])
        automatic = self.env.context.get("keyaccount_title_reason") == "automatic"
        changed = self.filtered(
            lambda p: p.commercial_partner_id == p and p.keyaccount_title_id != new_title
        )
        old_titles = {partner.id: partner.keyaccount_title_id.id for partner in changed}
        extra = {}
        if "keyaccount_since" not in vals:
            extra["keyaccount_since"] = new_title and fields.Date.context_today(self)
        if not automatic and "keyaccount_title_manual" not in vals:
            extra["keyaccount_title_manual"] = bool(new_title)
        result = super().write(vals | extra)
        if changed:
            changed._keyaccount_log_title_change(old_titles, automatic)
        return result

    def unlink(self):
        partner_ids = self.ids
        result = super().unlink()
        # the figures have no foreign key to cascade (see crm_keyaccount_figure.py)
        self.env.cr.execute(
            SQL("DELETE FROM crm_keyaccount_figure WHERE partner_id = ANY(%s)", partner_ids)
        )
        self.env["crm.keyaccount.figure"].invalidate_model()
        return result

    def _keyaccount_log_title_change(self, old_titles, automatic):
        """Write one history line per partner whose title just changed."""
        note = self.env.context.get("keyaccount_title_note")
        # sudo: the history is written for any user allowed to change the title;
        # its lines are read-only for users.
        self.env["crm.keyaccount.title.history"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": partner._keyaccount_company().id,
                    "old_title_id": old_titles[partner.id],
                    "new_title_id": partner.keyaccount_title_id.id,
                    "user_id": self.env.user.id,
                    "reason": "automatic" if automatic else "manual",
                    "note": note,
                    "score": partner.sudo().keyaccount_score,
                }
                for partner in self
            ]
        )

    @api.model
    def _keyaccount_recompute(self):
        """Recompute revenue, classes, scores and suggestions for the companies
        of the environment (scheduled nightly)."""
        self.env["crm.keyaccount.ranking"]._keyaccount_recompute()

    @api.model
    def _cron_keyaccount_recompute(self):
        """Nightly: rank every company."""
        companies = self.env["res.company"].search([])
        self.with_context(allowed_company_ids=companies.ids)._keyaccount_recompute()

    def action_keyaccount_recompute(self):
        """Button: recompute every key-account figure of the current companies."""
        if not self.env.user.has_group("crm_keyaccount.crm_keyaccount_group_manager"):
            raise AccessError(self.env._("Only key-account managers can recompute the ranking."))
        self.env["res.partner"]._keyaccount_recompute()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Key-account classes and scores recomputed."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_keyaccount_follow_suggestion(self):
        """Replace the title by the suggestion and go back to automatic titles."""
        for partner in self:
            partner.with_context(keyaccount_title_reason="automatic").write(
                {
                    "keyaccount_title_id": partner.keyaccount_suggested_title_id.id,
                    "keyaccount_title_manual": False,
                }
            )

    def action_keyaccount_open_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_keyaccount.crm_keyaccount_plan_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
