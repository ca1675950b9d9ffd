# pylint: disable=consider-merging-classes-inherited
# (one model over several files: each file stays under ~400 lines)
from odoo import api, fields, models

from .crm_service_request_escalation import TARGETS


class CrmServiceRequest(models.Model):
    """SLA at a glance: time left per target, in working hours, and the
    nearest deadline (computed on read, in batch per calendar)."""

    _inherit = "crm.service.request"

    response_hours_left = fields.Float(
        string="Response Time Left (working hours)",
        compute="_compute_hours_left",
        groups="base.group_user",
        help="Negative once the deadline has passed; frozen while the clock is paused.",
    )
    resolution_hours_left = fields.Float(
        string="Resolution Time Left (working hours)",
        compute="_compute_hours_left",
        groups="base.group_user",
        help="Negative once the deadline has passed; frozen while the clock is paused.",
    )
    sla_next_deadline = fields.Datetime(
        string="Next Deadline",
        compute="_compute_hours_left",
        groups="base.group_user",
        help="The nearest deadline of a target not reached yet.",
    )

    @api.depends("response_deadline", "resolution_deadline", "first_response_date", "resolved_date")
    @api.depends_context("uid")
    def _compute_hours_left(self):
        now = fields.Datetime.now()
        by_calendar = {}
        for request in self:
            request.response_hours_left = request.resolution_hours_left = 0.0
            open_deadlines = [
                request[f"{target}_deadline"]
                for target, (_hours, done) in TARGETS.items()
                if request[f"{target}_deadline"] and not request[done]
            ]
            request.sla_next_deadline = min(open_deadlines) if open_deadlines else False
            calendar = request._sla_calendar()
            if not calendar:
                continue
            until = request.sla_pause_start or now
            for target, (_hours, done) in TARGETS.items():
                deadline = request[f"{target}_deadline"]
                if deadline and not request[done]:
                    by_calendar.setdefault(calendar, []).append((request, target, until, deadline))
        for calendar, items in by_calendar.items():
            pairs = [
                (min(until, deadline), max(until, deadline)) for _r, _t, until, deadline in items
            ]
            hours = calendar._service_hours_between_batch(pairs)
            for (request, target, until, deadline), worked in zip(items, hours, strict=True):
                request[f"{target}_hours_left"] = worked if deadline >= until else -worked
