# pylint: disable=consider-merging-classes-inherited
# (one model over several files: each file stays under ~400 lines)
from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import sla_replay

# request field -> attribute of the clock's state (tools/sla_replay.State)
STATE_FIELDS = {
    "sla_clock_start": "clock_start",
    "sla_clock_credit": "clock_credit",
    "sla_pause_start": "pause_start",
    "paused_hours": "paused_hours",
    "first_response_date": "first_response_date",
    "response_working_hours": "response_working_hours",
    "resolved_date": "resolved_date",
    "resolution_working_hours": "resolution_working_hours",
    "sla_last_event_date": "last_event",
}


class CrmServiceRequest(models.Model):
    """The live SLA engine: each event goes through tools/sla_replay on the
    stored clock, and the new figures, segments and team clocks are saved."""

    _inherit = "crm.service.request"

    # ------------------------------------------------------------
    # From records to the pure clock, and back
    # ------------------------------------------------------------

    @api.model
    def _sla_policy_data(self, policies, targets_only=False):
        """{policy id: sla_replay.Policy} for many policies (prefetched).

        ``targets_only``: without pause stages and budgets, enough to plan the
        deadlines of new requests."""
        if targets_only:
            return {
                policy.id: sla_replay.Policy(
                    policy.id,
                    policy.response_hours,
                    policy.resolution_hours,
                    policy.warning_percent,
                )
                for policy in policies
            }
        return {
            policy.id: sla_replay.Policy(
                id=policy.id,
                response_hours=policy.response_hours,
                resolution_hours=policy.resolution_hours,
                warning_percent=policy.warning_percent,
                pause_stage_ids=frozenset(policy.pause_stage_ids.ids),
                budgets=tuple(
                    (budget.team_id.id, budget.id, budget.hours)
                    for budget in policy.team_budget_ids.sorted(lambda b: (b.sequence, b.id))
                ),
            )
            for policy in policies
        }

    def _sla_states(self):
        """The stored clock of each request: {request: State}."""
        policies = self._sla_policy_data(self.sla_policy_id)
        clocks = (
            self.env["crm.service.sla.team.clock"].sudo().search([("request_id", "in", self.ids)])
        )
        states = {}
        for request in self:
            calendar = request._sla_calendar().id
            state = sla_replay.State(
                policy=policies.get(request.sla_policy_id.id),
                calendar=request.sla_calendar_id.id or calendar,
                team=request.team_id.id,
                stage=request.stage_id.id,
                closed=request.stage_id.is_closed,
                clock_start=request.sla_clock_start or request.request_date,
                pause_return_stage=request.sla_pause_return_stage_id.id,
            )
            for fname, attr in STATE_FIELDS.items():
                if fname != "sla_clock_start" and request[fname]:
                    setattr(state, attr, request[fname])
            state.last_event = state.last_event or request.request_date
            if request.resolved_date and calendar != state.calendar:
                state.pending_calendar = calendar
            for clock in clocks.filtered(lambda c, r=request: c.request_id == r):
                state.clocks[(clock.budget_id.id, clock.team_id.id)] = sla_replay.TeamClock(
                    seconds=clock.counted_seconds,
                    budget_hours=clock.budget_hours,
                    breach_date=clock.breach_date or None,
                )
            states[request] = state
        return states

    @api.model
    def _sla_schedules(self, windows):
        """{calendar id: ClockSchedule} for {calendar id: (begin, end)} naive UTC."""
        calendars = self.env["resource.calendar"].browse(list(windows))
        return {
            calendar.id: calendar._service_clock_schedule(*windows[calendar.id])
            for calendar in calendars
        }

    @api.model
    def _sla_windows(self, states, now):
        windows = {}
        for state in states:
            if not state.calendar:
                continue
            dates = [
                date for date in (state.clock_start, state.last_event, state.pause_start) if date
            ]
            if state.resolved_date:
                dates.append(state.resolved_date)
            begin, end = windows.get(state.calendar, (min(dates), now))
            windows[state.calendar] = (min(begin, *dates), max(end, now))
        return windows

    def _sla_state_vals(self, state):
        self.ensure_one()
        vals = {fname: getattr(state, attr) or False for fname, attr in STATE_FIELDS.items()}
        vals["sla_policy_id"] = state.policy.id if state.policy else False
        vals["sla_pause_return_stage_id"] = state.pause_return_stage or False
        vals["sla_calendar_id"] = state.calendar or False
        for fname in ("sla_clock_credit", "paused_hours"):
            vals[fname] = vals[fname] or 0.0
        for fname in ("response_working_hours", "resolution_working_hours"):
            vals[fname] = vals[fname] or 0.0
        return vals

    def _sla_save(self, states, now, replace=False):
        """Store the clocks: figures, planned dates, new segments, team clocks.

        ``replace`` (the repair): every figure, segment and clock is rewritten,
        and an escalation mark is kept only while its date still holds.
        """
        Calendar = self.env["resource.calendar"]
        slots, entries = [], []
        for request, state in states.items():
            for fname, plan in state.plans.items():
                slots.append((request, fname))
                entries.append(
                    (Calendar.browse(plan[0]), plan[1], plan[2]) if plan else (None, None, None)
                )
            for key, clock in state.clocks.items():
                plan = sla_replay.clock_plan(state, key, clock)
                slots.append((request, key))
                entries.append(
                    (Calendar.browse(plan[0]), plan[1], plan[2]) if plan else (None, None, None)
                )
        planned = {}
        for slot, date in zip(slots, Calendar._service_plan(entries), strict=True):
            planned[slot] = date or False
        values = {}
        for request, state in states.items():
            vals = request._sla_state_vals(state)
            for fname in state.plans:
                vals[fname] = planned[(request, fname)]
            for fname in request._sla_date_fields():
                target = fname.split("_", 1)[0]
                mark = "warned" if fname.endswith("warning_date") else "escalated"
                date = vals.get(fname, request[fname])
                if (fname in state.plans or replace) and (not date or date > now):
                    vals[f"{target}_{mark}"] = False
            values[request] = vals
        self._sla_save_segments(states, replace)
        self._sla_save_clocks(states, planned, replace)
        if replace:
            self._sla_write_bulk(values)
            return
        for request, vals in values.items():
            changed = {
                fname: value for fname, value in vals.items() if request._sla_stored(fname) != value
            }
            if changed:
                request.write(changed)

    def _sla_stored(self, fname):
        value = self[fname]
        return value.id if self._fields[fname].type == "many2one" else value

    def _sla_save_segments(self, states, replace):
        """Insert the new segments in one query (a repair batch may hold
        thousands); the engine's records, so no ORM check is skipped."""
        Segment = self.env["crm.service.sla.segment"].sudo()
        if replace:
            Segment.search([("request_id", "in", self.ids)]).unlink()
        rows = []
        for request, state in states.items():
            for target, begin, end, kind, seconds, team in state.segments:
                rows.append(
                    SQL(
                        "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        request.id,
                        request.company_id.id,
                        target,
                        begin,
                        end,
                        kind,
                        seconds / 3600.0,
                        team or None,
                        self.env.uid,
                        self.env.cr.now(),
                        self.env.uid,
                        self.env.cr.now(),
                    )
                )
            state.segments = []
        if not rows:
            return
        self.env.cr.execute(
            SQL(
                """INSERT INTO crm_service_sla_segment (request_id, company_id, target,
                       date_start, date_end, kind, working_hours, team_id,
                       create_uid, create_date, write_uid, write_date)
                   VALUES %s""",
                SQL(", ").join(rows),
            )
        )
        self.invalidate_recordset(["sla_segment_ids"])

    def _sla_save_clocks(self, states, planned, replace):
        Clock = self.env["crm.service.sla.team.clock"].sudo()
        existing = Clock.search([("request_id", "in", self.ids)])
        if replace:
            existing.unlink()
            existing = Clock
        by_key = {
            (clock.request_id.id, clock.budget_id.id, clock.team_id.id): clock for clock in existing
        }
        vals_list = []
        for request, state in states.items():
            for key, clock in state.clocks.items():
                vals = {
                    "counted_seconds": clock.seconds,
                    "budget_hours": clock.budget_hours,
                    "breach_date": clock.breach_date or False,
                    "deadline": planned.get((request, key)) or False,
                    "status": sla_replay.clock_status(state, key, clock),
                }
                record = by_key.get((request.id, *key))
                if record:
                    record.write(vals)
                else:
                    vals_list.append(
                        dict(
                            vals,
                            request_id=request.id,
                            budget_id=key[0] or False,
                            team_id=key[1] or False,
                        )
                    )
        Clock.create(vals_list)

    # ------------------------------------------------------------
    # Live events
    # ------------------------------------------------------------

    def _sla_run(self, now, apply):
        """Apply ``apply(request, state, schedule)`` to the stored clocks and save."""
        if not self:
            return
        states = self._sla_states()
        schedules = self._sla_schedules(self._sla_windows(states.values(), now))
        for request, state in states.items():
            apply(request, state, schedules.get(state.calendar))
        self._sla_save(states, now)
        self._sla_schedule_job()

    @api.model
    def _sla_prepare_create_vals(self, vals_list):
        """Match the policy and plan every deadline before the insert, in batch."""
        now = fields.Datetime.now()
        Team = self.env["crm.service.team"]
        teams = Team.browse({vals["team_id"] for vals in vals_list if vals.get("team_id")})
        team_by_id = {team.id: team for team in teams}
        keys = []
        for vals in vals_list:
            team = team_by_id.get(vals.get("team_id"), Team)
            vals["request_date"] = fields.Datetime.to_datetime(vals.get("request_date") or now)
            vals.setdefault("company_id", team.company_id.id or self.env.company.id)
            vals.setdefault("priority", "1")
            keys.append(
                (vals["company_id"], team.id, vals["priority"], vals.get("partner_id") or False)
            )
        handoffs = {}
        policies = self._sla_match(keys, handoffs)
        data = self._sla_policy_data(
            self.env["crm.service.sla.policy"].union(*policies.values()), targets_only=True
        )
        Stage = self.env["crm.service.stage"]
        slots, entries = [], []
        for vals, key in zip(vals_list, keys, strict=True):
            policy, handoff = policies[key], handoffs.get(key)
            if handoff and not vals.get("handoff_id"):
                vals["handoff_id"] = handoff.id
            team = team_by_id.get(key[1], Team)
            company = self.env["res.company"].browse(key[0])
            calendar = (
                policy._get_calendar(team)
                if policy
                else team.resource_calendar_id or company.resource_calendar_id
            )
            stage = Stage.browse(vals.get("stage_id"))
            state = sla_replay.start(
                vals["request_date"],
                stage.id,
                stage.is_closed,
                team.id,
                data.get(policy.id),
                calendar.id,
            )
            vals["sla_policy_id"] = policy.id
            vals["sla_calendar_id"] = calendar.id
            vals["sla_clock_start"] = vals["sla_last_event_date"] = vals["request_date"]
            for fname, plan in state.plans.items():
                if plan:
                    slots.append((vals, fname))
                    entries.append((calendar, plan[1], plan[2]))
        planned = self.env["resource.calendar"]._service_plan(entries)
        for (vals, fname), deadline in zip(slots, planned, strict=True):
            vals[fname] = deadline

    @api.model
    def _sla_match(self, keys, handoffs=None):
        """{key: policy} for (company, team, priority, partner) keys: the
        service level agreed on the customer's accepted handoff comes first
        (filled in ``handoffs``: {key: handoff})."""
        Policy = self.env["crm.service.sla.policy"]
        matches = Policy._match_batch(keys)
        agreed = Policy._match_agreed_batch(keys)
        if handoffs is not None:
            handoffs.update(agreed)
        return {
            key: agreed[key].sla_policy_id if key in agreed else matches[key] for key in set(keys)
        }

    def _sla_key(self):
        self.ensure_one()
        return (self.company_id.id, self.team_id.id, self.priority, self.partner_id.id)

    def _sla_on_write(self, states, old_stages, rematch, now):
        """After a user's write: the stage changes, then the policy is matched
        again where the priority, team, customer or company changed."""
        requests = self.filtered(
            lambda r: r in states and (r in rematch or r.stage_id.id != old_stages[r.id])
        )
        if not requests:
            return
        states = {request: states[request] for request in requests}
        keys = [request._sla_key() for request in requests.filtered(lambda r: r in rematch)]
        policies = self._sla_match(keys)
        data = self._sla_policy_data(self.env["crm.service.sla.policy"].union(*policies.values()))
        schedules = self._sla_schedules(self._sla_windows(states.values(), now))
        for request in requests:
            state = states[request]
            schedule = schedules.get(state.calendar)
            if request.stage_id.id != old_stages[request.id]:
                sla_replay.change_stage(
                    state, now, request.stage_id.id, request.stage_id.is_closed, schedule
                )
            if request in rematch:
                policy = policies[request._sla_key()]
                sla_replay.rematch(
                    state,
                    now,
                    request.team_id.id,
                    data.get(policy.id),
                    request._sla_calendar(policy).id,
                    schedule,
                )
        requests._sla_save({request: states[request] for request in requests}, now)
        requests._sla_schedule_job()
