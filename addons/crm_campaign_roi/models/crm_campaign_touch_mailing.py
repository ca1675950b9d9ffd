from datetime import timedelta

from odoo import api, fields, models

from ..tools.mailing import TRACE_EVENTS, trace_touch_events

# The mailing-trace capture: its cursor, and how far before it each run reads
# again (transactions committed late), in minutes.
TRACE_CURSOR_PARAM = "crm_campaign_roi.mailing_trace_sync"
TRACE_MARGIN_PARAM = "crm_campaign_roi.mailing_trace_margin_minutes"
TRACE_MARGIN_MINUTES = 60


class CrmCampaignTouch(models.Model):
    """Touches of mass-mailing traces (where ``mass_mailing`` is installed)."""

    _inherit = "crm.campaign.touch"

    @api.model
    def _cron_capture_mailing_traces(self):
        """Record the sent/opened/clicked/replied events of mailing traces.

        Soft dependency: does nothing unless ``mass_mailing`` is installed.
        Each event becomes one touch dated when it happened, once per trace
        and event (a unique index holds it). The traces read are those
        changed since the last run minus a safety margin: a trace written in
        a transaction committed after that run began is still read next time.
        The recipient is the lead or partner mailed, else (a mailing-list
        contact, a deleted document) the partner with the trace's e-mail.
        """
        if "mailing.trace" not in self.env:
            return 0
        # sudo: a scheduled job reading mailing statistics to derive touches.
        params = self.env["ir.config_parameter"].sudo()
        # the cursor is this transaction's start, as the traces' write dates
        started = self.env.cr.now().replace(microsecond=0)
        now = fields.Datetime.now()
        since = fields.Datetime.to_datetime(
            params.get_param(TRACE_CURSOR_PARAM) or "1970-01-01 00:00:00"
        )
        margin = int(params.get_param(TRACE_MARGIN_PARAM) or TRACE_MARGIN_MINUTES)
        traces = (
            self.env["mailing.trace"]
            .sudo()
            .search_fetch(
                [
                    ("write_date", ">=", since - timedelta(minutes=margin)),
                    ("campaign_id", "!=", False),
                ],
                ["campaign_id", "model", "res_id", "email", "source_id", "medium_id"]
                + [field for field, _type in TRACE_EVENTS],
            )
        )
        known = {}
        for touch in self.sudo().search_fetch(
            [("res_model", "=", "mailing.trace"), ("res_id", "in", traces.ids)],
            ["res_id", "touch_type"],
        ):
            known.setdefault(touch.res_id, set()).add(touch.touch_type)
        events = {
            trace: trace_touch_events(
                {field: trace[field] for field, _type in TRACE_EVENTS}, known.get(trace.id, ())
            )
            for trace in traces
        }
        recipients = self._trace_recipients([trace for trace, todo in events.items() if todo])
        vals_list = []
        for trace, todo in events.items():
            lead, contact = recipients.get(
                trace.id, (self.env["crm.lead"], self.env["res.partner"])
            )
            vals_list += [
                {
                    "campaign_id": trace.campaign_id.id,
                    "source_id": trace.source_id.id,
                    "medium_id": trace.medium_id.id,
                    "contact_id": contact.id,
                    "lead_id": lead.id,
                    "touch_type": touch_type,
                    "touch_date": min(date, now),
                    "res_model": "mailing.trace",
                    "res_id": trace.id,
                    "company_id": (lead.company_id or contact.company_id or self.env.company).id,
                }
                for touch_type, date in todo
            ]
        touches = self.sudo().create(vals_list)
        params.set_param(TRACE_CURSOR_PARAM, fields.Datetime.to_string(started))
        return len(touches)

    @api.model
    def _trace_recipients(self, traces):
        """{trace id: (lead, contact)} of mailing traces, in three queries.

        A lead or partner that no longer exists, and any other recipient
        (mailing-list contacts), is matched by the trace's normalized e-mail.
        """
        # sudo: the job derives touches from every mailing, whoever may read
        # the documents mailed.
        Lead = self.env["crm.lead"].sudo()
        Partner = self.env["res.partner"].sudo()
        ids = {"crm.lead": set(), "res.partner": set()}
        for trace in traces:
            if trace.model in ids:
                ids[trace.model].add(trace.res_id)
        leads = {lead.id: lead for lead in Lead.browse(ids["crm.lead"]).exists()}
        partners = {partner.id: partner for partner in Partner.browse(ids["res.partner"]).exists()}
        emails = {
            trace.email
            for trace in traces
            if trace.email
            and trace.res_id not in (leads if trace.model == "crm.lead" else partners)
        }
        by_email = {}
        if emails:
            for partner in Partner.search_fetch(
                [("email_normalized", "in", list(emails))], ["email_normalized"], order="id"
            ):
                by_email.setdefault(partner.email_normalized, partner)
        result = {}
        for trace in traces:
            lead = leads.get(trace.res_id, Lead) if trace.model == "crm.lead" else Lead
            contact = lead.partner_id
            if trace.model == "res.partner":
                contact = partners.get(trace.res_id, Partner)
            if not contact:
                contact = by_email.get(trace.email, Partner)
            result[trace.id] = (lead, contact)
        return result
