from odoo import api, fields, models
from odoo.tools import SQL, groupby

from ..tools.attribution import MODELS, model_weights, split_amount
from ..tools.attribution_sql import (
    CONVERSION_EVENTS,
    attribution_insert_query,
    eligible_query,
    filtered_conversions,
)
from ..tools.currency_sql import convert_sql
from .res_company import ATTRIBUTION_MODEL_SELECTION, ROI_SETTING_FIELDS

CONVERSION_MODEL_SELECTION = [
    ("crm.lead", "Won opportunity"),
    ("sale.order", "Confirmed sale order"),
    ("account.move", "Posted invoice"),
]
INSERT_COLUMNS = (
    ("conversion_model", "%s::varchar[]"),
    ("conversion_id", "%s::int[]"),
    ("lead_id", "%s::int[]"),
    ("sale_order_id", "%s::int[]"),
    ("partner_id", "%s::int[]"),
    ("campaign_id", "%s::int[]"),
    ("touch_id", "%s::int[]"),
    ("attribution_model", "%s::varchar[]"),
    ("weight", "%s::float8[]"),
    ("amount", "%s::numeric[]"),
    ("conversion_date", "%s::timestamp[]"),
    ("touch_date", "%s::timestamp[]"),
    ("lag_days", "%s::float8[]"),
    ("company_id", "%s::int[]"),
)
# Fields of the other models read by the engine's statements (flushed before
# they run, with the models of the conversions being refreshed).
SOURCE_FIELDS = {
    "crm.campaign.touch": [
        "partner_id",
        "lead_id",
        "campaign_id",
        "touch_date",
        "touch_type",
        "company_id",
    ],
    "res.partner": ["commercial_partner_id"],
    "res.company": ["currency_id", *ROI_SETTING_FIELDS],
    "res.currency": ["rounding"],
}


class CrmCampaignAttribution(models.Model):
    _name = "crm.campaign.attribution"
    _inherit = ["crm.campaign.engine.mixin"]
    _description = "Campaign Attribution Line"
    _order = "conversion_date desc, conversion_id desc, attribution_model, touch_date, id"
    _rec_name = "campaign_id"
    _check_company_auto = True
    # Derived data rewritten in bulk: no create/write log columns (and their
    # foreign keys) on this large table.
    _log_access = False

    # Conversion
    conversion_model = fields.Selection(CONVERSION_MODEL_SELECTION, required=True, readonly=True)
    conversion_id = fields.Many2oneReference(
        model_field="conversion_model", required=True, readonly=True
    )
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", readonly=True, ondelete="set null", index="btree_not_null"
    )
    sale_order_id = fields.Many2one(
        "sale.order", readonly=True, ondelete="set null", index="btree_not_null"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    conversion_date = fields.Datetime(readonly=True)
    # Touch
    campaign_id = fields.Many2one(
        "utm.campaign", readonly=True, required=True, index=True, ondelete="cascade"
    )
    touch_id = fields.Many2one("crm.campaign.touch", readonly=True, index=True, ondelete="cascade")
    touch_date = fields.Datetime(readonly=True)
    lag_days = fields.Float(string="Lag (days)", readonly=True, aggregator="avg")
    # Attribution
    attribution_model = fields.Selection(
        ATTRIBUTION_MODEL_SELECTION, string="Model", required=True, readonly=True
    )
    weight = fields.Float(readonly=True, aggregator="sum")
    amount = fields.Monetary(string="Attributed Revenue", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    company_id = fields.Many2one("res.company", readonly=True, required=True, index=True)

    _sql_constraints = [
        (
            "conversion_model_touch_uniq",
            "UNIQUE(conversion_model, conversion_id, attribution_model, touch_id)",
            "A touch is attributed only once per conversion and attribution model.",
        ),
    ]

    def _engine_only_message(self):
        """Attribution lines are written by the engine only (in SQL or as sudo)."""
        return self.env._(
            "Attribution lines are computed from the touches and conversions; "
            "they cannot be created, changed or deleted by hand."
        )

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------
    @api.model
    def _conversion_models(self, companies):
        """Models whose records are conversions in at least one of ``companies``.

        Read from the cache of the companies: the hooks of the core flows cost
        nothing when no company of their records counts that event.
        """
        # sudo: reads the conversion setting of the records' companies only.
        events = set(companies.sudo().mapped("campaign_roi_conversion"))
        return [model for model, event in CONVERSION_EVENTS.items() if event in events]

    @api.model
    def _refresh_records(self, records, companies=None):
        """Refresh the conversion lines of ``records`` (leads, orders or moves).

        ``companies`` are the records' companies, read from them if not given
        (a changed or deleted record passes its companies before the change).
        Does nothing (no query) when none of these companies counts the
        records' model as its conversion.
        """
        if not records:
            return
        if companies is None:
            companies = records.sudo().company_id
        if records._name in self._conversion_models(companies):
            self._refresh_conversions(records._name, records.ids)

    @api.model
    def _flush_sources(self, conversion_models):
        """Flush what the engine's statements read, for these conversion models.

        A conversion model is flushed whole: the record being converted is
        written in one UPDATE with its other pending fields, as it would be.
        """
        for model in conversion_models:
            self.env[model].flush_model()
        if "crm.lead" in conversion_models:
            self.env["crm.stage"].flush_model(["is_won"])
        for model, fnames in SOURCE_FIELDS.items():
            self.env[model].flush_model(fnames)
        self.flush_model()

    @api.model
    def _refresh_conversions(self, conversion_model, conversion_ids):
        """Replace the lines of these conversions (incremental path).

        Two queries whatever the number of touches: one statement locks the
        conversions, deletes their lines and selects their eligible touches
        (sorted by date then id), then one INSERT of every model's lines.
        Records that are no longer conversions simply lose their lines.
        (Computing the weights here rather than in the set-based statement
        of the full recompute saves PostgreSQL planning that statement.)
        """
        if not conversion_ids:
            return
        self._flush_sources([conversion_model])
        ids = list(conversion_ids)
        ctes = SQL(
            "locked AS (%s), deleted AS (DELETE FROM crm_campaign_attribution "
            "WHERE conversion_model = %s AND conversion_id = ANY(%s))",
            self._lock_conversions(conversion_model, ids),
            conversion_model,
            ids,
        )
        conversions = filtered_conversions(
            SQL("conversion_model = %s AND conversion_id = ANY(%s)", conversion_model, ids),
            [conversion_model],
        )
        self._replace_lines(ctes, conversions)

    @api.model
    def _replace_lines(self, ctes, conversions):
        """Run ``ctes`` (lock, delete) with the SELECT of the eligible touches
        of ``conversions``, then insert their lines."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "WITH %s SELECT * FROM (%s) AS e "
                "ORDER BY e.conversion_model, e.conversion_id, e.touch_date, e.touch_id",
                ctes,
                eligible_query(conversions),
            )
        )
        values = self._lines_from_touches(cr.dictfetchall())
        if values:
            self._insert_lines(values)
        self.invalidate_model()

    @api.model
    def _lock_conversions(self, conversion_model, conversion_ids):
        """SQL serialising the refreshes of these conversions.

        A no-op UPDATE of the source rows, not only a row lock: Odoo runs
        transactions in REPEATABLE READ, where a transaction that waited for a
        row that another one *updated* and committed fails with a
        serialization error, and Odoo retries it on a fresh snapshot. Two
        concurrent refreshes of one conversion therefore never both insert
        lines computed from snapshots that miss each other's touches.
        ``conversion_ids`` is a list of ids or an SQL query of ids.
        """
        table = SQL.identifier(self.env[conversion_model]._table)
        if isinstance(conversion_ids, SQL):
            ids = SQL("id IN (%s)", conversion_ids)
        else:
            ids = SQL("id = ANY(%s)", list(conversion_ids))
        return SQL("UPDATE %s SET write_date = write_date WHERE %s RETURNING id", table, ids)

    def _lines_from_touches(self, rows):
        """Weights and amounts of every model, for rows sorted by conversion."""
        columns = {name: [] for name, _type in INSERT_COLUMNS}
        for _key, group in groupby(
            rows, key=lambda row: (row["conversion_model"], row["conversion_id"])
        ):
            touches = list(group)
            conv = touches[0]
            n = len(touches)
            deltas = [
                (conv["conversion_date"] - t["touch_date"]).total_seconds() / 86400.0
                for t in touches
            ]
            lead_index = opp_index = None
            if conv["lead_id"]:
                lead_index = next(
                    (i for i, t in enumerate(touches) if t["touch_lead_id"] == conv["lead_id"]),
                    None,
                )
                opp_index = next(
                    (
                        i
                        for i, t in enumerate(touches)
                        if t["touch_lead_id"] == conv["lead_id"]
                        and t["touch_type"] == "opportunity"
                    ),
                    None,
                )
            params = {
                "half_life": conv["half_life"],
                "custom": (conv["w_first"], conv["w_middle"], conv["w_last"]),
            }
            rounding = float(conv["rounding"])
            for model in MODELS:
                weights = model_weights(model, n, deltas, params, lead_index, opp_index)
                amounts = split_amount(float(conv["amount"]), weights, rounding)
                for touch, delta, weight, amount in zip(
                    touches, deltas, weights, amounts, strict=True
                ):
                    if weight <= 0:
                        continue
                    line = dict(touch, attribution_model=model, weight=weight, lag_days=delta)
                    line["amount"] = amount
                    for name, _type in INSERT_COLUMNS:
                        columns[name].append(line[name])
        return columns if columns["conversion_id"] else None

    @api.model
    def _insert_lines(self, columns):
        names = SQL(", ").join(SQL.identifier(name) for name, _type in INSERT_COLUMNS)
        arrays = SQL(", ").join(SQL(template, columns[name]) for name, template in INSERT_COLUMNS)
        self.env.cr.execute(
            SQL(
                "INSERT INTO crm_campaign_attribution (%s) SELECT * FROM unnest(%s)",
                names,
                arrays,
            )
        )

    @api.model
    def _recompute_all(self, companies, models=MODELS):
        """Replace every line of ``companies`` in two set-based statements."""
        self._flush_sources(list(CONVERSION_EVENTS))
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM crm_campaign_attribution WHERE company_id = ANY(%s)",
                companies.ids,
            )
        )
        conversions = filtered_conversions(SQL("company_id = ANY(%s)", companies.ids))
        cr.execute(attribution_insert_query(conversions, models))
        self.invalidate_model()
        return cr.rowcount

    @api.model
    def _refresh_for(self, companies, partners, leads):
        """Refresh the conversions of these partners or leads (touches changed).

        Two queries, as in ``_refresh_conversions``: the conversions are
        selected once, then locked, cleared and attributed again.
        """
        if not companies or not (partners or leads):
            return
        conversion_models = self._conversion_models(companies)
        if not conversion_models:
            return
        self._flush_sources(conversion_models)
        target = filtered_conversions(
            SQL(
                "company_id = ANY(%s) AND (partner_id = ANY(%s) OR lead_id = ANY(%s))",
                companies.ids,
                partners.ids,
                leads.ids,
            ),
            conversion_models,
        )
        locks = [
            SQL(
                "%s AS (%s), ",
                SQL.identifier(f"locked_{index}"),
                self._lock_conversions(
                    model,
                    SQL("SELECT conversion_id FROM target WHERE conversion_model = %s", model),
                ),
            )
            for index, model in enumerate(conversion_models)
        ]
        ctes = SQL(
            "target AS (%s), %s deleted AS (DELETE FROM crm_campaign_attribution a USING target "
            "WHERE a.conversion_model = target.conversion_model "
            "AND a.conversion_id = target.conversion_id)",
            target,
            SQL().join(locks),
        )
        self._replace_lines(ctes, SQL("SELECT * FROM target"))

    # ------------------------------------------------------------------
    # Revenue in the reporting currency
    # ------------------------------------------------------------------
    @api.model
    def _roi_reporting_currency(self):
        return self.env["res.company"]._campaign_roi_reporting_currency()

    @api.model
    def _roi_revenue_by(self, field, ids):
        """Revenue of each company's default model per value of ``field``.

        Read with the user's access rights (lines of the allowed companies),
        each conversion's amount converted at its date into the reporting
        currency: {value: amount}.
        """
        if not ids:
            return {}
        # days in UTC, the dates of the conversions' rates
        groups = self.with_context(tz="UTC")._read_group(
            [(field, "in", list(ids))],
            [field, "company_id", "attribution_model", "conversion_date:day"],
            ["amount:sum"],
        )
        items = [
            (record.id, amount, company.currency_id.id, company.id, day)
            for record, company, model, day, amount in groups
            if model == company.campaign_roi_default_model
        ]
        return self._roi_convert_totals(items)

    @api.model
    def _roi_convert_totals(self, items):
        """Totals per key of ``(key, amount, currency id, company id, date)``
        items, each converted into the reporting currency (one query)."""
        if not items:
            return {}
        currency = self._roi_reporting_currency()
        self.env["res.currency.rate"].flush_model(["rate", "name", "currency_id", "company_id"])
        keys, amounts, currencies, companies, dates = zip(*items, strict=True)
        self.env.cr.execute(
            SQL(
                "SELECT v.key, SUM(%s) FROM unnest(%s::int[], %s::numeric[], %s::int[], "
                "%s::int[], %s::date[]) AS v(key, amount, currency_id, company_id, date) "
                "GROUP BY v.key",
                convert_sql(
                    SQL("v.amount"),
                    SQL("v.currency_id"),
                    currency.id,
                    SQL("v.company_id"),
                    SQL("v.date"),
                ),
                list(keys),
                list(amounts),
                list(currencies),
                list(companies),
                list(dates),
            )
        )
        return {key: currency.round(float(total or 0.0)) for key, total in self.env.cr.fetchall()}
