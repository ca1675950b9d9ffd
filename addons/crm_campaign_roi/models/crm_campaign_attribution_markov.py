"""The Markov (removal-effect) model in the attribution engine.

The full recompute builds every company's journeys: the eligible touches of
each conversion, and for each partner (or lead) the touches that no
conversion followed within the lookback window (its null journey, limited
to the window ending at its last such touch). The removal effects of the
channels are computed exactly (``tools/markov.py``) and stored per company
and channel with the data sufficiency verdict; each conversion's revenue is
then split over its touches in proportion to the effect of their channel.
A conversion refreshed between two full recomputes uses the stored effects.
"""

# The Markov model kept apart from the rule-based models it extends.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL, groupby

from ..tools.attribution import MODELS
from ..tools.attribution_sql import eligible_query, filtered_conversions
from ..tools.markov import data_sufficiency, split_amount
from ..tools.markov_matrix import removal_effects
from .crm_campaign_attribution import INSERT_COLUMNS
from .res_company_markov import MARKOV_MIN_CHANNEL_JOURNEYS, MARKOV_SETTING_FIELDS

MARKOV = "markov"
ALL_MODELS = (*MODELS, MARKOV)
# The touch's channel according to the company setting (0: no medium/source).
CHANNEL_SQL = SQL(
    "COALESCE(CASE c.campaign_roi_markov_channel WHEN 'medium' THEN t.medium_id "
    "WHEN 'source' THEN t.source_id ELSE t.campaign_id END, 0)"
)
CHANNEL_MODELS = {"campaign": "utm.campaign", "medium": "utm.medium", "source": "utm.source"}
ELIGIBLE_TABLE = "crm_campaign_markov_eligible"


class CrmCampaignAttribution(models.Model):
    _inherit = "crm.campaign.attribution"

    attribution_model = fields.Selection(
        selection_add=[(MARKOV, "Markov chain")], ondelete={MARKOV: "cascade"}
    )

    # ------------------------------------------------------------------
    # Full recompute
    # ------------------------------------------------------------------
    @api.model
    def _recompute_all(self, companies, models=ALL_MODELS):
        other = tuple(model for model in models if model != MARKOV)
        count = super()._recompute_all(companies, other) if other else 0
        if MARKOV in models:
            count += self._markov_recompute(companies)
        return count

    @api.model
    def _markov_recompute(self, companies):
        """Recompute the removal effects of ``companies`` and their lines."""
        if not companies:
            return 0
        cr = self.env.cr
        self._flush_sources(["crm.lead", "sale.order", "account.move"])
        self.env["crm.campaign.touch"].flush_model(["medium_id", "source_id"])
        self.env["res.company"].flush_model(MARKOV_SETTING_FIELDS)
        cr.execute(
            SQL(
                "DELETE FROM crm_campaign_attribution "
                "WHERE company_id = ANY(%s) AND attribution_model = %s",
                companies.ids,
                MARKOV,
            )
        )
        table = SQL.identifier(ELIGIBLE_TABLE)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE %s ON COMMIT DROP AS "
                "SELECT e.*, %s AS channel FROM (%s) AS e "
                "JOIN crm_campaign_touch t ON t.id = e.touch_id "
                "JOIN res_company c ON c.id = e.company_id",
                table,
                CHANNEL_SQL,
                eligible_query(filtered_conversions(SQL("company_id = ANY(%s)", companies.ids))),
            )
        )
        cr.execute(SQL("CREATE INDEX ON %s (touch_id)", table))
        cr.execute(SQL("ANALYZE %s", table))
        effects = self._markov_store_effects(companies, self._markov_paths(companies))
        count = 0
        if effects:
            count = self._markov_insert(effects)
        cr.execute(SQL("DROP TABLE %s", table))
        self.invalidate_model()
        return count

    @api.model
    def _markov_paths(self, companies):
        """``{company id: [(channels, conversions, nulls)]}`` of the journeys."""
        table = SQL.identifier(ELIGIBLE_TABLE)
        self.env.cr.execute(
            SQL(
                """
                SELECT company_id, path, count(*) AS conversions, 0 AS nulls FROM (
                    SELECT company_id, array_agg(channel ORDER BY touch_date, touch_id) AS path
                      FROM %(table)s GROUP BY company_id, conversion_model, conversion_id
                ) j GROUP BY 1, 2
                UNION ALL
                SELECT company_id, path, 0, count(*) FROM (
                    SELECT company_id, array_agg(channel ORDER BY touch_date, id) AS path
                      FROM (
                        SELECT t.company_id, t.id, t.touch_date, %(channel)s AS channel,
                               COALESCE(t.partner_id, -t.lead_id) AS journey,
                               max(t.touch_date) OVER (PARTITION BY t.company_id,
                                   COALESCE(t.partner_id, -t.lead_id)) AS last_date,
                               c.campaign_roi_lookback_days AS lookback
                          FROM crm_campaign_touch t
                          JOIN res_company c ON c.id = t.company_id
                         WHERE t.company_id = ANY(%(companies)s)
                           AND COALESCE(t.partner_id, t.lead_id) IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM %(table)s e WHERE e.touch_id = t.id)
                      ) n
                     WHERE touch_date >= last_date - make_interval(days => lookback)
                     GROUP BY company_id, journey
                ) j GROUP BY 1, 2
                """,
                table=table,
                channel=CHANNEL_SQL,
                companies=companies.ids,
            )
        )
        paths = {company.id: [] for company in companies}
        for company_id, path, conversions, nulls in self.env.cr.fetchall():
            paths[company_id].append((tuple(path), conversions, nulls))
        return paths

    @api.model
    def _markov_store_effects(self, companies, paths):
        """Store each company's removal effects and verdict; return the
        ``{company id: {channel: effect}}`` of the sufficient companies."""
        # sudo: the effects and the computed flag are engine data, written
        # from the journeys only.
        Effect = self.env["crm.campaign.markov.effect"].sudo()
        Effect.search([("company_id", "in", companies.ids)]).unlink()
        now = fields.Datetime.now()
        vals_list = []
        sufficient = {}
        for company in companies.sudo():
            company_paths = paths[company.id]
            verdict = data_sufficiency(
                company_paths,
                company.campaign_roi_markov_min_conversions,
                MARKOV_MIN_CHANNEL_JOURNEYS,
            )
            channels = list(verdict.channel_journeys)
            effects = dict.fromkeys(channels, 0.0)
            if verdict.sufficient:
                effects = removal_effects(company_paths, company.campaign_roi_markov_order)
                sufficient[company.id] = effects
            channel_type = company.campaign_roi_markov_channel
            names = dict(
                self.env[CHANNEL_MODELS[channel_type]]
                .sudo()
                .with_context(active_test=False)
                .browse([key for key in channels if key])
                .mapped(lambda record: (record.id, record.display_name))
            )
            for channel in channels:
                vals_list.append(
                    {
                        "company_id": company.id,
                        "channel_type": channel_type,
                        "channel_key": channel,
                        "channel_name": names.get(channel) or self.env._("(none)"),
                        "removal_effect": effects.get(channel, 0.0),
                        "journey_count": verdict.channel_journeys[channel],
                        "converting_journeys": verdict.converting_journeys,
                        "markov_order": company.campaign_roi_markov_order,
                        "sufficient": verdict.sufficient,
                        "date_computed": now,
                    }
                )
            if company.campaign_roi_markov_computed != verdict.sufficient:
                company.campaign_roi_markov_computed = verdict.sufficient
        Effect.create(vals_list)
        return sufficient

    @api.model
    def _markov_insert(self, effects):
        """INSERT the Markov lines of the eligible touches of the companies of
        ``effects``, each conversion split as ``tools.markov.split_amount``."""
        keys = [
            (company, channel, effect)
            for company, e in effects.items()
            for channel, effect in e.items()
        ]
        if not keys:
            return 0
        companies, channels, values = (list(column) for column in zip(*keys, strict=True))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_campaign_attribution (
                    conversion_model, conversion_id, lead_id, sale_order_id, partner_id,
                    campaign_id, touch_id, attribution_model, weight, amount, conversion_date,
                    touch_date, lag_days, company_id)
                WITH eff AS (
                    SELECT * FROM unnest(%(companies)s::int[], %(channels)s::int[],
                                         %(values)s::float8[]) AS f(company_id, channel, effect)
                ),
                ranked AS (
                    SELECT e.*, GREATEST(COALESCE(f.effect, 0), 0) AS effect,
                           sum(GREATEST(COALESCE(f.effect, 0), 0)) OVER p AS effect_sum,
                           count(*) OVER p AS n,
                           row_number() OVER (PARTITION BY e.conversion_model, e.conversion_id
                                              ORDER BY e.touch_date, e.touch_id) AS rn,
                           ROUND(abs(e.amount) / e.rounding) AS units
                      FROM %(table)s e
                      LEFT JOIN eff f ON f.company_id = e.company_id AND f.channel = e.channel
                     WHERE e.company_id = ANY(%(sufficient)s)
                    WINDOW p AS (PARTITION BY e.conversion_model, e.conversion_id)
                ),
                weighted AS (
                    SELECT r.*, CASE WHEN r.effect_sum > 0 THEN r.effect / r.effect_sum
                                     ELSE 1.0::float8 / r.n END AS weight
                      FROM ranked r
                ),
                split AS (
                    SELECT w.*, w.weight * w.units::float8 AS share,
                           floor(w.weight * w.units::float8) AS base
                      FROM weighted w WHERE w.weight > 0
                ),
                placed AS (
                    SELECT s.*, sum(s.base) OVER q AS base_sum,
                           row_number() OVER (PARTITION BY s.conversion_model, s.conversion_id
                                              ORDER BY s.share - s.base DESC, s.rn) AS rk
                      FROM split s
                    WINDOW q AS (PARTITION BY s.conversion_model, s.conversion_id)
                )
                SELECT conversion_model, conversion_id, lead_id, sale_order_id, partner_id,
                       campaign_id, touch_id, %(model)s, weight,
                       sign(amount) * (base::numeric + (rk <= units - base_sum)::int) * rounding,
                       conversion_date, touch_date,
                       EXTRACT(EPOCH FROM (conversion_date - touch_date))::float8 / 86400.0,
                       company_id
                  FROM placed
                """,
                companies=companies,
                channels=channels,
                values=values,
                table=SQL.identifier(ELIGIBLE_TABLE),
                sufficient=list(effects),
                model=MARKOV,
            )
        )
        return self.env.cr.rowcount

    # ------------------------------------------------------------------
    # Incremental refresh: the stored effects
    # ------------------------------------------------------------------
    def _lines_from_touches(self, rows):
        columns = super()._lines_from_touches(rows)
        markov = self._markov_lines_from_touches(rows)
        if not markov:
            return columns
        if not columns:
            return markov
        for name, _type in INSERT_COLUMNS:
            columns[name].extend(markov[name])
        return columns

    def _markov_lines_from_touches(self, rows):
        """Markov lines of rows sorted by conversion, with the stored effects
        (no query when no company of the rows has a computed Markov model)."""
        if not rows:
            return None
        # sudo: reads the engine's own settings and effects of these companies.
        companies = self.env["res.company"].sudo().browse({row["company_id"] for row in rows})
        companies = companies.filtered("campaign_roi_markov_computed")
        if not companies:
            return None
        effects = {}
        for effect in (
            self.env["crm.campaign.markov.effect"]
            .sudo()
            .search_read(
                [("company_id", "in", companies.ids), ("sufficient", "=", True)],
                ["company_id", "channel_key", "removal_effect"],
            )
        ):
            effects.setdefault(effect["company_id"][0], {})[effect["channel_key"]] = effect[
                "removal_effect"
            ]
        channel_of = {c.id: c.campaign_roi_markov_channel for c in companies}
        touch_ids = [
            row["touch_id"]
            for row in rows
            if channel_of.get(row["company_id"], "campaign") != "campaign"
        ]
        touch_channels = {}
        if touch_ids:
            for touch in (
                self.env["crm.campaign.touch"]
                .sudo()
                .browse(touch_ids)
                .read(["medium_id", "source_id"], load=None)
            ):
                touch_channels[touch["id"]] = touch
        columns = {name: [] for name, _type in INSERT_COLUMNS}
        for (_model, _id), group in groupby(
            rows, key=lambda row: (row["conversion_model"], row["conversion_id"])
        ):
            touches = list(group)
            conv = touches[0]
            company_effects = effects.get(conv["company_id"])
            if company_effects is None:
                continue
            channel_type = channel_of[conv["company_id"]]
            if channel_type == "campaign":
                channels = [t["campaign_id"] for t in touches]
            else:
                field = f"{channel_type}_id"
                channels = [touch_channels[t["touch_id"]][field] or 0 for t in touches]
            weights = [max(0.0, company_effects.get(channel, 0.0)) for channel in channels]
            total = sum(weights)
            if total <= 0:
                weights, total = [1.0] * len(channels), float(len(channels))
            amounts = split_amount(
                channels, company_effects, float(conv["amount"]), float(conv["rounding"])
            )
            for touch, weight, amount in zip(touches, weights, amounts, strict=True):
                if weight <= 0:
                    continue
                line = dict(
                    touch,
                    attribution_model=MARKOV,
                    weight=weight / total,
                    amount=amount,
                    lag_days=(conv["conversion_date"] - touch["touch_date"]).total_seconds()
                    / 86400.0,
                )
                for name, _type in INSERT_COLUMNS:
                    columns[name].append(line[name])
        return columns if columns["conversion_id"] else None
