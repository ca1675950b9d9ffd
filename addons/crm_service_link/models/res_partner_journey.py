"""The customer journey tab of a company, shared by the CRM addons.

Each installed addon appends its own events to ``_customer_journey_events()``;
the tab (field, rendering and the one ``customer_journey`` page of the form)
has the same shape in each of them, so that any one alone shows it and two or
three together show it once.
"""

# pylint: disable=consider-merging-classes-inherited
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.misc import format_datetime

JOURNEY_PAGE = "//page[@name='customer_journey']"


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_journey_html = fields.Html(
        string="Customer Journey",
        compute="_compute_customer_journey_html",
        sanitize=False,
        groups="base.group_user",
    )

    @api.depends_context("uid", "tz", "lang")
    def _compute_customer_journey_html(self):
        for partner in self:
            commercial = partner.commercial_partner_id._origin
            events = commercial._customer_journey_events() if commercial else []
            unique = {}
            for event in events:
                unique.setdefault(event["key"], event)
            ordered = sorted(unique.values(), key=lambda e: (e["date"], e["key"]), reverse=True)
            partner.customer_journey_html = partner._customer_journey_render(ordered)

    def _customer_journey_events(self):
        """Journey events of these commercial partners (and their contacts), from every
        installed addon: each addon appends its own to what the others return."""
        parent = super()
        events = (
            parent._customer_journey_events() if hasattr(parent, "_customer_journey_events") else []
        )
        return events + self._service_journey_events()

    def _customer_journey_render(self, events):
        """HTML table of the journey ``events``, newest first (escaped)."""
        if not events:
            return Markup('<p class="text-muted o_customer_journey_empty">%s</p>') % self.env._(
                "No event in the customer journey yet."
            )
        head = Markup("").join(
            Markup("<th>%s</th>") % label
            for label in (
                self.env._("Date"),
                self.env._("Event"),
                self.env._("Record"),
                self.env._("Details"),
            )
        )
        rows = Markup("").join(
            Markup(
                '<tr><td>%s</td><td>%s</td><td><a href="/odoo/%s/%s">%s</a></td><td>%s</td></tr>'
            )
            % (
                format_datetime(self.env, event["date"]) if event["date"] else "",
                event["kind"],
                event["model"],
                event["res_id"],
                event["name"] or "",
                event["detail"] or "",
            )
            for event in events
        )
        return Markup(
            '<table class="table table-sm o_customer_journey">'
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (head, rows)

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """Keep one journey tab, whichever addons add it."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form":
            for page in arch.xpath(JOURNEY_PAGE)[1:]:
                page.getparent().remove(page)
        return arch, view

    # Events of this addon

    def _service_journey_events(self):
        """Opportunities created, won and lost, handoffs (created, submitted,
        accepted, returned) and service requests with their SLA outcome, of
        these commercial partners: one query per kind of record, with the
        reading user's access rights."""
        return (
            self._service_journey_lead_events()
            + self._service_journey_handoff_events()
            + self._service_journey_request_events()
        )

    def _service_journey_lead_events(self):
        leads = self.env["crm.lead"].with_context(active_test=False)
        if not self or not leads.has_access("read"):
            return []
        leads = leads.search_fetch(
            [
                ("type", "=", "opportunity"),
                ("partner_id.commercial_partner_id", "in", self.ids),
            ],
            ["name", "create_date", "date_closed", "active", "probability", "expected_revenue"],
        )
        kinds = {
            "created": self.env._("Opportunity created"),
            "won": self.env._("Opportunity won"),
            "lost": self.env._("Opportunity lost"),
        }
        events = []
        for lead in leads:
            revenue = self.env._(
                "Expected revenue %(amount)s", amount=format(lead.expected_revenue, ",.2f")
            )
            outcomes = [("created", lead.create_date)]
            if lead.active and lead.probability >= 100 and lead.date_closed:
                outcomes.append(("won", lead.date_closed))
            elif not lead.active and not lead.probability and lead.date_closed:
                outcomes.append(("lost", lead.date_closed))
            events.extend(
                self._service_journey_event(lead, code, date, kinds[code], revenue)
                for code, date in outcomes
            )
        return events

    def _service_journey_handoff_events(self):
        handoffs = self.env["crm.service.handoff"]
        if not self or not handoffs.has_access("read"):
            return []
        handoffs = handoffs.search_fetch(
            [("partner_id", "in", self.ids)],
            ["name", "create_date", "submitted_date", "accepted_date", "returned_date"],
        )
        kinds = {
            "handoff_created": self.env._("Handoff created"),
            "handoff_submitted": self.env._("Handoff submitted"),
            "handoff_accepted": self.env._("Handoff accepted"),
            "handoff_returned": self.env._("Handoff returned to sales"),
        }
        events = []
        for handoff in handoffs:
            dates = {
                "handoff_created": handoff.create_date,
                "handoff_submitted": handoff.submitted_date,
                "handoff_accepted": handoff.accepted_date,
                "handoff_returned": handoff.returned_date,
            }
            events.extend(
                self._service_journey_event(handoff, code, date, kinds[code], "")
                for code, date in dates.items()
                if date
            )
        return events

    def _service_journey_request_events(self):
        requests = self.env["crm.service.request"]
        if not self or not requests.has_access("read"):
            return []
        requests = requests.search_fetch(
            [("commercial_partner_id", "in", self.ids)],
            [
                "name",
                "request_date",
                "first_response_date",
                "resolved_date",
                "response_deadline",
                "resolution_deadline",
                "sla_pause_start",
            ],
        )
        labels = dict(requests._fields["response_sla_status"]._description_selection(self.env))
        events = []
        for request in requests:
            detail = self.env._(
                "Response: %(response)s, resolution: %(resolution)s",
                response=labels.get(request.response_sla_status) or self.env._("no target"),
                resolution=labels.get(request.resolution_sla_status) or self.env._("no target"),
            )
            events.append(
                self._service_journey_event(
                    request,
                    "request",
                    request.request_date,
                    self.env._("Service request"),
                    detail,
                )
            )
        return events

    @api.model
    def _service_journey_event(self, record, code, date, kind, detail):
        return {
            "key": (record._name, record.id, code),
            "date": date,
            "kind": kind,
            "name": record.display_name,
            "detail": detail,
            "model": record._name,
            "res_id": record.id,
        }
