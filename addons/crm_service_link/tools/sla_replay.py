"""The SLA clock of a service request, as a pure function of its events (no ORM).

The live engine applies one event at a time to the state it stored; the
repair replays the whole history from the creation. Both call the functions
of this module, so that for the same events, calendars and policies they
store the same figures, to the second.

Events (naive UTC dates, in the order they happened):

- :func:`start`: the request is received (its date, stage, team, policy, calendar);
- :func:`change_stage`: the stage changes (pauses, resolution, reopening);
- :func:`first_reply`: the first public answer of a staff member;
- :func:`rematch`: the priority, team or customer changed and the policy was
  matched again. The time already consumed is kept (retroactive start): in the
  same calendar the clock keeps its start; in another calendar it restarts at
  the event with the consumed hours as a debit.

Between two events the state does not change: :func:`advance` cuts the time
since the previous event into segments per target (``counted``, ``paused``,
``holiday``, ``outside_hours``) and adds the counted resolution time to the
team clock of the team holding the request. Time with a team that has no
budget in the policy goes to that team's *unassigned* clock (budget 0), so the
team clocks always add up to the counted resolution time.
"""

from dataclasses import dataclass, field
from datetime import timedelta

RESPONSE, RESOLUTION = "response", "resolution"
TARGET_DONE = {RESPONSE: "first_response_date", RESOLUTION: "resolved_date"}
DATE_FIELDS = (
    "response_deadline",
    "response_warning_date",
    "resolution_deadline",
    "resolution_warning_date",
)


@dataclass(frozen=True)
class Policy:
    """What the clock needs of a policy. ``budgets``: {team_id: (budget_id, hours)}."""

    id: int
    response_hours: float
    resolution_hours: float
    warning_percent: int
    pause_stage_ids: frozenset = frozenset()
    budgets: tuple = ()

    def budget_of(self, team_id):
        for team, budget_id, hours in self.budgets:
            if team == team_id:
                return budget_id, hours
        return 0, 0.0


@dataclass
class TeamClock:
    seconds: int = 0
    budget_hours: float = 0.0
    breach_date: object = None


@dataclass
class State:
    """The clock of one request (what the request stores, plus the plans)."""

    policy: Policy | None
    calendar: int
    team: int
    stage: int
    closed: bool
    clock_start: object
    clock_credit: float = 0.0
    pause_start: object = None
    pause_return_stage: int = 0
    paused_hours: float = 0.0
    first_response_date: object = None
    response_working_hours: float = 0.0
    resolved_date: object = None
    resolution_working_hours: float = 0.0
    last_event: object = None
    # calendar the clock moves to when a closed request reopens (0: none)
    pending_calendar: int = 0
    # date field -> (calendar, start, hours) to plan, or None to clear
    plans: dict = field(default_factory=dict)
    # (target, begin, end, kind, working seconds, team)
    segments: list = field(default_factory=list)
    # (budget_id, team_id) -> TeamClock
    clocks: dict = field(default_factory=dict)


def start(date, stage, closed, team, policy, calendar):
    """The state of a request received at ``date``."""
    state = State(
        policy=policy,
        calendar=calendar,
        team=team,
        stage=stage,
        closed=closed,
        clock_start=date,
        last_event=date,
    )
    if policy:
        refresh(state)
    return state


def refresh(state):
    """Plan again the dates of the targets not reached yet (none without policy)."""
    policy = state.policy
    if not policy:
        state.plans.update(dict.fromkeys(DATE_FIELDS))
        return
    for target, hours in ((RESPONSE, policy.response_hours), (RESOLUTION, policy.resolution_hours)):
        if getattr(state, TARGET_DONE[target]):
            continue
        credit = state.clock_credit
        warning = hours * policy.warning_percent / 100.0
        state.plans[f"{target}_deadline"] = (state.calendar, state.clock_start, hours + credit)
        state.plans[f"{target}_warning_date"] = (
            state.calendar,
            state.clock_start,
            warning + credit,
        )


def consumed_hours(state, schedule, until):
    """Working hours of the targets used up to ``until`` (pauses excluded)."""
    if not state.clock_start or schedule is None:
        return 0.0
    until = min(until, state.pause_start) if state.pause_start else until
    return schedule.hours_between(state.clock_start, until) - state.clock_credit


def _team_clock(state):
    """The clock of the team holding the request (created at 0 if new)."""
    budget_id, hours = state.policy.budget_of(state.team) if state.policy else (0, 0.0)
    clock = state.clocks.setdefault((budget_id, state.team), TeamClock())
    clock.budget_hours = hours
    return budget_id, clock


def _add_team_time(state, begin, seconds):
    """Count ``seconds`` of resolution time from ``begin`` on the team's clock."""
    budget_id, clock = _team_clock(state)
    hours = clock.budget_hours
    limit = round(hours * 3600)
    if budget_id and clock.breach_date is None and clock.seconds + seconds > limit:
        clock.breach_date = begin + timedelta(seconds=max(limit - clock.seconds, 0))
    clock.seconds += seconds


def _emit(state, target, begin, end, schedule, paused):
    if schedule is None or end <= begin:
        return
    if paused:
        pieces = [(begin, end, "paused", schedule.seconds_between(begin, end))]
    else:
        pieces = schedule.split(begin, end)
    for piece_begin, piece_end, kind, seconds in pieces:
        state.segments.append((target, piece_begin, piece_end, kind, seconds, state.team))
        if target == RESOLUTION and kind == "counted":
            _add_team_time(state, piece_begin, seconds)


def advance(state, date, schedule):
    """Close the segments from the previous event up to ``date``."""
    begin = state.last_event
    if begin is None or date <= begin:
        state.last_event = max(begin or date, date)
        return
    paused = bool(state.pause_start)
    for target, done in TARGET_DONE.items():
        if not getattr(state, done):
            _emit(state, target, begin, date, schedule, paused)
    state.last_event = date
    if not state.resolved_date:
        _team_clock(state)


def change_stage(state, date, stage, closed, schedule):
    """The stage changes at ``date``: pause, resume, resolve or reopen."""
    if stage == state.stage:
        return
    advance(state, date, schedule)
    policy = state.policy
    pausing = bool(policy) and stage in policy.pause_stage_ids and not closed
    resumed = False
    if state.pause_start and not pausing:
        paused = schedule.hours_between(state.pause_start, date) if schedule else 0.0
        state.paused_hours += paused
        state.clock_credit += paused
        state.pause_start = None
        state.pause_return_stage = 0
        resumed = True
    elif pausing and not state.pause_start:
        # a reopened request resumes in an open stage, never in a closed one
        state.pause_start = date
        state.pause_return_stage = state.stage if not state.closed else 0
    resolving = closed and not state.resolved_date
    if resolving:
        state.resolved_date = date
        state.resolution_working_hours = consumed_hours(state, schedule, date)
    elif not closed and state.resolved_date:
        # reopened: the clock of the resolution ran on while it was closed
        _emit(state, RESOLUTION, state.resolved_date, date, schedule, False)
        state.resolved_date = None
        state.resolution_working_hours = 0.0
        if state.pending_calendar:
            # the policy changed while closed: the clock moves to its calendar now
            _move_clock(state, date, state.pending_calendar, schedule)
            resumed = True
    state.stage, state.closed = stage, closed
    if resumed:
        refresh(state)


def first_reply(state, date, schedule):
    """The first public answer of a staff member, at ``date``."""
    if state.first_response_date:
        return
    advance(state, date, schedule)
    state.first_response_date = date
    state.response_working_hours = consumed_hours(state, schedule, date)


def rematch(state, date, team, policy, calendar, schedule):
    """The policy was matched again after a change of priority, team or customer.

    ``schedule`` is the one of the calendar in force before the change.
    """
    advance(state, date, schedule)
    state.pending_calendar = 0
    if state.resolved_date and calendar != state.calendar:
        # closed: the clock keeps its calendar until the request reopens
        state.pending_calendar = calendar
    else:
        _move_clock(state, date, calendar, schedule)
    state.team, state.policy = team, policy
    if not state.resolved_date:
        _team_clock(state)
    refresh(state)


def _move_clock(state, date, calendar, schedule):
    """Count in ``calendar`` from ``date`` on, keeping the hours consumed."""
    if state.calendar and calendar and state.calendar != calendar:
        until = state.pause_start or date
        consumed = consumed_hours(state, schedule, until)
        state.clock_start = until
        state.clock_credit = -consumed
    state.calendar = calendar
    state.pending_calendar = 0


def clock_status(state, key, clock):
    """``breached``, ``reached`` (resolved or handed over in time) or ``ongoing``."""
    if clock.breach_date:
        return "breached"
    if state.resolved_date or key[1] != state.team:
        return "reached"
    return "ongoing"


def clock_plan(state, key, clock):
    """(calendar, start, hours) of the deadline of a budget still running."""
    if not key[0] or clock_status(state, key, clock) != "ongoing" or state.pause_start:
        return None
    left = clock.budget_hours - clock.seconds / 3600.0
    return state.calendar, state.last_event, max(left, 0.0)


def replay(events, schedules):
    """Fold a whole history. ``events``: [(kind, date, *args)], the first a
    ``start``; ``schedules``: {calendar: ClockSchedule}."""
    state = None
    for kind, date, *args in events:
        if kind == "start":
            state = start(date, *args)
            continue
        schedule = schedules.get(state.calendar)
        if kind == "stage":
            change_stage(state, date, *args, schedule)
        elif kind == "reply":
            first_reply(state, date, schedule)
        elif kind == "rematch":
            rematch(state, date, *args, schedule)
    return state
