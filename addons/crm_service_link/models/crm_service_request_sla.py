# pylint: disable=consider-merging-classes-inherited
# (one model over several files: each file stays under ~400 lines)
from odoo import api, fields, models

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
    def _sla_prepare_create_vals(self, vals_list):
        """Match the policy and plan every deadline before the insert, in batch."""
        now = fields.Datetime.now()
        teams = self.env["crm.service.team"].browse(
            {vals["team_id"] for vals in vals_list if vals.get("team_id")}
        )
        team_by_id = {team.id: team for team in teams}
        keys = []
        for vals in vals_list:
            team = team_by_id.get(vals.get("team_id"), self.env["crm.service.team"])
            vals["request_date"] = fields.Datetime.to_datetime(vals.get("request_date") or now)
            vals.setdefault("company_id", team.company_id.id or self.env.company.id)
            vals.setdefault("priority", "1")
            keys.append(
                (vals["company_id"], team.id, vals["priority"], vals.get("partner_id") or False)
            )
        Policy = self.env["crm.service.sla.policy"]
        matches = Policy._match_batch(keys)
        # the service level agreed on the customer's accepted handoff comes first
        agreed = Policy._match_agreed_batch(keys)
        slots, entries = [], []
        for vals, key in zip(vals_list, keys, strict=True):
            policy = matches[key]
            if key in agreed:
                policy = agreed[key].sla_policy_id
                if not vals.get("handoff_id"):
                    vals["handoff_id"] = agreed[key].id
            vals["sla_policy_id"] = policy.id
            vals["sla_clock_start"] = vals["request_date"]
            if not policy:
                continue
            calendar = policy._get_calendar(team_by_id.get(key[1], self.env["crm.service.team"]))
            for fname, entry in self._sla_entries(
                policy, calendar, vals["request_date"], 0
            ).items():
                slots.append((vals, fname))
                entries.append(entry)
        planned = self.env["resource.calendar"]._service_plan(entries)
        for (vals, fname), deadline in zip(slots, planned, strict=True):
            vals[fname] = deadline

    def _sla_refresh(self):
        """Plan again the deadlines of unreached targets from the clock."""
        now = fields.Datetime.now()
        slots, entries = [], []
        for request in self:
            policy = request.sla_policy_id
            if not policy:
                request.write(dict.fromkeys(self._sla_date_fields(), False))
                continue
            calendar = request._sla_calendar()
            skip = [target for target, (_h, done) in TARGETS.items() if request[done]]
            planned = self._sla_entries(
                policy, calendar, request.sla_clock_start, request.sla_clock_credit, skip
            )
            for fname, entry in planned.items():
                slots.append((request, fname))
                entries.append(entry)
        values = {}
        for (request, fname), date in zip(
            slots, self.env["resource.calendar"]._service_plan(entries), strict=True
        ):
            vals = values.setdefault(request, {})
            vals[fname] = date
            target = fname.split("_", 1)[0]
            if date and date > now:
                mark = "warned" if fname.endswith("warning_date") else "escalated"
                vals[f"{target}_{mark}"] = False
        for request, vals in values.items():
            request.write(vals)
        self._sla_schedule_job()

    @api.model
    def _sla_date_fields(self):
        return [
            f"{target}_{suffix}" for target in TARGETS for suffix in ("deadline", "warning_date")
        ]

    def _sla_consumed_hours(self, calendar, until):
        """Working hours of the targets used so far (pauses excluded)."""
        self.ensure_one()
        if not self.sla_clock_start or not calendar:
            return 0.0
        worked = calendar._service_hours_between_batch([(self.sla_clock_start, until)])[0]
        return worked - self.sla_clock_credit

    def _sla_rematch(self, before):
        """Match the policy again after a change of priority or team.

        The time already consumed is kept: with another calendar, the clock
        restarts now with the consumed hours as a debit.
        """
        keys = [
            (request.company_id.id, request.team_id.id, request.priority, request.partner_id.id)
            for request in self
        ]
        Policy = self.env["crm.service.sla.policy"]
        matches = Policy._match_batch(keys)
        agreed = Policy._match_agreed_batch(keys)
        now = fields.Datetime.now()
        for request, key in zip(self, keys, strict=True):
            policy = agreed[key].sla_policy_id if key in agreed else matches[key]
            old_calendar = before.get(request.id)
            vals = {"sla_policy_id": policy.id}
            new_calendar = request._sla_calendar(policy) if policy else False
            if old_calendar and new_calendar and old_calendar != new_calendar:
                until = request.sla_pause_start or now
                consumed = request._sla_consumed_hours(old_calendar, until)
                vals.update(sla_clock_start=until, sla_clock_credit=-consumed)
            request.write(vals)
        self._sla_refresh()

    # ------------------------------------------------------------
    # Pauses, first response, resolution
    # ------------------------------------------------------------

    def _sla_stage_change(self, new_stage):
        """Start or end pauses and set the resolution, before the stage is written."""
        now = fields.Datetime.now()
        resumed = self.browse()
        for request in self:
            if request.stage_id == new_stage:
                continue
            vals = {}
            calendar = request._sla_calendar()
            pausing = new_stage in request.sla_policy_id.pause_stage_ids and not new_stage.is_closed
            if request.sla_pause_start and not pausing:
                # the policy may have changed or gone since the pause began
                paused = (
                    calendar._service_hours_between_batch([(request.sla_pause_start, now)])[0]
                    if calendar
                    else 0.0
                )
                vals.update(
                    paused_hours=request.paused_hours + paused,
                    sla_clock_credit=request.sla_clock_credit + paused,
                    sla_pause_start=False,
                    sla_pause_return_stage_id=False,
                )
                resumed |= request
            elif pausing and not request.sla_pause_start:
                # a reopened request resumes in an open stage, never in a closed one
                back = request.stage_id if not request.stage_id.is_closed else False
                vals.update(sla_pause_start=now, sla_pause_return_stage_id=back and back.id)
            if new_stage.is_closed and not request.resolved_date:
                vals["resolved_date"] = now
            elif not new_stage.is_closed and request.resolved_date:
                vals.update(resolved_date=False, resolution_working_hours=0.0)
            request.write(vals)
            if new_stage.is_closed and calendar and request.sla_clock_start:
                request.resolution_working_hours = request._sla_consumed_hours(calendar, now)
        resumed._sla_refresh()

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
            for request in requests.filtered(lambda r: not r.first_response_date):
                calendar = request._sla_calendar()
                request.write(
                    {
                        "first_response_date": message.date,
                        "response_working_hours": request._sla_consumed_hours(
                            calendar, message.date
                        ),
                    }
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
