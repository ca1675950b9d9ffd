from bisect import bisect_right
from datetime import timedelta, timezone

from odoo import api, fields, models

from ..tools.integrity import as_system

ESCALATION_TEMPLATE = "crm_service_link.mail_template_service_sla_escalation"
ESCALATION_CRON = "crm_service_link.ir_cron_service_sla_escalation"
# How far ahead the next working start of a team is looked for (long holidays).
WAKE_HORIZON_DAYS = (8, 60)
# target name -> (hours field on the policy, date that reaches the target)
TARGETS = {
    "response": ("response_hours", "first_response_date"),
    "resolution": ("resolution_hours", "resolved_date"),
}


class CrmServiceRequestEscalation(models.AbstractModel):
    """Warnings and escalations of service requests (mixed into the request)."""

    _name = "crm.service.request.escalation"
    _description = "Service Request Escalation"

    @api.model
    def _sla_escalation_domain(self, target, level, now):
        done = TARGETS[target][1]
        date_field = f"{target}_warning_date" if level == "warned" else f"{target}_deadline"
        return [
            ("is_closed", "=", False),
            (done, "=", False),
            ("sla_pause_start", "=", False),
            (f"{target}_{level}", "=", False),
            (date_field, "<=", now),
        ]

    @api.model
    def _cron_sla_escalation(self):
        """Warn and escalate to the team managers; each mark acts once.

        Idempotent: a request is marked when its warning or breach is handled,
        and marked requests are skipped. A warning holds when the share of the
        target is used (warning date) or when the breach risk reached the
        policy's warning risk. Outside the team's working time nobody can act:
        the request waits, unmarked, and the job is triggered again at the next
        working start (the deadlines do not move, only the e-mail waits). Ends
        by scheduling the next run at the next warning, deadline or wake-up.
        """
        now = fields.Datetime.now()
        wake_at = []
        starts = {}
        for target in TARGETS:
            # a breach found with its warning still pending escalates once, without warning
            for level in ("escalated", "warned"):
                domain = self._sla_escalation_domain(target, level, now)
                if level == "warned":
                    *running, reached = domain
                    domain = [*running, "|", reached, (f"{target}_risk_alert", "=", True)]
                requests = self.search(domain)
                ready, later = requests._sla_split_by_working_time(now, starts)
                wake_at += later
                if ready:
                    ready._sla_escalate(target, level)
                    # sudo: the marks are the engine's own (the job runs as the system).
                    as_system(ready).write({f"{target}_warned": True, f"{target}_{level}": True})
        self._sla_schedule_job(wake_at)

    def _sla_acting_calendar(self):
        """When the team can act on the request: the team's working hours,
        else those the targets count in (policy, company)."""
        self.ensure_one()
        return self.team_id.resource_calendar_id or self._sla_calendar()

    def _sla_split_by_working_time(self, now, starts):
        """(requests someone can act on now, next working starts of the others).

        ``starts`` caches the next working start (naive UTC, ``now`` when
        working) per calendar for the run. One schedule per calendar, in its
        own time zone, with its holidays.
        """
        ready = self.browse()
        later = []
        for request in self:
            calendar = request._sla_acting_calendar()
            if calendar and calendar not in starts:
                starts[calendar] = self._sla_next_working_start(calendar, now)
            start = starts.get(calendar) if calendar else now
            if start is None or start <= now:
                ready |= request
            else:
                later.append(start)
        return ready, later

    def _sla_escalate(self, target, level):
        """One activity per request and one e-mail per team manager, from the
        consultant's template (data, editable and translatable)."""
        template = self.env.ref(ESCALATION_TEMPLATE, raise_if_not_found=False)
        by_manager = {}
        for request in self:
            manager = request.team_id.manager_id
            if manager:
                by_manager[manager] = by_manager.get(manager, self.browse()) | request
        for manager, requests in by_manager.items():
            summary = requests.with_context(lang=manager.lang)._sla_escalation_summary(
                target, level
            )
            # quick update: no notification per activity, the manager gets one e-mail
            requests.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self),
                summary=summary,
                user_id=manager.id,
            )
            if template and manager.email:
                template.with_context(
                    sla_summary=summary,
                    sla_target=target,
                    sla_level=level,
                    service_request_ids=requests.ids,
                ).send_mail(manager.id, email_layout_xmlid="mail.mail_notification_light")

    def _sla_escalation_summary(self, target, level):
        return {
            ("response", "warned"): self.env._("First response due soon"),
            ("response", "escalated"): self.env._("First response overdue"),
            ("resolution", "warned"): self.env._("Resolution due soon"),
            ("resolution", "escalated"): self.env._("Resolution overdue"),
        }[(target, level)]

    def _sla_escalation_mail_lines(self):
        """(name, customer, deadline) of the requests named in an escalation
        e-mail (``service_request_ids`` in the context), for its template."""
        ids = self.env.context.get("service_request_ids") or []
        target = self.env.context.get("sla_target") or "response"
        # sudo: the e-mail to the manager lists the requests the job escalates.
        requests = self.env["crm.service.request"].sudo().browse(ids)
        return [
            (request.name, request.partner_id.display_name or "", request[f"{target}_deadline"])
            for request in requests
        ]

    @api.model
    def _sla_schedule_job(self, wake_at=()):
        """Trigger the escalation job at the next warning or deadline ahead,
        or at the next working start of a team a warning waits for."""
        now = fields.Datetime.now()
        # sudo: only reads the next dates of every request to schedule the job.
        requests = self.sudo()
        next_dates = [moment for moment in wake_at if moment > now]
        for target in TARGETS:
            for level, date_field in (
                ("warned", f"{target}_warning_date"),
                ("escalated", f"{target}_deadline"),
            ):
                domain = self._sla_escalation_domain(target, level, now)[:-1]
                found = requests.search(
                    [*domain, (date_field, ">", now)], order=f"{date_field} asc", limit=1
                )
                if found:
                    next_dates.append(found[date_field])
        if next_dates:
            cron = self.env.ref(ESCALATION_CRON, False)
            if cron:
                # sudo: scheduling the system job is not a user action.
                cron.sudo()._trigger(at=min(next_dates))

    @api.model
    def _sla_next_working_start(self, calendar, now):
        """``now`` (naive UTC) when it falls in the calendar's working time,
        else the start of its next working period; None when there is none
        within the horizon (the e-mail then goes at once, never lost)."""
        moment = now.replace(tzinfo=timezone.utc)
        for days in WAKE_HORIZON_DAYS:
            schedule = calendar._service_schedule(
                moment - timedelta(days=1), moment + timedelta(days=days)
            )
            index = bisect_right(schedule.begins, moment) - 1
            if index >= 0 and moment < schedule.ends[index]:
                return now
            if index + 1 < len(schedule.begins):
                return schedule.begins[index + 1].replace(tzinfo=None)
        return None
