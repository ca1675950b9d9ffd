from odoo import api, models
from odoo.tools import SQL

from ..tools.attribution_sql import eligible_query
from ..tools.job_wake import pace_job


class CrmCampaignAttribution(models.Model):
    """The incremental path of won opportunities, from the ORM cache.

    Winning a lead refreshes its lines without flushing the lead: what the
    conversion is (company, date, revenue, customer) is read from the records
    just written, as ``attribution_sql.conversion_query`` would read them from
    the tables; only the touches are selected in SQL.
    """

    _inherit = "crm.campaign.attribution"

    @api.model
    def _refresh_leads(self, leads, companies=None):
        """Refresh the lines of these (existing) leads, as ``_refresh_records``."""
        if not leads:
            return
        if companies is None:
            companies = leads.sudo().company_id
        if "crm.lead" not in self._conversion_models(companies):
            return
        # sudo: the engine reads the conversion values of leads the user has
        # just written (or created), whoever may read their customer.
        conversions = [
            conversion for lead in leads.sudo() if (conversion := self._lead_conversion(lead))
        ]
        touch = self.env["crm.campaign.touch"]
        touch.flush_model(
            ["partner_id", "lead_id", "campaign_id", "touch_date", "touch_type", "company_id"]
        )
        self.flush_model()
        # The touches of each conversion's customer or lead, as every other
        # refresh selects them (two indexed joins, not one join on an OR).
        columns = ("conversion_id", "partner_id", "lead_id", "conversion_date", "company_id")
        conversions_sql = SQL(
            """SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::timestamp[],
                                    %s::int[], %s::int[])
                   AS c(%s, lookback)""",
            *([conv[name] for conv in conversions] for name in (*columns, "lookback")),
            SQL(", ").join(SQL.identifier(name) for name in columns),
        )
        self.env.cr.execute(
            SQL(
                """WITH locked AS (%s),
                   deleted AS (DELETE FROM crm_campaign_attribution
                                WHERE conversion_model = 'crm.lead'
                                  AND conversion_id = ANY(%s))
                   SELECT * FROM (%s) AS e ORDER BY e.conversion_id, e.touch_date, e.touch_id""",
                self._lock_conversions("crm.lead", leads.ids),
                leads.ids,
                eligible_query(conversions_sql),
            )
        )
        by_id = {conv["conversion_id"]: conv for conv in conversions}
        rows = [dict(by_id[row["conversion_id"]], **row) for row in self.env.cr.dictfetchall()]
        values = self._lines_from_touches(rows)
        if values:
            self._insert_lines(values)
        self.invalidate_model()

    @api.model
    def _lead_conversion(self, lead):
        """The conversion row of a won lead (None if it is none), with the
        columns of ``attribution_sql.CONVERSION_COLUMNS``."""
        company = lead.company_id
        if not (
            lead.active
            and lead.stage_id.is_won
            and company
            and company.campaign_roi_conversion == "lead_won"
        ):
            return None
        currency = company.currency_id
        return {
            "conversion_model": "crm.lead",
            "conversion_id": lead.id,
            "lead_id": lead.id,
            "sale_order_id": None,
            "partner_id": (lead.partner_id.commercial_partner_id or lead.partner_id).id or None,
            "conversion_date": lead.date_closed or lead.write_date,
            "amount": currency.round(lead.expected_revenue or 0.0),
            "currency_id": currency.id,
            "rounding": currency.rounding,
            "company_id": company.id,
            "lookback": company.campaign_roi_lookback_days,
            "half_life": company.campaign_roi_half_life_days,
            "w_first": company.campaign_roi_weight_first,
            "w_middle": company.campaign_roi_weight_middle,
            "w_last": company.campaign_roi_weight_last,
        }

    @api.model
    def _refresh_pending(self, lead_ids=None, limit=None):
        """Refresh the lines of these won leads marked as pending (all marked
        leads when ``lead_ids`` is None, at most ``limit``, oldest first), and
        clear their mark. The marked rows are locked, skipping those another
        transaction is refreshing. The mark is a system flag, cleared in SQL
        without a write of the lead (its history and write date stay)."""
        Lead = self.env["crm.lead"]
        Lead.flush_model(["campaign_roi_pending"])
        self.env.cr.execute(
            SQL(
                """SELECT id FROM crm_lead
                    WHERE campaign_roi_pending %s
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                SQL("") if lead_ids is None else SQL("AND id = ANY(%s)", list(lead_ids)),
                limit,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            return []
        leads = Lead.browse(ids).with_context(active_test=False)
        self._refresh_leads(leads)
        self.env.cr.execute(
            SQL("UPDATE crm_lead SET campaign_roi_pending = FALSE WHERE id = ANY(%s)", ids)
        )
        leads.invalidate_recordset(["campaign_roi_pending"])
        return ids

    @api.model
    def _cron_refresh_pending(self, limit=500):
        """The attribution of the won leads marked as pending, in batches: the
        job runs again at once while marks are left, and at most once in
        ``JOB_SPACING`` seconds under a stream of wins (see ``pace_job``)."""
        pace_job(self.env)
        ids = self._refresh_pending(limit=limit)
        remaining = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search_count([("campaign_roi_pending", "=", True)])
        )
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=remaining)
        return ids
