"""Nightly recompute of revenue, Pareto classes, scores and suggested titles.

The rules are stated in plain Python in ``tools/keyaccount.py``; the ranking
applies them to a whole company in one SQL statement, which computes every
customer's figures, writes the changed ones to ``crm_keyaccount_figure`` (one
narrow row per customer and company) and returns only the customers whose
class-A membership, suggested title or automatic title changes. A test checks
that both give the same figures on random portfolios.

Two rankings of a company never run at once: the statement takes a
per-company advisory lock first, and writes nothing when another transaction
holds it. The button then asks to try again; the nightly job triggers itself
again a few minutes later, so that the night's ranking is not lost.
"""

from datetime import datetime, time, timedelta

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import keyaccount as ka
from .crm_keyaccount_figure import FIGURE_NAMES, figure_sql

# First key of the advisory lock of a company's ranking (the second is the
# company id): "KA" in ASCII.
RANKING_LOCK = 0x4B41
# Delay before the nightly job tries again a company whose ranking was busy.
RETRY_DELAY = timedelta(minutes=5)


# Statuses of a decided SLA target (crm_service_link).
SLA_DECIDED = ("reached", "reached_late", "breached")

# The tables that the ranking statement reads or writes.
RANKING_SOURCE_MODELS = (
    "account.move",
    "sale.order",
    "res.partner",
    "res.company",
    "crm.lead",
    "crm.keyaccount.assessment",
    "crm.keyaccount.figure",
)


class CrmKeyaccountRanking(models.AbstractModel):
    """Service computing the figures of ``crm.keyaccount.figure``."""

    _name = "crm.keyaccount.ranking"
    _description = "Key-Account Ranking"

    @api.model
    def _keyaccount_recompute(self, nightly=False):
        """Recompute the key-account figures for the companies of the environment.

        A customer is ranked in its company, and a customer shared between
        companies in each of them. The title of a shared customer follows the
        suggestion of the current company.

        :param nightly: run by the scheduled job: a company whose ranking is
            busy in another transaction is ranked again a little later instead
            of failing the job
        """
        # Flush only the tables that the ranking statement reads and writes.
        for model in RANKING_SOURCE_MODELS:
            self.env[model].flush_model()
        busy = self.env["res.company"]
        for company in self.env.companies:
            if nightly:
                try:
                    with self.env.cr.savepoint(flush=False):
                        ranked = self._keyaccount_recompute_company(company)
                except psycopg2.errors.SerializationFailure:
                    # another ranking of the company committed since this
                    # transaction began: its snapshot is too old to rank
                    ranked = False
            else:
                ranked = self._keyaccount_recompute_company(company)
            if not ranked:
                busy |= company
        self.env.invalidate_all()
        if busy and not nightly:
            raise UserError(
                self.env._(
                    "The key accounts of %(companies)s are being ranked right now. "
                    "Try again in a minute.",
                    companies=", ".join(busy.mapped("name")),
                )
            )
        if busy:
            # sudo: the job schedules its own next run
            self.env.ref("crm_keyaccount.ir_cron_keyaccount_recompute").sudo()._trigger(
                fields.Datetime.now() + RETRY_DELAY
            )

    def _keyaccount_recompute_company(self, company):
        """Rank ``company``; False when another transaction is ranking it."""
        today = fields.Date.context_today(self.with_company(company))
        date_from = ka.window_start(today, company.keyaccount_window_months)
        ranked = company.keyaccount_ranked_date
        new_period = not ranked or (ranked.year, ranked.month) != (today.year, today.month)
        entered, left, to_title, suggestions = [], [], {}, []
        rows = self.env.execute_query(
            self._keyaccount_ranking_query(company, date_from, today, new_period)
        )
        if rows and rows[0][0] is None:
            return False  # the lock is held: nothing was written
        company.invalidate_recordset(["keyaccount_ranked_date", "keyaccount_revenue_total"])
        self.env["crm.keyaccount.figure"].invalidate_model()
        self.env["res.partner"]._keyaccount_invalidate_figures()
        for partner_id, old_class, new_class, old_title, new_title, managed, apply in rows:
            if (new_class == ka.CLASS_A) != (old_class == ka.CLASS_A):
                (entered if new_class == ka.CLASS_A else left).append(partner_id)
            if apply:
                to_title.setdefault(new_title, []).append(partner_id)
            if managed and old_title != new_title:
                suggestions.append((partner_id, old_title, new_title))
        self._keyaccount_apply_titles(company, to_title)
        if ranked:
            # the first ranking of a company is not a change: nothing to notify
            self._keyaccount_notify_class_a(company, entered, left)
        self._keyaccount_notify_suggestions(suggestions)
        return True

    @api.model
    def _keyaccount_revenue_query(self, company, date_from, date_to):
        """``(partner_id, amount)`` per commercial partner over the window, in
        company currency: posted customer invoices and refunds, or the margin
        of confirmed sale orders."""
        params = {"company": company.id, "date_from": date_from, "date_to": date_to}
        if company.keyaccount_revenue_basis == "margin":
            return SQL(
                """
                SELECT partner.commercial_partner_id AS partner_id,
                       SUM(so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS amount
                  FROM sale_order so
                  JOIN res_partner partner ON partner.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company)s
                   AND so.date_order::date BETWEEN %(date_from)s AND %(date_to)s
                 GROUP BY partner.commercial_partner_id
                """,
                **params,
            )
        return SQL(
            """
            SELECT commercial_partner_id AS partner_id, SUM(amount_untaxed_signed) AS amount
              FROM account_move
             WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')
               AND company_id = %(company)s AND commercial_partner_id IS NOT NULL
               AND invoice_date BETWEEN %(date_from)s AND %(date_to)s
             GROUP BY commercial_partner_id
            """,
            **params,
        )

    @api.model
    def _keyaccount_opportunity_query(self, company, date_from, date_to):
        """``(partner_id, count, amount)`` of the opportunities created in the window."""
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id, COUNT(*) AS count,
                   COALESCE(SUM(lead.expected_revenue), 0) AS amount
              FROM crm_lead lead
              JOIN res_partner partner ON partner.id = lead.partner_id
             WHERE lead.type = 'opportunity'
               AND (lead.company_id = %(company)s OR lead.company_id IS NULL)
               AND lead.create_date::date BETWEEN %(date_from)s AND %(date_to)s
             GROUP BY partner.commercial_partner_id
            """,
            company=company.id,
            date_from=date_from,
            date_to=date_to,
        )

    @api.model
    def _keyaccount_partnership_query(self, company):
        """``(partner_id, score)``: health score of the latest completed assessment."""
        return SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, health_score AS score
              FROM crm_keyaccount_assessment
             WHERE state = 'done' AND company_id = %(company)s
             ORDER BY partner_id, date_done DESC, id DESC
            """,
            company=company.id,
        )

    @api.model
    def _keyaccount_service_figures(
        self, company, date_from, date_to, partner_ids=None, as_sql=False
    ):
        """Service figures of the customers of ``company`` over the window, read
        from ``crm.service.request`` when crm_service_link is installed.

        A target is decided when reached, reached late or breached; response
        and resolution targets count alike. A complaint is a request flagged
        so or rated from 1 to 2. Customers with neither a decided target nor
        a complaint are left out.

        :param partner_ids: the commercial partners to count (all by default)
        :param as_sql: return the query instead of running it
        :return: ``{commercial partner id: (decided targets, on-time targets,
            complaints)}`` (or its SQL, with these columns named
            ``partner_id, decided, on_time, complaints``); None without
            crm_service_link
        """
        if "crm.service.request" not in self.env:
            return None
        # sudo: the ranking counts every request of the company, whoever runs
        # it; only counts per customer come out.
        requests = self.env["crm.service.request"].sudo()
        domain = [
            ("company_id", "=", company.id),
            ("commercial_partner_id", "!=", False),
            ("request_date", ">=", datetime.combine(date_from, time.min)),
            ("request_date", "<", datetime.combine(date_to + timedelta(days=1), time.min)),
        ]
        if partner_ids is not None:
            domain.append(("commercial_partner_id", "in", list(partner_ids)))
        conditions = {
            f"{target}_{name}": [(f"{target}_sla_status", "in", statuses)]
            for target in ("response", "resolution")
            for name, statuses in (("decided", SLA_DECIDED), ("on_time", ("reached",)))
        }
        conditions["complaint"] = [
            "|",
            ("is_complaint", "=", True),
            "&",
            ("rating_last_value", ">", 0),
            ("rating_last_value", "<=", 2),
        ]
        # one pass over the requests, each condition being the ORM's SQL of
        # the fields of the contract (on the request's own columns)
        query = requests._search(domain)
        counts = {}
        for name, condition in conditions.items():
            condition_query = requests._search(condition)
            if condition_query._joins or condition_query.table != query.table:
                raise ValueError(f"Service condition {name} is not on the request table")
            counts[name] = SQL("COUNT(*) FILTER (WHERE %s)", condition_query.where_clause)
        partner = SQL.identifier(query.table, "commercial_partner_id")
        decided = SQL("(%s + %s)", counts["response_decided"], counts["resolution_decided"])
        query.groupby = partner
        query.having = SQL("%s > 0 OR %s > 0", decided, counts["complaint"])
        select = query.select(
            SQL("%s AS partner_id", partner),
            SQL("%s AS decided", decided),
            SQL("(%s + %s) AS on_time", counts["response_on_time"], counts["resolution_on_time"]),
            SQL("%s AS complaints", counts["complaint"]),
        )
        if as_sql:
            return select
        return {row[0]: tuple(row[1:]) for row in self.env.execute_query(select)}

    @api.model
    def _keyaccount_service_sql(self, company, date_from, date_to):
        """The service figures as an SQL table ``(partner_id, decided, on_time,
        complaints)``: empty without crm_service_link."""
        select = self._keyaccount_service_figures(company, date_from, date_to, as_sql=True)
        return select or SQL(
            "SELECT NULL::int4 AS partner_id, 0 AS decided, 0 AS on_time, 0 AS complaints"
            " WHERE FALSE"
        )

    @api.model
    def _keyaccount_ranking_query(self, company, date_from, date_to, new_period):
        """The whole ranking of ``company`` in one statement (see the module
        docstring); each step mirrors a function of ``tools/keyaccount.py``.

        Returns ``(partner id, old class, new class, old suggestion, new
        suggestion, title managed here, apply the suggestion as title)`` for
        the customers whose class-A membership, suggestion or automatic title
        changes. The title of a customer is managed by the ranking of its
        company (of the current company for a shared customer) when it has a
        key-account manager.
        """
        # suggest_title(), for the new score and for the stored one
        title_model = self.env["crm.keyaccount.title"]
        suggestion = title_model._keyaccount_suggestion_sql(SQL("scored.score"), company.id)
        old_suggestion = title_model._keyaccount_suggestion_sql(
            figure_sql("old", "score"), company.id
        )
        weights = company._keyaccount_weights()
        # the stored figures, a missing row meaning the defaults
        old_columns = SQL(", ").join(
            SQL("%s AS %s", figure_sql("old", name), SQL.identifier(f"old_{name}"))
            for name in FIGURE_NAMES
        )
        old = SQL(", ").join(SQL("new.%s", SQL.identifier(f"old_{name}")) for name in FIGURE_NAMES)
        new = SQL(", ").join(SQL("new.%s", SQL.identifier(name)) for name in FIGURE_NAMES)
        return SQL(
            """
            WITH locked AS (SELECT pg_try_advisory_xact_lock(%(lock)s, %(company)s) AS ok),
            revenue AS (%(revenue)s),
            -- pareto_classes(): per customer, the revenue of the customers with a
            -- strictly greater revenue (the running total including the ties, minus
            -- the ties) and the total of the positive revenues
            pareto AS (
                SELECT partner_id, amount,
                       SUM(amount) OVER (ORDER BY amount DESC)
                         - SUM(amount) OVER (PARTITION BY amount) AS above,
                       SUM(amount) FILTER (WHERE amount > 0) OVER () AS total
                  FROM revenue
            ),
            opportunity AS (%(opportunity)s),
            best AS (SELECT MAX(amount) AS amount FROM opportunity),
            partnership AS (%(partnership)s),
            service AS (%(service)s),
            classed AS (
                SELECT partner.id, partner.keyaccount_title_id AS title_id,
                       COALESCE(partner.keyaccount_title_manual, FALSE) AS manual,
                       partner.keyaccount_manager_id IS NOT NULL AS managed,
                       partner.company_id IS NOT NULL AS own,
                       round(COALESCE(pareto.amount, 0), 2) AS revenue,
                       CASE WHEN COALESCE(pareto.amount, 0) <= 0 THEN 'c'
                            WHEN pareto.above * 100 / pareto.total < %(threshold_a)s THEN 'a'
                            WHEN pareto.above * 100 / pareto.total < %(threshold_b)s THEN 'b'
                            ELSE 'c' END AS abc_class,
                       COALESCE(pareto.amount, 0) > 0 AS profitable,
                       -- opportunity_score()
                       round(LEAST(
                           LEAST(COALESCE(opportunity.count, 0), 5) / 5.0 * 50.0
                           + CASE WHEN best.amount > 0
                                  THEN GREATEST(COALESCE(opportunity.amount, 0), 0)
                                       / best.amount * 50.0
                                  ELSE 0 END,
                           100.0)::numeric, 2)::float8 AS opportunity_score,
                       COALESCE(partnership.score, 0)::float8 AS partnership_score,
                       -- influence_score()
                       LEAST(CASE WHEN partner.keyaccount_industry_leader THEN 40.0 ELSE 0.0 END
                             + 20.0 * COALESCE(partner.keyaccount_influence_rating, '0')::int,
                             100.0)::float8 AS influence_score,
                       -- sla_compliance(), service_score()
                       COALESCE(service.decided, 0) AS sla_targets,
                       CASE WHEN service.decided > 0 THEN round(
                           service.on_time * 100.0 / service.decided, 2)::float8
                       END AS sla_compliance,
                       COALESCE(service.complaints, 0) AS complaint_count,
                       CASE WHEN service.decided > 0 THEN GREATEST(round(
                           service.on_time * 100.0 / service.decided, 2)
                           - %(complaint_penalty)s * service.complaints, 0)::float8
                            ELSE 0.0 END AS service_score
                  FROM res_partner partner
                  CROSS JOIN best
                  LEFT JOIN pareto ON pareto.partner_id = partner.id
                  LEFT JOIN opportunity ON opportunity.partner_id = partner.id
                  LEFT JOIN partnership ON partnership.partner_id = partner.id
                  LEFT JOIN service ON service.partner_id = partner.id
                 WHERE partner.id = partner.commercial_partner_id
                   AND (partner.company_id = %(company)s OR partner.company_id IS NULL)
            ),
            profit AS (
                -- profit_score()
                SELECT classed.*,
                       CASE WHEN NOT profitable THEN 0.0
                            WHEN abc_class = 'a' THEN %(profit_a)s
                            WHEN abc_class = 'b' THEN %(profit_b)s
                            ELSE %(profit_c)s END::float8 AS profit_score
                  FROM classed
            ),
            scored AS MATERIALIZED (
                -- weighted_score()
                SELECT profit.*,
                       round(((profit_score * %(w_profit)s + opportunity_score * %(w_opportunity)s
                               + partnership_score * %(w_partnership)s
                               + influence_score * %(w_influence)s
                               + service_score * %(w_service)s) / %(w_total)s)::numeric, 2
                       )::float8 AS score
                  FROM profit
            ),
            new AS (
                SELECT scored.*,
                       %(suggestion)s AS suggested_title_id,
                       %(old_suggestion)s AS old_suggested_title_id,
                       -- roll_periods()
                       ((CASE WHEN %(new_period)s THEN %(old_periods)s << 1
                              ELSE %(old_periods)s & ~1 END)
                         | (scored.abc_class = 'a')::int) & %(periods_mask)s AS class_a_periods,
                       %(old_columns)s
                  FROM scored
                  LEFT JOIN crm_keyaccount_figure old
                         ON old.partner_id = scored.id AND old.company_id = %(company)s
            ),
            ranked AS (
                UPDATE res_company
                   SET keyaccount_revenue_total = COALESCE((SELECT MAX(total) FROM pareto), 0),
                       keyaccount_ranked_date = %(now)s
                 WHERE id = %(company)s AND (SELECT ok FROM locked)
            ),
            written AS (
                INSERT INTO crm_keyaccount_figure (partner_id, company_id, %(names)s)
                SELECT new.id, %(company)s, %(new)s FROM new
                 WHERE (SELECT ok FROM locked) AND (%(new)s) IS DISTINCT FROM (%(old)s)
                    ON CONFLICT (partner_id, company_id) DO UPDATE SET %(assignments)s
            )
            SELECT new.id, new.old_abc_class, new.abc_class,
                   new.old_suggested_title_id, new.suggested_title_id,
                   new.managed AND (new.own OR %(title_company)s),
                   new.managed AND (new.own OR %(title_company)s) AND NOT new.manual
                     AND new.title_id IS DISTINCT FROM new.suggested_title_id
              FROM new
             WHERE (SELECT ok FROM locked) AND (
                   (new.old_abc_class = 'a') <> (new.abc_class = 'a')
                OR new.managed AND (new.own OR %(title_company)s) AND (
                       new.old_suggested_title_id IS DISTINCT FROM new.suggested_title_id
                       OR NOT new.manual AND new.title_id IS DISTINCT FROM new.suggested_title_id))
            -- another transaction ranks the company: one row without a partner
            UNION ALL
            SELECT NULL::int4, NULL::varchar, NULL::varchar, NULL::int4, NULL::int4, FALSE, FALSE
             WHERE NOT (SELECT ok FROM locked)
            """,
            lock=RANKING_LOCK,
            revenue=self._keyaccount_revenue_query(company, date_from, date_to),
            opportunity=self._keyaccount_opportunity_query(company, date_from, date_to),
            partnership=self._keyaccount_partnership_query(company),
            service=self._keyaccount_service_sql(company, date_from, date_to),
            complaint_penalty=ka.COMPLAINT_PENALTY,
            suggestion=suggestion,
            old_suggestion=old_suggestion,
            threshold_a=company.keyaccount_abc_threshold_a,
            threshold_b=company.keyaccount_abc_threshold_b,
            profit_a=ka.PROFIT_SCORE[ka.CLASS_A],
            profit_b=ka.PROFIT_SCORE[ka.CLASS_B],
            profit_c=ka.PROFIT_SCORE[ka.CLASS_C],
            w_profit=weights[0],
            w_opportunity=weights[1],
            w_partnership=weights[2],
            w_influence=weights[3],
            w_service=weights[4],
            w_total=sum(weights),
            new_period=new_period,
            periods_mask=(1 << ka.STABILITY_PERIODS) - 1,
            old=old,
            old_columns=old_columns,
            old_periods=figure_sql("old", "class_a_periods"),
            new=new,
            names=SQL(", ").join(SQL.identifier(name) for name in FIGURE_NAMES),
            assignments=SQL(", ").join(
                SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                for name in FIGURE_NAMES
            ),
            company=company.id,
            now=fields.Datetime.now(),
            title_company=company == self.env.company,
        )

    @api.model
    def _keyaccount_apply_titles(self, company, to_title):
        """Give managed accounts without a manual title their suggested title."""
        # sudo: the engine applies its own suggestion, for whoever runs the
        # ranking (a key-account manager or the cron); the history line says so.
        partners = self.env["res.partner"].with_company(company).sudo()
        for title_id, partner_ids in to_title.items():
            partners.browse(partner_ids)._keyaccount_write(
                {"keyaccount_title_id": title_id or False}, "automatic"
            )

    @api.model
    def _keyaccount_notify_class_a(self, company, entered, left):
        """Note on the accounts entering or leaving class A, and remind their managers.

        Only accounts with a key-account manager or a follower get the note:
        on the others nobody would read it, and the class and the class-A
        months of the figures keep the change.
        """
        texts = {
            True: self.env._(
                "This customer entered class A (key profit contributors) of %(company)s.",
                company=company.name,
            ),
            False: self.env._(
                "This customer left class A (key profit contributors) of %(company)s.",
                company=company.name,
            ),
        }
        notes, activities = [], []
        activity_model = self.env["ir.model"]._get_id("res.partner")
        todo = self.env.ref("mail.mail_activity_data_todo")
        today = fields.Date.context_today(self)
        followed = self._keyaccount_followed(entered + left)
        for is_entry, partner_ids in ((True, entered), (False, left)):
            for partner in self.env["res.partner"].browse(partner_ids):
                if not partner.keyaccount_manager_id and partner.id not in followed:
                    continue  # a note nobody reads: the figures keep the class
                notes.append((partner, texts[is_entry]))
                if partner.keyaccount_manager_id:
                    activities.append(
                        {
                            "res_model_id": activity_model,
                            "res_id": partner.id,
                            "activity_type_id": todo.id,
                            "user_id": partner.keyaccount_manager_id.id,
                            "summary": texts[is_entry],
                            "date_deadline": today,
                        }
                    )
        self._keyaccount_post_notes(notes)
        # sudo: reminders written by the recompute itself.
        self.env["mail.activity"].sudo().create(activities)

    @api.model
    def _keyaccount_followed(self, partner_ids):
        """The ids of ``partner_ids`` that somebody follows, in one query."""
        if not partner_ids:
            return set()
        # sudo: who follows whom is only used to skip notes nobody would read
        followers = (
            self.env["mail.followers"]
            .sudo()
            .search_fetch(
                [("res_model", "=", "res.partner"), ("res_id", "in", partner_ids)], ["res_id"]
            )
        )
        return set(followers.mapped("res_id"))

    @api.model
    def _keyaccount_notify_suggestions(self, suggestions):
        """Note on managed accounts whose suggested title changed.

        :param suggestions: list of ``(partner id, old title id, new title id)``
        """
        if not suggestions:
            return
        titles = self.env["crm.keyaccount.title"].browse(
            {title for _p, old, new in suggestions for title in (old, new) if title}
        )
        names = {title.id: title.name for title in titles}
        none = self.env._("no title")
        self._keyaccount_post_notes(
            [
                (
                    self.env["res.partner"].browse(partner_id),
                    self.env._(
                        "Suggested key-account title changed from %(old)s to %(new)s.",
                        old=names.get(old, none),
                        new=names.get(new, none),
                    ),
                )
                for partner_id, old, new in suggestions
            ]
        )

    @api.model
    def _keyaccount_post_notes(self, notes):
        """Log internal notes in bulk, without notifying anybody.

        The notes go through ``_message_log_batch``: one ``mail.message``
        batch per round of notes, a partner appearing at most once in each
        round (a partner gets at most a class-A note and a suggestion note),
        so that the number of queries does not grow with the number of
        customers moving in or out of class A.

        :param notes: list of ``(partner, text)``
        """
        rounds = []
        for partner, text in notes:
            for bodies in rounds:
                if partner.id not in bodies:
                    break
            else:
                bodies = {}
                rounds.append(bodies)
            bodies[partner.id] = Markup("<p>%s</p>") % text
        author = self.env.ref("base.partner_root")
        for bodies in rounds:
            # sudo (inside _message_log_batch): system notes written by the
            # ranking, which only key-account managers and the cron run
            self.env["res.partner"].browse(bodies)._message_log_batch(bodies, author_id=author.id)
