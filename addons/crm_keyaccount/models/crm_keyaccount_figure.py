"""Key-account figures of a customer in one company.

The ranking writes one narrow row per commercial partner and company, so that
a customer shared between companies has its own revenue, class and score in
each of them, and so that the nightly recompute rewrites a small table rather
than the wide ``res_partner`` rows. ``res.partner`` shows these figures under
its public ``keyaccount_*`` names (see ``res_partner.py``).

The table is created by :meth:`CrmKeyaccountFigure.init` without foreign
keys: the first ranking of a company inserts a row for each of its customers,
and PostgreSQL's per-row foreign-key checks (a lock on every referenced
partner) would take longer than the ranking itself. The rows are derived data
read by their (partner, company) key: those of a deleted partner go with
it, and rows left by a partner or company removed otherwise are collected by
the daily autovacuum.
"""

from odoo import api, fields, models
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
