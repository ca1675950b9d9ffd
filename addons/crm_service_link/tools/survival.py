"""Kaplan–Meier survival curves and the breach risk of a target (no ORM).

A target's duration ``T`` is the working time it takes (to the first
response, or to the resolution). Completed targets are *events* at their
duration, late ones included; targets still running are *censored* at the
working time elapsed so far (we only know that ``T`` is longer).

The Kaplan–Meier estimator gives ``S(t) = P(T > t)`` as a right-continuous
step function::

    S(t) = prod over event times t_i <= t of (1 - d_i / n_i)

where ``d_i`` targets completed at ``t_i`` and ``n_i`` were still running
just before ``t_i`` (a target censored at ``t_i`` counts as running at
``t_i``: it outlived the events at that time).

The risk that a running target breaches, knowing it has already run
``elapsed`` hours, is ``P(T > target | T > elapsed) = S(target) / S(elapsed)``.
"""

from bisect import bisect_right


class SurvivalCurve:
    """The Kaplan–Meier estimate of one sample."""

    def __init__(self, times, survival, events, observations):
        self.times = times  # distinct event times, ascending
        self.values = survival  # S at each of those times
        self.events = events  # number of events in the sample
        self.observations = observations  # events and censored

    def survival(self, moment):
        """S(moment) = P(T > moment)."""
        index = bisect_right(self.times, moment) - 1
        return 1.0 if index < 0 else self.values[index]

    def breach_risk(self, target, elapsed):
        """P(T > target | T > elapsed), between 0 and 1.

        A target already used up (``elapsed >= target``) is breached: 1. When
        no target of the sample ran as long as this one (``S(elapsed) = 0``),
        the history says nothing about it: it counts as a breach too.
        """
        if elapsed >= target:
            return 1.0
        alive = self.survival(elapsed)
        if alive <= 0.0:
            return 1.0
        return min(1.0, max(0.0, self.survival(target) / alive))


def kaplan_meier(durations, events, counts=None):
    """The survival curve of ``durations`` (events: True = completed,
    False = censored); ``counts`` optionally weighs each observation (how
    many targets share that duration and status)."""
    if counts is None:
        counts = [1] * len(durations)
    completed, censored = {}, {}
    for duration, event, count in zip(durations, events, counts, strict=True):
        if count <= 0:
            continue
        bucket = completed if event else censored
        bucket[duration] = bucket.get(duration, 0) + count
    at_risk = sum(completed.values()) + sum(censored.values())
    total, total_events = at_risk, sum(completed.values())
    times, values = [], []
    survival = 1.0
    for moment in sorted(set(completed) | set(censored)):
        done = completed.get(moment, 0)
        if done:
            survival *= 1.0 - done / at_risk
            times.append(moment)
            values.append(survival)
        at_risk -= done + censored.get(moment, 0)
    return SurvivalCurve(times, values, total_events, total)
