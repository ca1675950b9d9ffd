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
        return events + self._keyaccount_journey_events()

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

    def _keyaccount_journey_events(self):
        """Opportunities created, won and lost, and completed assessments with
        their health score, of these commercial partners: one query per kind of
        record, with the reading user's access rights."""
        return self._keyaccount_journey_lead_events() + self._keyaccount_journey_assessment_events()

    def _keyaccount_journey_lead_events(self):
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
        events = []
        kinds = {
            "created": self.env._("Opportunity created"),
            "won": self.env._("Opportunity won"),
            "lost": self.env._("Opportunity lost"),
        }
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
                {
                    "key": ("crm.lead", lead.id, code),
                    "date": date,
                    "kind": kinds[code],
                    "name": lead.name,
                    "detail": revenue,
                    "model": "crm.lead",
                    "res_id": lead.id,
                }
                for code, date in outcomes
            )
        return events

    def _keyaccount_journey_assessment_events(self):
        assessments = self.env["crm.keyaccount.assessment"]
        if not self or not assessments.has_access("read"):
            return []
        assessments = assessments.search_fetch(
            [("state", "=", "done"), ("partner_id", "in", self.ids)],
            ["name", "date_done", "health_score", "trend"],
        )
        trends = dict(assessments._fields["trend"]._description_selection(self.env))
        return [
            {
                "key": ("crm.keyaccount.assessment", assessment.id, "done"),
                "date": assessment.date_done,
                "kind": self.env._("Account assessed"),
                "name": assessment.name,
                "detail": self.env._(
                    "Health score %(score)s (%(trend)s)",
                    score=format(assessment.health_score, ".0f"),
                    trend=trends.get(assessment.trend, ""),
                ),
                "model": "crm.keyaccount.assessment",
                "res_id": assessment.id,
            }
            for assessment in assessments
        ]
