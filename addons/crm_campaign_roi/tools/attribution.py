"""Attribution weights and exact money splits, without the ORM.

Every function takes the ``n`` eligible touches of one conversion, ordered by
touch date then id, and returns one weight per touch. The weights of one
conversion always sum to 1; ``n == 1`` gives ``[1.0]`` for every model.

W-shaped milestone rule
-----------------------
Three milestones get 0.3 each: the first touch, the lead-creation touch and the
opportunity-creation touch. The remaining 0.1 is spread evenly over the other
touches. Milestones that fall on the same touch add up (a lead created directly
as an opportunity from its first touch gets 0.9). When every touch is a
milestone (no "others"), the 0.1 is spread over the three milestone slots, so a
touch holding ``k`` slots gets ``k / 3``. When the conversion has no
lead-creation touch, the middle touch (index ``(n - 1) // 2``) stands in; with
no opportunity-creation touch, the last touch stands in. Two touches split
50/50, as for the U-shaped model.
"""

import math

MODELS = (
    "first_touch",
    "last_touch",
    "linear",
    "u_shaped",
    "w_shaped",
    "j_shaped",
    "inverse_j",
    "time_decay",
    "custom",
)

# (first, last, two-touch split) of the position-based models; the middle
# touches share 1 - first - last.
POSITION_SHAPES = {
    "u_shaped": (0.4, 0.4, (0.5, 0.5)),
    "j_shaped": (0.2, 0.6, (0.25, 0.75)),
    "inverse_j": (0.6, 0.2, (0.75, 0.25)),
}
W_MILESTONE = 0.3
W_OTHERS = 0.1


def first_touch_weights(n):
    return [1.0] + [0.0] * (n - 1) if n else []


def last_touch_weights(n):
    return [0.0] * (n - 1) + [1.0] if n else []


def linear_weights(n):
    return [1.0 / n] * n if n else []


def position_weights(n, first, last, two):
    """First/last get fixed shares, the middle touches share the rest."""
    if n <= 1:
        return [1.0] * n
    if n == 2:
        return list(two)
    middle = (1.0 - first - last) / (n - 2)
    return [first] + [middle] * (n - 2) + [last]


def u_shaped_weights(n):
    return position_weights(n, *POSITION_SHAPES["u_shaped"])


def j_shaped_weights(n):
    return position_weights(n, *POSITION_SHAPES["j_shaped"])


def inverse_j_weights(n):
    return position_weights(n, *POSITION_SHAPES["inverse_j"])


def w_milestones(n, lead_index=None, opportunity_index=None):
    """Indexes of the three milestone slots (see the module docstring)."""
    lead = (n - 1) // 2 if lead_index is None else lead_index
    opportunity = n - 1 if opportunity_index is None else opportunity_index
    return [0, lead, opportunity]


def w_shaped_weights(n, lead_index=None, opportunity_index=None):
    if n <= 1:
        return [1.0] * n
    if n == 2:
        return [0.5, 0.5]
    slots = [0] * n
    for index in w_milestones(n, lead_index, opportunity_index):
        slots[index] += 1
    others = slots.count(0)
    if not others:
        return [count / 3.0 for count in slots]
    return [W_MILESTONE * count if count else W_OTHERS / others for count in slots]


def time_decay_weights(deltas_days, half_life_days):
    """Normalised ``2 ** (-delta / half_life)``; deltas are fractional days."""
    if half_life_days <= 0:
        raise ValueError("half_life_days must be positive")
    raw = [math.pow(2.0, -delta / half_life_days) for delta in deltas_days]
    total = sum(raw)
    return [value / total for value in raw]


def custom_weights(n, first, middle, last):
    """Normalised custom position weights; falls back to linear if all are 0."""
    if n <= 1:
        return [1.0] * n
    raw = [first] + [middle] * (n - 2) + [last]
    total = sum(raw)
    if total <= 0:
        return linear_weights(n)
    return [value / total for value in raw]


def model_weights(model, n, deltas_days=None, params=None, lead_index=None, opp_index=None):
    """Weights of ``model`` for ``n`` touches.

    ``params`` holds ``half_life`` and ``custom`` (first, middle, last).
    """
    params = params or {}
    if model == "first_touch":
        return first_touch_weights(n)
    if model == "last_touch":
        return last_touch_weights(n)
    if model == "linear":
        return linear_weights(n)
    if model in POSITION_SHAPES:
        return position_weights(n, *POSITION_SHAPES[model])
    if model == "w_shaped":
        return w_shaped_weights(n, lead_index, opp_index)
    if model == "time_decay":
        return time_decay_weights(deltas_days, params["half_life"])
    if model == "custom":
        return custom_weights(n, *params["custom"])
    raise ValueError(f"Unknown attribution model {model!r}")


def split_amount(total, weights, rounding=0.01):
    """Split ``total`` by ``weights`` into parts that sum exactly to it.

    Parts are multiples of ``rounding``. Each part gets the floor of its share
    in rounding units; the units left over go one by one to the largest
    fractional remainders (ties: earlier touch first).
    """
    if not weights:
        return []
    weight_sum = sum(weights)
    units = round(abs(total) / rounding)
    sign = -1 if total < 0 else 1
    shares = [w / weight_sum * units if weight_sum else 0.0 for w in weights]
    bases = [math.floor(share) for share in shares]
    left = units - sum(bases)
    order = sorted(range(len(shares)), key=lambda i: (-round(shares[i] - bases[i], 9), i))
    for i in order[:left]:
        bases[i] += 1
    digits = max(0, -math.floor(math.log10(rounding)))
    return [round(sign * base * rounding, digits) for base in bases]
