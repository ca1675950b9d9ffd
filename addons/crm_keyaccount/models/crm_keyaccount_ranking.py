"""Nightly recompute of revenue, Pareto classes, scores and suggested titles.

Everything is read with a few grouped SQL queries per company and written back
with one ``UPDATE ... FROM (VALUES ...)`` per chunk of changed partners.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, split_every
from odoo.tools.mail import generate_tracking_message_id

from ..tools import keyaccount as ka

# Stored figures written by the recompute, in the order of the VALUES rows.
FIGURES = (
    ("keyaccount_revenue", "numeric"),
    ("keyaccount_revenue_share", "float8"),
    ("keyaccount_abc_class", "varchar"),
    ("keyaccount_profit_score", "float8"),
    ("keyaccount_opportunity_score", "float8"),
    ("keyaccount_partnership_score", "float8"),
    ("keyaccount_influence_score", "float8"),
    ("keyaccount_score", "float8"),
    ("keyaccount_suggested_title_id", "int4"),
    ("keyaccount_title_differs", "bool"),
    ("keyaccount_class_a_periods", "int4"),
)
CHUNK = 5000


class CrmKeyaccountRanking(models.AbstractModel):
    """Service computing the figures stored on ``res.partner``."""

    _name = "crm.keyaccount.ranking"
    _description = "Key-Account Ranking"

    @api.model
    def _keyaccount_recompute(self):
        """Recompute the key-account figures for the companies of the environment.

        A partner of a company is ranked in that company; a partner shared
        between companies gets the figures of the current company.
        """
        self.env.flush_all()
        for company in self.env.companies:
            self._keyaccount_recompute_company(company, shared=company == self.env.company)
        self.env.invalidate_all()

    def _keyaccount_recompute_company(self, company, shared):
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
        rows, entered, left, to_title, suggestions = [], [], [], {}, []
        for current in self._keyaccount_current_rows(company, shared):
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
            title = current["title"]
            automatic = current["manager"] and not current["manual"] and title != suggested
            differs = bool(current["manual"] and title != suggested)
            new = (
                round(revenue, 2),
                round(share, 4),
                abc_class,
                *scores,
                score,
                suggested,
                differs,
                ka.roll_periods(current["figures"][10], abc_class == ka.CLASS_A, new_period),
            )
            if new != current["figures"]:
                rows.append((partner_id, *new))
            if (abc_class == ka.CLASS_A) != (current["figures"][2] == ka.CLASS_A):
                (entered if abc_class == ka.CLASS_A else left).append(partner_id)
            if automatic:
                to_title.setdefault(suggested, []).append(partner_id)
            if current["manager"] and suggested != current["figures"][8]:
                suggestions.append((partner_id, current["figures"][8], suggested))
        self._keyaccount_write_rows(rows)
        self._keyaccount_apply_titles(to_title)
        if company.keyaccount_ranked_date:
            # the first ranking of a company is not a change: nothing to notify
            self._keyaccount_notify_class_a(entered, left)
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
    def _keyaccount_current_rows(self, company, shared):
        """Current stored figures of the commercial partners ranked in ``company``."""
        columns = SQL(", ").join(SQL.identifier(name) for name, _type in FIGURES)
        scope = SQL("company_id = %s", company.id)
        if shared:
            scope = SQL("(%s OR company_id IS NULL)", scope)
        query = SQL(
            """
            SELECT id, keyaccount_title_id, keyaccount_title_manual, keyaccount_manager_id,
                   keyaccount_industry_leader, keyaccount_influence_rating, %(columns)s
              FROM res_partner
             WHERE id = commercial_partner_id AND %(scope)s
            """,
            columns=columns,
            scope=scope,
        )
        for row in self.env.execute_query(query):
            figures = list(row[6:])
            figures[0] = round(float(figures[0] or 0.0), 2)
            figures[1] = round(figures[1] or 0.0, 4)
            figures[2] = figures[2] or ka.CLASS_C
            for index in range(3, 8):
                figures[index] = figures[index] or 0.0
            figures[9] = bool(figures[9])
            figures[10] = figures[10] or 0
            yield {
                "id": row[0],
                "title": row[1],
                "manual": row[2],
                "manager": row[3],
                "leader": row[4],
                "rating": row[5],
                "figures": tuple(figures),
            }

    @api.model
    def _keyaccount_write_rows(self, rows):
        """Write the changed figures on the partners and their contacts in bulk:
        one ``UPDATE ... FROM unnest(...)`` per chunk, one array per column."""
        if not rows:
            return
        assignments = SQL(", ").join(
            SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name, _t in FIGURES
        )
        names = SQL(", ").join(SQL.identifier(name) for name, _type in FIGURES)
        for chunk in split_every(CHUNK, rows):
            columns = list(zip(*chunk, strict=True))
            arrays = SQL(", ").join(
                SQL("%s::%s[]", list(column), SQL(sql_type))
                for column, sql_type in zip(
                    columns, ["int4"] + [sql_type for _name, sql_type in FIGURES], strict=True
                )
            )
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE res_partner partner SET %(assignments)s
                      FROM unnest(%(arrays)s) AS v(id, %(names)s)
                     WHERE partner.commercial_partner_id = v.id
                    """,
                    assignments=assignments,
                    arrays=arrays,
                    names=names,
                )
            )
        self.env["res.partner"].invalidate_model([name for name, _type in FIGURES])

    @api.model
    def _keyaccount_apply_titles(self, to_title):
        """Give managed accounts without a manual title their suggested title."""
        for title_id, partner_ids in to_title.items():
            self.env["res.partner"].browse(partner_ids).with_context(
                keyaccount_title_reason="automatic"
            ).write({"keyaccount_title_id": title_id or False})

    @api.model
    def _keyaccount_notify_class_a(self, entered, left):
        """Note on the accounts entering or leaving class A, and remind their managers."""
        texts = {
            True: self.env._("This customer entered class A (key profit contributors)."),
            False: self.env._("This customer left class A (key profit contributors)."),
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
