"""Key-account figures of a customer in one company.

The ranking writes one narrow row per commercial partner and company, so that
a customer shared between companies has its own revenue, class and score in
each of them, and so that the nightly recompute rewrites a small table rather
than the wide ``res_partner`` rows. ``res.partner`` shows these figures under
its public ``keyaccount_*`` names (see ``res_partner.py``).

The table is created by :meth:`CrmKeyaccountFigure.init`, without foreign
keys: the first ranking of a company inserts a row for each of its customers,
and PostgreSQL's per-row foreign-key checks (a lock on every referenced
partner and company) make that ranking cost well over three times a plain SQL
ranking. Measured with tests/benchmarks/bench_crm_keyaccount.py at full scale
(50,000 customers, 500,000 invoices; plain SQL ranking 1.36 s), the first
ranking took 6.93 s (ratio 5.1) as an ordinary ORM table with ``ON DELETE
CASCADE`` foreign keys to the partner and the company, against 4.44 s (ratio
3.3) without them; later rankings, which write few rows, are not affected
(ratios 1.5 and 1.6). The table therefore stays outside the ORM's schema
management. The rows are derived data read by their (partner, company) key,
which a unique constraint keeps to one row: those of a deleted partner go
with it (``res.partner.unlink``), and rows left by a partner or company
removed otherwise are collected by the daily autovacuum.
"""

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import keyaccount as ka

ABC_CLASSES = [(ka.CLASS_A, "A"), (ka.CLASS_B, "B"), (ka.CLASS_C, "C")]

# Figures of a row and the value meaning "no row": (column, SQL type, default).
FIGURE_COLUMNS = (
    ("revenue", "numeric", 0.0),
    ("abc_class", "varchar", ka.CLASS_C),
    ("profit_score", "float8", 0.0),
    ("opportunity_score", "float8", 0.0),
    ("partnership_score", "float8", 0.0),
    ("influence_score", "float8", 0.0),
    ("score", "float8", 0.0),
    ("class_a_periods", "int4", 0),
    # service (crm_service_link): decided SLA targets of the window, the share
    # of them met on time (NULL when none), complaints and the service score
    ("sla_targets", "int4", 0),
    ("sla_compliance", "float8", None),
    ("complaint_count", "int4", 0),
    ("service_score", "float8", 0.0),
)
FIGURE_NAMES = tuple(column for column, _type, _default in FIGURE_COLUMNS)
DEFAULT_FIGURES = {column: default for column, _type, default in FIGURE_COLUMNS}


def figure_sql(alias, column):
    """SQL of the figure ``column`` of the row ``alias``: its default where
    there is no row (or the value is missing)."""
    return SQL("COALESCE(%s, %s)", SQL.identifier(alias, column), DEFAULT_FIGURES[column])


class CrmKeyaccountFigure(models.Model):
    _name = "crm.keyaccount.figure"
    _description = "Key-Account Figures per Company"
    _order = "company_id, revenue desc, id"
    _rec_name = "partner_id"
    # Written only by the ranking, in bulk: no per-row audit columns, and a
    # table of our own (see the module docstring).
    _log_access = False
    _auto = False

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    revenue = fields.Monetary(readonly=True)
    abc_class = fields.Selection(ABC_CLASSES, string="ABC Class", readonly=True)
    profit_score = fields.Float(readonly=True)
    opportunity_score = fields.Float(readonly=True)
    partnership_score = fields.Float(readonly=True)
    influence_score = fields.Float(string="Market Influence Score", readonly=True)
    score = fields.Float(readonly=True)
    class_a_periods = fields.Integer(
        string="Class A Months",
        readonly=True,
        help="Bit mask of the last 12 months, bit 0 the current one, set when in class A.",
    )
    # Service
    sla_targets = fields.Integer(
        string="Decided SLA Targets",
        readonly=True,
        help="Response and resolution targets reached, reached late or breached in the window.",
    )
    sla_compliance = fields.Float(
        string="SLA Compliance (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the decided SLA targets met on time; empty without a decided target.",
    )
    complaint_count = fields.Integer(
        string="Complaints",
        readonly=True,
        help="Service requests of the window flagged as complaints or rated 2 or less.",
    )
    service_score = fields.Float(readonly=True)

    # Access
    keyaccount_visible = fields.Boolean(
        string="Visible to Me",
        compute="_compute_keyaccount_visible",
        search="_search_keyaccount_visible",
        help="The figures the current user may see: the record rule of this model.",
    )

    # Created by init() (the table is not the ORM's); declared so that the
    # constraint is known to Odoo and kept on upgrades.
    _sql_constraints = [
        (
            "partner_company_uniq",
            "UNIQUE(partner_id, company_id)",
            "A customer has one row of key-account figures per company.",
        ),
    ]

    @api.model
    def _keyaccount_visible_accounts(self):
        """Who sees which figures, in one place: the domain on the commercial
        partners whose figures the current user may see.

        Key-account managers and sales managers see every account, key-account
        users the accounts they manage or are on the team of, and nobody else
        any. The record rule of this model and the figures shown on
        ``res.partner`` both follow it, so that a figure hidden here is hidden
        in the partner's read, search, sort, group by and export too. It
        depends on the user only, not on sudo: record rules are evaluated
        under sudo for the user they restrict.
        """
        user = self.env.user
        if (
            user._is_superuser()
            or user.has_group("crm_keyaccount.crm_keyaccount_group_manager")
            or user.has_group("sales_team.group_sale_manager")
        ):
            return expression.TRUE_DOMAIN
        if user.has_group("crm_keyaccount.crm_keyaccount_group_user"):
            return [
                "|",
                ("keyaccount_manager_id", "=", user.id),
                ("keyaccount_team_ids.user_id", "=", user.id),
            ]
        return expression.FALSE_DOMAIN

    @api.depends("partner_id")
    @api.depends_context("uid")
    def _compute_keyaccount_visible(self):
        # evaluated in Python by the access checks of records (filtered_domain)
        domain = self._keyaccount_visible_accounts()
        if domain in (expression.TRUE_DOMAIN, expression.FALSE_DOMAIN):
            accounts = (
                self.partner_id if domain == expression.TRUE_DOMAIN else self.partner_id.browse()
            )
        else:
            # sudo: the policy is evaluated like a record rule
            accounts = self.partner_id.sudo().filtered_domain(domain)
        for figure in self:
            figure.keyaccount_visible = figure.partner_id in accounts

    def _search_keyaccount_visible(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"Operator {operator!r} on {value!r} is not supported.")
        domain = self._keyaccount_visible_accounts()
        if domain in (expression.TRUE_DOMAIN, expression.FALSE_DOMAIN):
            condition = domain
        else:
            condition = [("partner_id", "any", domain)]
        return condition if (operator == "=") == value else ["!", *condition]

    def init(self):
        columns = SQL(", ").join(
            SQL("%s %s", SQL.identifier(name), SQL(sql_type))
            for name, sql_type, _default in FIGURE_COLUMNS
        )
        self.env.cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS crm_keyaccount_figure (
                    id serial PRIMARY KEY,
                    partner_id int4 NOT NULL,
                    company_id int4 NOT NULL,
                    %s,
                    CONSTRAINT crm_keyaccount_figure_partner_company_uniq
                        UNIQUE (partner_id, company_id)
                )
                """,
                columns,
            )
        )
        # the one row per customer and company that the ranking's upsert
        # relies on, and no foreign key (see the module docstring)
        self.env.cr.execute(
            """
            ALTER TABLE crm_keyaccount_figure
                DROP CONSTRAINT IF EXISTS crm_keyaccount_figure_partner_id_fkey,
                DROP CONSTRAINT IF EXISTS crm_keyaccount_figure_company_id_fkey;
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_constraint
                                WHERE conname = 'crm_keyaccount_figure_partner_company_uniq') THEN
                    ALTER TABLE crm_keyaccount_figure
                        ADD CONSTRAINT crm_keyaccount_figure_partner_company_uniq
                        UNIQUE (partner_id, company_id);
                END IF;
            END $$;
            """
        )
        # figures added since the table was created
        for name, sql_type, _default in FIGURE_COLUMNS:
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE crm_keyaccount_figure ADD COLUMN IF NOT EXISTS %s %s",
                    SQL.identifier(name),
                    SQL(sql_type),
                )
            )

    @api.autovacuum
    def _gc_orphan_figures(self):
        """Remove the figures of partners and companies that no longer exist."""
        self.env.cr.execute(
            """
            DELETE FROM crm_keyaccount_figure figure
             WHERE NOT EXISTS (SELECT FROM res_partner partner WHERE partner.id = figure.partner_id)
                OR NOT EXISTS (SELECT FROM res_company company WHERE company.id = figure.company_id)
            """
        )
        self.invalidate_model()

    @api.model
    def _keyaccount_read(self, keys):
        """``{(partner id, company id): {column: value}}`` of the figure rows
        with these keys; a key without a row is absent."""
        keys = [(partner_id, company_id) for partner_id, company_id in keys if partner_id]
        if not keys:
            return {}
        partner_ids, company_ids = zip(*keys, strict=True)
        query = SQL(
            """
            SELECT figure.partner_id, figure.company_id, %s
              FROM crm_keyaccount_figure figure
              JOIN unnest(%s::int4[], %s::int4[]) AS k(partner_id, company_id)
                ON k.partner_id = figure.partner_id AND k.company_id = figure.company_id
            """,
            SQL(", ").join(figure_sql("figure", column) for column in FIGURE_NAMES),
            list(partner_ids),
            list(company_ids),
        )
        return {
            (row[0], row[1]): dict(zip(FIGURE_NAMES, row[2:], strict=True))
            for row in self.env.execute_query(query)
        }
