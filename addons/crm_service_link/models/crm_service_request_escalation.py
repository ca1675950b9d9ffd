from markupsafe import Markup, escape

from odoo import api, fields, models

from ..tools.integrity import as_system

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
        and marked requests are skipped. Ends by scheduling the next run at the
        next warning or deadline.
        """
        now = fields.Datetime.now()
        for target in TARGETS:
            # a breach found with its warning still pending escalates once, without warning
            for level in ("escalated", "warned"):
                requests = self.search(self._sla_escalation_domain(target, level, now))
                if requests:
                    requests._sla_escalate(target, level)
                    # sudo: the marks are the engine's own (the job runs as the system).
                    as_system(requests).write({f"{target}_warned": True, f"{target}_{level}": True})
        self._sla_schedule_job()

    def _sla_escalate(self, target, level):
        """One activity per request, one e-mail per manager."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        labels = {
            ("response", "warned"): self.env._("First response due soon"),
            ("response", "escalated"): self.env._("First response overdue"),
            ("resolution", "warned"): self.env._("Resolution due soon"),
            ("resolution", "escalated"): self.env._("Resolution overdue"),
        }
        summary = labels[(target, level)]
        activities, by_manager = [], {}
        for request in self:
            manager = request.team_id.manager_id
            if not manager:
                continue
            activities.append(
                {
                    "res_model_id": model_id,
                    "res_id": request.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "user_id": manager.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
            by_manager.setdefault(manager, []).append(request)
        # quick update: no notification per activity, the managers get one e-mail below
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(activities)
        mails = []
        for manager, requests in by_manager.items():
            if not manager.email:
                continue
            items = Markup("").join(
                Markup("<li>%s (%s)</li>") % (request.name, request.partner_id.display_name or "")
                for request in requests
            )
            mails.append(
                {
                    "subject": summary,
                    "body_html": Markup("<p>%s</p><ul>%s</ul>") % (escape(summary), items),
                    "email_to": manager.email_formatted,
                    "auto_delete": True,
                }
            )
        self.env["mail.mail"].create(mails)

    @api.model
    def _sla_schedule_job(self):
        """Trigger the escalation job at the next warning or deadline ahead."""
        now = fields.Datetime.now()
        # sudo: only reads the next dates of every request to schedule the job.
        requests = self.sudo()
        next_dates = []
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
            cron = self.env.ref("crm_service_link.ir_cron_service_sla_escalation", False)
            if cron:
                # sudo: scheduling the system job is not a user action.
                cron.sudo()._trigger(at=min(next_dates))
