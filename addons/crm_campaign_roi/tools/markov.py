"""Exact Markov-chain (removal-effect) attribution, in pure Python.

A journey is a tuple of channel names in touch order. ``paths`` is an
iterable of ``(channels, conversions, nulls)``: how many journeys took that
exact path and converted, and how many took it and did not.

The chain follows ChannelAttribution's ``markov_model`` convention:

- a state is a window of ``order`` consecutive touches (1 to 3). A path
  ``a > b > c`` at order 2 runs ``(start) -> (a, b) -> (b, c) -> (conversion)``;
  a path shorter than the order is one state holding the whole path;
- every edge of a path counts ``conversions + nulls`` transitions, the last
  state goes to ``(conversion)`` ``conversions`` times and to ``(null)``
  ``nulls`` times;
- repeated consecutive touches of one channel stay in the windows
  (``a > a > b`` at order 2 is ``(a, a) -> (a, b)``); two equal consecutive
  windows make a self-loop. ChannelAttribution drops those self-loops, we
  keep them: a self-loop only rescales a state's other exits, so the
  absorption probabilities, and hence every result, are the same.

Removing a channel sends every transition into a state that contains it to
``(null)``. Its removal effect is ``1 - P(conversion without it) /
P(conversion)``: the share of converting journeys of the chain that visit
it. The chain is solved exactly (no simulation) by Gauss-Seidel sweeps over
the transient states, warm-started from the full chain, until a sweep moves
no probability by more than ``1e-15`` (self-loops are solved in closed form).

Paths without any touch, and paths with no journey, are ignored: there is
nothing to credit. Nothing here imports Odoo, and numpy is not used.
"""

import math
from collections import namedtuple

MAX_ORDER = 3
TOLERANCE = 1e-15
MAX_SWEEPS = 100_000

Sufficiency = namedtuple(
    "Sufficiency",
    "sufficient converting_journeys enough_conversions channel_journeys thin_channels",
)


def _check_order(order):
    if not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
        raise ValueError(f"order must be an integer from 1 to {MAX_ORDER}, not {order!r}")


def _clean_paths(paths):
    """Yield ``(channels, conversions, nulls)`` for the paths that count."""
    for channels, conversions, nulls in paths:
        if conversions < 0 or nulls < 0:
            raise ValueError(f"negative journey count on path {channels!r}")
        channels = tuple(channels)
        if channels and conversions + nulls > 0:
            yield channels, conversions, nulls


def _windows(channels, order):
    size = min(order, len(channels))
    return [channels[i : i + size] for i in range(len(channels) - size + 1)]


class _Chain:
    """The transient states of the chain and their exit probabilities."""

    def __init__(self, paths, order):
        _check_order(order)
        index = {}
        states = []
        edges = []  # per state: {next state: count}
        conv = []
        total = []
        start = {}
        self.channels = {}  # first-appearance order, channel -> None
        self.conversions = 0
        self.journeys = 0
        depth = []  # summed distance to the end of the path, for sweep order
        for channels, conversions, nulls in _clean_paths(paths):
            weight = conversions + nulls
            self.conversions += conversions
            self.journeys += weight
            self.channels.update(dict.fromkeys(channels))
            previous = None
            windows = _windows(channels, order)
            for position, window in enumerate(windows):
                state = index.get(window)
                if state is None:
                    state = index[window] = len(states)
                    states.append(window)
                    edges.append({})
                    conv.append(0)
                    total.append(0)
                    depth.append(0)
                if previous is None:
                    start[state] = start.get(state, 0) + weight
                else:
                    out = edges[previous]
                    out[state] = out.get(state, 0) + weight
                total[state] += weight
                depth[state] += weight * (len(windows) - position)
                previous = state
            conv[previous] += conversions
        self.states = states
        self.start_total = sum(start.values())
        self.start = [(state, count / self.start_total) for state, count in start.items()]
        # x[s] = exit_conv[s] + sum(p * x[t]) with the self-loop folded in.
        self.exit_conv = []
        self.exits = []
        for state, out in enumerate(edges):
            stay = out.pop(state, 0)
            leave = total[state] - stay
            self.exit_conv.append(conv[state] / leave)
            self.exits.append([(nxt, count / leave) for nxt, count in out.items()])
        # States closer to the end of their journeys first: the sweep then
        # mostly reads values already updated in the same sweep.
        self.order = sorted(range(len(states)), key=lambda s: depth[s] / total[s])
        self.containing = {}
        for state, window in enumerate(states):
            for channel in set(window):
                self.containing.setdefault(channel, set()).add(state)
        self._base = None

    def solve(self, removed=()):
        """Conversion probability of every state, with ``removed`` channels
        absorbed into ``(null)``."""
        dead = set()
        for channel in removed:
            dead |= self.containing.get(channel, set())
        x = list(self._base) if self._base is not None else [0.0] * len(self.states)
        for state in dead:
            x[state] = 0.0
        live = [s for s in self.order if s not in dead]
        exits, exit_conv = self.exits, self.exit_conv
        for _sweep in range(MAX_SWEEPS):
            delta = 0.0
            for state in live:
                value = exit_conv[state]
                for nxt, probability in exits[state]:
                    value += probability * x[nxt]
                change = abs(value - x[state])
                if change > delta:
                    delta = change
                x[state] = value
            if delta <= TOLERANCE:
                break
        else:
            raise ArithmeticError("the Markov chain did not converge")
        if not removed:
            self._base = x
        return x

    def conversion_probability(self, removed=()):
        if not self.states:
            return 0.0
        x = self.solve(removed)
        return math.fsum(probability * x[state] for state, probability in self.start)

    def removal_effects(self, channels=None):
        base = self.conversion_probability()
        wanted = list(self.channels) if channels is None else list(channels)
        if base <= 0.0:
            return dict.fromkeys(wanted, 0.0)
        effects = {}
        for channel in wanted:
            if channel not in self.containing:
                effects[channel] = 0.0
                continue
            without = self.conversion_probability((channel,))
            effects[channel] = min(1.0, max(0.0, 1.0 - without / base))
        return effects


def _largest_remainder(shares, units):
    """Whole numbers proportional to ``shares`` (which sum to 1) summing to
    ``units``; the largest remainders get the missing units, ties to the
    earlier item (and, if rounding overshot, the smallest give one back)."""
    raw = [share * units for share in shares]
    whole = [max(0, math.floor(value)) for value in raw]
    missing = units - sum(whole)
    ranked = sorted(range(len(raw)), key=lambda i: (whole[i] - raw[i], i))
    while missing > 0:
        for i in ranked[:missing]:
            whole[i] += 1
        missing = units - sum(whole)
    while missing < 0:
        for i in reversed([i for i in ranked if whole[i] > 0][missing:]):
            whole[i] -= 1
        missing = units - sum(whole)
    return whole


def conversion_probability(paths, order=1, removed=()):
    """P(conversion) from ``(start)``, optionally with channels removed.

    Without removal it equals conversions / (conversions + nulls) of the
    paths that count, for every order (each state's flow is conserved).
    """
    return _Chain(paths, order).conversion_probability(tuple(removed))


def removal_effects(paths, order=1, channels=None):
    """``{channel: removal effect}`` for every channel of ``paths`` (in first
    appearance order), or for ``channels`` when given (0.0 for a channel no
    path contains). All effects are 0.0 when nothing converts."""
    return _Chain(paths, order).removal_effects(channels)


def credits_from_effects(effects, total):
    """Split ``total`` conversions over channels in proportion to ``effects``.

    The credits are rounded to multiples of ``math.ulp(total)`` by largest
    remainder, so every partial sum is an exact float: ``sum()`` (in any
    order, and ``math.fsum``) of the credits equals ``total`` exactly.
    """
    effects = dict(effects)
    weight = math.fsum(effects.values())
    if total <= 0 or weight <= 0:
        return dict.fromkeys(effects, 0.0)
    quantum = math.ulp(total)
    units = round(total / quantum)
    counts = _largest_remainder([effect / weight for effect in effects.values()], units)
    return {channel: count * quantum for channel, count in zip(effects, counts, strict=True)}


def markov_credits(paths, order=1, channels=None):
    """``{channel: credited conversions}``, proportional to the removal
    effects and summing exactly to the total conversions of the paths."""
    chain = _Chain(paths, order)
    return credits_from_effects(chain.removal_effects(channels), chain.conversions)


def split_amount(channels, effects, amount, rounding=0.01):
    """Split one journey's ``amount`` over its touches (``channels``, in
    touch order) in proportion to each touch's channel removal effect.

    The parts are whole multiples of ``rounding`` (largest remainder, ties to
    the earlier touch) whose sum is ``amount`` rounded to ``rounding`` half
    away from zero, as Odoo's ``float_round`` does. When
    no touch has a positive effect the amount is split evenly. Raises
    ValueError for a journey without touches or a non-positive rounding.
    """
    if rounding <= 0:
        raise ValueError("rounding must be positive")
    if not channels:
        raise ValueError("a journey without touches cannot carry an amount")
    weights = [max(0.0, effects.get(channel, 0.0)) for channel in channels]
    if math.fsum(weights) <= 0:
        weights = [1.0] * len(channels)
    weight = math.fsum(weights)
    # Half away from zero, with the one-ulp nudge of Odoo's float_round.
    scaled = abs(amount) / rounding
    if scaled:
        scaled += 2 ** (math.log2(scaled) - 52)
    units = math.floor(scaled + 0.5)
    sign = -1 if amount < 0 else 1
    whole = _largest_remainder([w / weight for w in weights], units)
    digits = max(0, -math.floor(math.log10(rounding))) if rounding < 1 else 0
    return [round(sign * count * rounding, digits) for count in whole]


def data_sufficiency(paths, min_conversions=100, min_channel_journeys=50):
    """Whether the paths are enough data for the Markov model.

    ``converting_journeys`` is the number of converting journeys; a channel's
    journeys are the journeys (converting or not) whose path contains it.
    Channels with fewer than ``min_channel_journeys`` are ``thin_channels``
    (sorted by journeys, then first appearance). ``sufficient`` requires
    enough converting journeys and no thin channel.
    """
    converting = 0
    channel_journeys = {}
    for channels, conversions, nulls in _clean_paths(paths):
        converting += conversions
        for channel in dict.fromkeys(channels):
            channel_journeys[channel] = channel_journeys.get(channel, 0) + conversions + nulls
    thin = tuple(
        sorted(
            (c for c, n in channel_journeys.items() if n < min_channel_journeys),
            key=lambda c: channel_journeys[c],
        )
    )
    enough = converting >= min_conversions
    return Sufficiency(enough and not thin, converting, enough, channel_journeys, thin)
