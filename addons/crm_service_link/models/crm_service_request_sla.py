# pylint: disable=consider-merging-classes-inherited
# (one model over several files: each file stays under ~400 lines)
from odoo import api, fields, models

from ..tools import sla_replay
from ..tools.integrity import as_system
from .crm_service_request import SLA_STATUSES
from .crm_service_request_escalation import TARGETS


class CrmServiceRequest(models.Model):
    _inherit = "crm.service.request"

    # SLA
    request_date = fields.Datetime(
        required=True, default=fields.Datetime.now, help="The service level counts from here."
    )
    sla_policy_id = fields.Many2one(
        "crm.service.sla.policy",
        string="SLA Policy",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
        groups="base.group_user",
    )
    response_deadline = fields.Datetime(
        readonly=True, index=True, copy=False, groups="base.group_user"
    )
    resolution_deadline = fields.Datetime(
        readonly=True, index=True, copy=False, groups="base.group_user"
    )
    response_warning_date = fields.Datetime(
        readonly=True, index=True, copy=False, groups="base.group_user"
    )
    resolution_warning_date = fields.Datetime(
        readonly=True, index=True, copy=False, groups="base.group_user"
    )
    first_response_date = fields.Datetime(readonly=True, copy=False)
    resolved_date = fields.Datetime(readonly=True, copy=False)
    response_late = fields.Boolean(compute="_compute_late", store=True, groups="base.group_user")
    resolution_late = fields.Boolean(compute="_compute_late", store=True, groups="base.group_user")
    response_sla_status = fields.Selection(
        SLA_STATUSES,
        string="Response SLA",
        compute="_compute_sla_status",
        search="_search_response_sla_status",
        compute_sudo=True,
    )
    resolution_sla_status = fields.Selection(
        SLA_STATUSES,
        string="Resolution SLA",
        compute="_compute_sla_status",
        search="_search_resolution_sla_status",
        compute_sudo=True,
    )
    response_working_hours = fields.Float(
        string="First Response Time (working hours)",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="base.group_user",
    )
    resolution_working_hours = fields.Float(
        string="Resolution Time (working hours)",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="base.group_user",
    )
    paused_hours = fields.Float(
        string="Paused (working hours)", readonly=True, copy=False, groups="base.group_user"
    )
    # SLA clock: deadline = clock start + target + credit, in working hours
    sla_clock_start = fields.Datetime(
        string="SLA Clock Start", readonly=True, copy=False, groups="base.group_user"
    )
    sla_clock_credit = fields.Float(
        string="SLA Clock Credit (hours)", readonly=True, copy=False, groups="base.group_user"
    )
    sla_pause_start = fields.Datetime(
        string="Paused Since",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_user",
    )
    sla_pause_return_stage_id = fields.Many2one(
        "crm.service.stage",
        string="Stage after Pause",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    sla_calendar_id = fields.Many2one(
        "resource.calendar",
        string="SLA Clock Calendar",
        readonly=True,
        copy=False,
        ondelete="set null",
        groups="base.group_user",
        help="The working hours the clock counts in (the policy's or the team's).",
    )
    sla_last_event_date = fields.Datetime(
        string="SLA Clock Measured Until",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="The clock's segments are closed up to this date (its last event).",
    )
    sla_segment_ids = fields.One2many(
        "crm.service.sla.segment", "request_id", string="SLA Timeline", readonly=True
    )
    sla_team_clock_ids = fields.One2many(
        "crm.service.sla.team.clock", "request_id", string="Team Clocks", readonly=True
    )
    # Escalation marks (the scheduled job acts once per mark)
    response_warned = fields.Boolean(readonly=True, copy=False, groups="base.group_user")
    response_escalated = fields.Boolean(readonly=True, copy=False, groups="base.group_user")
    resolution_warned = fields.Boolean(readonly=True, copy=False, groups="base.group_user")
    resolution_escalated = fields.Boolean(readonly=True, copy=False, groups="base.group_user")

    @api.depends("first_response_date", "response_deadline", "resolved_date", "resolution_deadline")
    def _compute_late(self):
        for request in self:
            request.response_late = bool(
                request.first_response_date
                and request.response_deadline
                and request.first_response_date > request.response_deadline
            )
            request.resolution_late = bool(
                request.resolved_date
                and request.resolution_deadline
                and request.resolved_date > request.resolution_deadline
            )

    @api.depends(
        "first_response_date",
        "response_deadline",
        "resolved_date",
        "resolution_deadline",
        "sla_pause_start",
    )
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for request in self:
            for target, (_hours, done_field) in TARGETS.items():
                request[f"{target}_sla_status"] = request._sla_status(
                    request[done_field], request[f"{target}_deadline"], now
                )

    def _sla_calendar(self, policy=None):
        """Working hours of the request: its policy's, its team's or its company's."""
        self.ensure_one()
        policy = self.sla_policy_id if policy is None else policy
        return (
            policy.resource_calendar_id
            or self.team_id.resource_calendar_id
            or self.company_id.resource_calendar_id
        )

    def _sla_status(self, done, deadline, now):
        if not deadline:
            return False
        if done:
            return "reached" if done <= deadline else "reached_late"
        if self.sla_pause_start:
            return "paused"
        return "breached" if deadline < now else "ongoing"

    def _sla_status_domain(self, target, status):
        done = TARGETS[target][1]
        deadline = f"{target}_deadline"
        now = fields.Datetime.now()
        running = [(done, "=", False), ("sla_pause_start", "=", False)]
        return {
            "reached": [(done, "!=", False), (f"{target}_late", "=", False)],
            "reached_late": [(done, "!=", False), (f"{target}_late", "=", True)],
            "paused": [
                (done, "=", False),
                (deadline, "!=", False),
                ("sla_pause_start", "!=", False),
            ],
            "breached": [*running, (deadline, "<", now)],
            "ongoing": [*running, (deadline, ">=", now)],
        }[status]

    def _sla_search(self, target, operator, value):
        values = value if isinstance(value, list | tuple) else [value]
        statuses = [status for status in values if status]
        domains = [self._sla_status_domain(target, status) for status in statuses]
        if False in values or None in values:
            domains.append([(f"{target}_deadline", "=", False)])
        domain = ["|"] * (len(domains) - 1) + [
            leaf for dom in domains for leaf in ["&"] * (len(dom) - 1) + dom
        ]
        domain = domain or [(0, "=", 1)]
        if operator in ("!=", "not in"):
            return ["!", *domain] if len(domain) > 1 else ["!", domain[0]]
        return domain

    def _search_response_sla_status(self, operator, value):
        return self._sla_search("response", operator, value)

    def _search_resolution_sla_status(self, operator, value):
        return self._sla_search("resolution", operator, value)

    # ------------------------------------------------------------
    # Deadlines
    # ------------------------------------------------------------

    def _sla_entries(self, policy, calendar, start, credit, skip=()):
        """(calendar, start, hours) entries for the deadlines and warnings."""
        entries = {}
        for target, (hours_field, _done) in TARGETS.items():
            if target in skip:
                continue
            hours = policy[hours_field]
            entries[f"{target}_deadline"] = (calendar, start, hours + credit)
            warning = hours * policy.warning_percent / 100.0
            entries[f"{target}_warning_date"] = (calendar, start, warning + credit)
        return entries

    @api.model
    def _sla_date_fields(self):
        return [
            f"{target}_{suffix}" for target in TARGETS for suffix in ("deadline", "warning_date")
        ]

    def _sla_on_message(self, message):
        """First answer to the customer, or a customer reply ending a pause."""
        if message.message_type not in ("comment", "email"):
            return
        # sudo: read the author's users to tell staff from customers; nothing is written.
        author_users = message.sudo().with_context(active_test=False).author_id.user_ids
        internal = bool(author_users) and not all(author_users.mapped("share"))
        comment = self.env.ref("mail.mt_comment")
        # sudo: the SLA fields are maintained by the system; the message was posted
        # with the poster's own rights (read access on the request) just before.
        requests = as_system(self)
        if internal and message.message_type == "comment" and message.subtype_id == comment:
            requests.filtered(lambda r: not r.first_response_date)._sla_run(
                message.date,
                lambda _request, state, schedule: sla_replay.first_reply(
                    state, message.date, schedule
                ),
            )
        elif not internal:
            for request in requests.filtered(lambda r: r.sla_pause_start and not r.is_closed):
                back = request.sla_pause_return_stage_id
                if not back or back.is_closed:
                    back = request._sla_open_stage()
                request.stage_id = back

    def _sla_open_stage(self):
        self.ensure_one()
        return self.env["crm.service.stage"].search(
            [
                ("is_closed", "=", False),
                ("id", "not in", self.sla_policy_id.pause_stage_ids.ids),
            ],
            limit=1,
        )
