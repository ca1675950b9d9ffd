"""Nightly recompute of revenue, Pareto classes, scores and suggested titles.

Everything is read with a few grouped SQL queries per company and the changed
figures are written to ``crm_keyaccount_figure`` (one narrow row per customer
and company) with one ``INSERT ... ON CONFLICT`` per chunk.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, split_every
from odoo.tools.mail import generate_tracking_message_id

from ..tools import keyaccount as ka
from .crm_keyaccount_figure import FIGURE_COLUMNS, FIGURE_NAMES, normalise

# Position of some figures in a row of FIGURE_COLUMNS.
CLASS, SUGGESTED, CLASS_A_PERIODS = (
    FIGURE_NAMES.index(name) for name in ("abc_class", "suggested_title_id", "class_a_periods")
)
CHUNK = 10000


class CrmKeyaccountRanking(models.AbstractModel):
    """Service computing the figures of ``crm.keyaccount.figure``."""

    _name = "crm.keyaccount.ranking"
    _description = "Key-Account Ranking"

    @api.model
    def _keyaccount_recompute(self):
        """Recompute the key-account figures for the companies of the environment.

        A customer is ranked in its company, and a customer shared between
        companies in each of them. The title of a shared customer follows the
        suggestion of the current company.
        """
        self.env.flush_all()
        for company in self.env.companies:
            self._keyaccount_recompute_company(company)
        self.env.invalidate_all()

    def _keyaccount_recompute_company(self, company):
        today = fields.Date.context_today(self.with_company(company))
        date_from = ka.window_start(today, company.keyaccount_window_months)
        revenues = self._keyaccount_revenues(company, date_from, today)
        classes = ka.pareto_classes(revenues, *self._keyaccount_thresholds(company))
        opportunities = self._keyaccount_opportunities(company, date_from, today)
        best_value = max((value for _count, value in opportunities.values()), default=0.0)
        partnership = self._keyaccount_partnership(company)
        weights = company._keyaccount_weights()
        titles = [
            (title.id, title.sequence, title.min_score)
            for title in self.env["crm.keyaccount.title"].search(
                [("company_id", "in", (False, company.id))]
            )
        ]
        ranked = company.keyaccount_ranked_date
        new_period = not ranked or (ranked.year, ranked.month) != (today.year, today.month)
        title_company = company == self.env.company
        rows, entered, left, to_title, suggestions = [], [], [], {}, []
        for current in self._keyaccount_current_rows(company):
            partner_id = current["id"]
            revenue = revenues.get(partner_id, 0.0)
            abc_class, share = classes.get(partner_id, (ka.CLASS_C, 0.0))
            count, value = opportunities.get(partner_id, (0, 0.0))
            scores = (
                ka.profit_score(abc_class, revenue),
                ka.opportunity_score(count, value, best_value),
                partnership.get(partner_id, 0.0),
                ka.influence_score(current["leader"], current["rating"]),
            )
            score = ka.weighted_score(scores, weights)
            suggested = ka.suggest_title(score, titles)
            old = current["figures"]
            new = (
                round(revenue, 2),
                round(share, 4),
                abc_class,
                *scores,
                score,
                suggested,
                ka.roll_periods(old[CLASS_A_PERIODS], abc_class == ka.CLASS_A, new_period),
            )
            if new != old:
                rows.append((partner_id, *new))
            if (abc_class == ka.CLASS_A) != (old[CLASS] == ka.CLASS_A):
                (entered if abc_class == ka.CLASS_A else left).append(partner_id)
            if not current["manager"] or not (current["own"] or title_company):
                continue
            if not current["manual"] and current["title"] != suggested:
                to_title.setdefault(suggested, []).append(partner_id)
            if suggested != old[SUGGESTED]:
                suggestions.append((partner_id, old[SUGGESTED], suggested))
        self._keyaccount_write_rows(company, rows)
        self._keyaccount_apply_titles(company, to_title)
        if company.keyaccount_ranked_date:
            # the first ranking of a company is not a change: nothing to notify
            self._keyaccount_notify_class_a(company, entered, left)
        # Bookkeeping of the recompute itself, whoever triggers it: a plain
        # UPDATE, as an ORM write on a company clears the registry caches.
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET keyaccount_ranked_date = %s WHERE id = %s",
                fields.Datetime.now(),
                company.id,
            )
        )
        company.invalidate_recordset(["keyaccount_ranked_date"])
        self._keyaccount_notify_suggestions(suggestions)

    @api.model
    def _keyaccount_thresholds(self, company):
        return company.keyaccount_abc_threshold_a, company.keyaccount_abc_threshold_b

    @api.model
    def _keyaccount_revenues(self, company, date_from, date_to):
        """``{commercial partner id: revenue}`` over the window, company currency."""
        params = {"company": company.id, "date_from": date_from, "date_to": date_to}
        if company.keyaccount_revenue_basis == "margin":
            query = SQL(
                """
                SELECT partner.commercial_partner_id,
                       SUM(so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1))
                  FROM sale_order so
                  JOIN res_partner partner ON partner.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company)s
                   AND so.date_order::date BETWEEN %(date_from)s AND %(date_to)s
                 GROUP BY partner.commercial_partner_id
                """,
                **params,
            )
        else:
            query = SQL(
                """
                SELECT commercial_partner_id, SUM(amount_untaxed_signed)
                  FROM account_move
                 WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')
                   AND company_id = %(company)s AND commercial_partner_id IS NOT NULL
                   AND invoice_date BETWEEN %(date_from)s AND %(date_to)s
                 GROUP BY commercial_partner_id
                """,
                **params,
            )
        return {
            partner_id: float(amount or 0.0) for partner_id, amount in self.env.execute_query(query)
        }

    @api.model
    def _keyaccount_opportunities(self, company, date_from, date_to):
        """``{commercial partner id: (count, expected revenue)}`` of new opportunities."""
        query = SQL(
            """
            SELECT partner.commercial_partner_id, COUNT(*), COALESCE(SUM(lead.expected_revenue), 0)
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
        return {row[0]: (row[1], float(row[2])) for row in self.env.execute_query(query)}

    @api.model
    def _keyaccount_partnership(self, company):
        """``{partner id: health score}`` of the latest completed assessment."""
        query = SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, health_score
              FROM crm_keyaccount_assessment
             WHERE state = 'done' AND company_id = %(company)s
             ORDER BY partner_id, date_done DESC, id DESC
            """,
            company=company.id,
        )
        return dict(self.env.execute_query(query))

    @api.model
    def _keyaccount_current_rows(self, company):
        """The commercial partners ranked in ``company`` (its own and the shared
        ones), with their current figures there."""
        query = SQL(
            """
            SELECT partner.id, partner.keyaccount_title_id, partner.keyaccount_title_manual,
                   partner.keyaccount_manager_id, partner.keyaccount_industry_leader,
                   partner.keyaccount_influence_rating, partner.company_id IS NOT NULL,
                   %(columns)s
              FROM res_partner partner
              LEFT JOIN crm_keyaccount_figure figure
                     ON figure.partner_id = partner.id AND figure.company_id = %(company)s
             WHERE partner.id = partner.commercial_partner_id
               AND (partner.company_id = %(company)s OR partner.company_id IS NULL)
            """,
            columns=SQL(", ").join(SQL.identifier("figure", name) for name in FIGURE_NAMES),
            company=company.id,
        )
        for row in self.env.execute_query(query):
            yield {
                "id": row[0],
                "title": row[1],
                "manual": row[2],
                "manager": row[3],
                "leader": row[4],
                "rating": row[5],
                "own": row[6],
                "figures": normalise(row[7:]),
            }

    @api.model
    def _keyaccount_write_rows(self, company, rows):
        """Write the changed figures of ``company`` in bulk: one
        ``INSERT ... ON CONFLICT DO UPDATE`` per chunk, one array per column."""
        if not rows:
            return
        names = SQL(", ").join(SQL.identifier(name) for name in FIGURE_NAMES)
        assignments = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
            for name in FIGURE_NAMES
        )
        types = ["int4"] + [sql_type for _name, sql_type, _default in FIGURE_COLUMNS]
        for chunk in split_every(CHUNK, rows):
            arrays = SQL(", ").join(
                SQL("%s::%s[]", list(column), SQL(sql_type))
                for column, sql_type in zip(zip(*chunk, strict=True), types, strict=True)
            )
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO crm_keyaccount_figure (company_id, partner_id, %(names)s)
                    SELECT %(company)s, v.* FROM unnest(%(arrays)s) AS v
                        ON CONFLICT (partner_id, company_id) DO UPDATE SET %(assignments)s
                    """,
                    names=names,
                    company=company.id,
                    arrays=arrays,
                    assignments=assignments,
                )
            )
        self.env["crm.keyaccount.figure"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            [
                name
                for name, field in self.env["res.partner"]._fields.items()
                if field.compute == "_compute_keyaccount_figures"
            ]
        )

    @api.model
    def _keyaccount_apply_titles(self, company, to_title):
        """Give managed accounts without a manual title their suggested title."""
        for title_id, partner_ids in to_title.items():
            self.env["res.partner"].with_company(company).browse(partner_ids).with_context(
                keyaccount_title_reason="automatic"
            ).write({"keyaccount_title_id": title_id or False})

    @api.model
    def _keyaccount_notify_class_a(self, company, entered, left):
        """Note on the accounts entering or leaving class A, and remind their managers."""
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
        for is_entry, partner_ids in ((True, entered), (False, left)):
            for partner in self.env["res.partner"].browse(partner_ids):
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

        The notes are system messages with no follower notification, mail or
        attachment, so they are inserted with one ``INSERT ... unnest`` instead
        of ``mail.message.create()`` (1-2 ms per message), which matters when a
        ranking moves thousands of customers in or out of class A.

        :param notes: list of ``(partner, text)``
        """
        if not notes:
            return
        partners = self.env["res.partner"].union(*(partner for partner, _text in notes))
        author = self.env.ref("base.partner_root")
        email_from = author.email_formatted
        # one call for every partner instead of one per message
        reply_to = partners._notify_get_reply_to(default=email_from)
        self.env["mail.message"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (
                    model, res_id, record_name, record_company_id, message_type, subtype_id,
                    is_internal, author_id, email_from, reply_to, body, message_id, date,
                    create_uid, create_date, write_uid, write_date)
                SELECT 'res.partner', v.res_id, v.record_name, v.company_id, 'notification',
                       %(subtype)s, FALSE, %(author)s, %(email_from)s, v.reply_to, v.body,
                       v.message_id, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(res_ids)s::int4[], %(names)s::varchar[], %(companies)s::int4[],
                              %(reply_tos)s::varchar[], %(bodies)s::text[],
                              %(message_ids)s::varchar[])
                       AS v(res_id, record_name, company_id, reply_to, body, message_id)
                """,
                subtype=self.env.ref("mail.mt_note").id,
                author=author.id,
                email_from=email_from,
                now=fields.Datetime.now(),
                uid=self.env.uid,
                res_ids=[partner.id for partner, _text in notes],
                names=[partner.display_name for partner, _text in notes],
                companies=[partner.company_id.id or None for partner, _text in notes],
                reply_tos=[reply_to.get(partner.id) or email_from for partner, _text in notes],
                bodies=[str(Markup("<p>%s</p>") % text) for _partner, text in notes],
                message_ids=[
                    generate_tracking_message_id("message-notify") for _partner, _text in notes
                ],
            )
        )
        self.env["mail.message"].invalidate_model()
        partners.invalidate_recordset(["message_ids"])
