"""Removal effects of many channels at once, with the fundamental matrix.

``tools/markov.py`` solves the chain once per removed channel, which costs
``channels x sweeps x transitions``: too slow for hundreds of campaigns. The
same exact effects follow from the fundamental matrix ``N = (I - Q)^-1`` of
the transient states: by the strong Markov property, the chance of reaching
the states ``D`` of a channel first at ``d`` is ``(pi N[:, D] N[D, D]^-1)_d``,
so the converting journeys that visit the channel have the probability
``pi N[:, D] N[D, D]^-1 x[D]``, ``x`` being every state's conversion
probability, and the removal effect is that over ``P(conversion)``.

numpy does the linear algebra when it is installed, the chain has at most
``MAX_DENSE_STATES`` states and the matrices cost less than the sweeps (many
channels over few states: order 1); otherwise the exact sweeps of
``tools/markov.py`` run. Both agree to about 1e-15.
"""

from .markov import _Chain

try:
    import numpy
except ImportError:  # pragma: no cover - numpy is optional
    numpy = None

MAX_DENSE_STATES = 3000


def removal_effects(paths, order=1):
    """``{channel: removal effect}``, as ``markov.removal_effects``."""
    chain = _Chain(paths, order)
    size = len(chain.states)
    if numpy is None or not size or size > MAX_DENSE_STATES:
        return chain.removal_effects()
    transitions = sum(len(exits) + 1 for exits in chain.exits)
    blocks = sum(len(states) ** 3 for states in chain.containing.values())
    # rough operation counts: numpy runs ~100 times faster than the sweeps,
    # which take some tens of sweeps per removed channel
    if size**3 + blocks > 100 * 30 * transitions * len(chain.channels):
        return chain.removal_effects()
    matrix = numpy.eye(size)
    for state, exits in enumerate(chain.exits):
        for nxt, probability in exits:
            matrix[state, nxt] -= probability
    fundamental = numpy.linalg.inv(matrix)
    start = numpy.zeros(size)
    for state, probability in chain.start:
        start[state] += probability
    conversion = fundamental @ numpy.array(chain.exit_conv)
    visits = start @ fundamental
    base = float(start @ conversion)
    if base <= 0.0:
        return dict.fromkeys(chain.channels, 0.0)
    effects = {}
    for channel in chain.channels:
        states = sorted(chain.containing[channel])
        block = fundamental[numpy.ix_(states, states)]
        through = float(visits[states] @ numpy.linalg.solve(block, conversion[states]))
        effects[channel] = min(1.0, max(0.0, through / base))
    return effects
