"""Pure key-account computations, without the ORM.

Everything here takes plain Python values and returns plain Python values so
that the rules can be tested directly with hand-checked numbers.
"""

from dateutil.relativedelta import relativedelta

CLASS_A = "a"
CLASS_B = "b"
CLASS_C = "c"

# Score of the profit criterion for each Pareto class.
PROFIT_SCORE = {CLASS_A: 100.0, CLASS_B: 60.0, CLASS_C: 20.0}

# Answers of the relationship questionnaire are given on this scale.
ANSWER_MIN = 1
ANSWER_MAX = 5


def window_start(today, months):
    """First day (inclusive) of a window of ``months`` months ending ``today``.

    With today 2026-06-30 and 12 months the window is 2025-07-01 .. 2026-06-30.
    """
    return today - relativedelta(months=months) + relativedelta(days=1)


def pareto_classes(revenues, threshold_a, threshold_b):
    """Classify customers A/B/C by their revenue (Pareto rule).

    :param revenues: ``{key: revenue}``
    :param threshold_a: A threshold in percent (e.g. 80.0)
    :param threshold_b: B threshold in percent (e.g. 95.0)
    :return: ``{key: (abc_class, share)}`` where share is revenue / total of
        the positive revenues x 100 (0.0 when the customer has no positive
        revenue or nobody has).

    Customers with positive revenue are ranked in descending order. A
    customer is class A when the customers ranked strictly above it (every
    customer with a strictly greater revenue, so ties share a class) hold
    less than ``threshold_a`` percent of the total, B when they hold less than
    ``threshold_b`` percent, C otherwise. Zero or negative revenue is C.
    """
    total = sum(value for value in revenues.values() if value > 0)
    result = {}
    above = 0.0  # revenue of the customers with a strictly greater revenue
    previous = None
    pending = 0.0  # revenue of the current tie group, added when it closes
    for key, value in sorted(revenues.items(), key=lambda item: -item[1]):
        if value <= 0 or not total:
            result[key] = (CLASS_C, 0.0)
            continue
        if value != previous:
            above += pending
            pending = 0.0
            previous = value
        pending += value
        held = above * 100.0 / total
        if held < threshold_a:
            abc_class = CLASS_A
        elif held < threshold_b:
            abc_class = CLASS_B
        else:
            abc_class = CLASS_C
        result[key] = (abc_class, value * 100.0 / total)
    return result


STABILITY_PERIODS = 12


def roll_periods(mask, is_class_a, new_period):
    """Class-A history of a customer as a bit mask, bit 0 being the current month.

    On the first ranking of a new month the history shifts by one month;
    within a month the current bit follows the latest ranking.
    """
    mask = mask or 0
    if new_period:
        mask <<= 1
    else:
        mask &= ~1
    return (mask | int(bool(is_class_a))) & ((1 << STABILITY_PERIODS) - 1)


def stability(mask):
    """Share (0-100) of the last 12 monthly periods in which the customer was class A."""
    return round(
        bin((mask or 0) & ((1 << STABILITY_PERIODS) - 1)).count("1") * 100.0 / STABILITY_PERIODS, 2
    )


def profit_score(abc_class, revenue):
    """Score 0-100 of the profit criterion: by class, 0 without revenue."""
    if revenue <= 0:
        return 0.0
    return PROFIT_SCORE[abc_class]


def opportunity_score(count, value, best_value):
    """Score 0-100 of opportunity generation in the window.

    Half of it comes from the number of new opportunities (5 or more give the
    full half), half from their expected value relative to the customer with
    the highest value in the company.
    """
    count_part = min(count, 5) / 5.0 * 50.0
    value_part = (max(value, 0.0) / best_value * 50.0) if best_value > 0 else 0.0
    return round(min(count_part + value_part, 100.0), 2)


def influence_score(industry_leader, rating):
    """Score 0-100 of market influence: leader flag 40, each rating star 20."""
    return min((40.0 if industry_leader else 0.0) + 20.0 * int(rating or 0), 100.0)


# Points taken off the service score per complaint in the window.
COMPLAINT_PENALTY = 20.0


def sla_compliance(decided, on_time):
    """SLA compliance 0-100: on-time decided targets over all decided targets
    (response and resolution targets alike); None when none is decided."""
    if not decided:
        return None
    return round(on_time * 100.0 / decided, 2)


def service_score(decided, on_time, complaints):
    """Score 0-100 of the service criterion: the SLA compliance, less
    ``COMPLAINT_PENALTY`` points per complaint; 0 without a decided target."""
    compliance = sla_compliance(decided, on_time)
    if compliance is None:
        return 0.0
    return max(compliance - COMPLAINT_PENALTY * complaints, 0.0)


def weighted_score(scores, weights):
    """Weighted mean of criterion scores, the weights being normalised.

    :param scores: sequence of criterion scores (0-100)
    :param weights: sequence of non-negative weights, same length
    :raise ValueError: when every weight is zero
    """
    total_weight = sum(weights)
    if total_weight <= 0:
        raise ValueError("At least one weight must be positive.")
    return round(sum(s * w for s, w in zip(scores, weights, strict=True)) / total_weight, 2)


def suggest_title(score, titles):
    """Highest-ranked title whose minimum score is reached.

    :param titles: iterable of ``(key, rank, min_score)``
    :return: the key of the title, or None when no title qualifies
    """
    eligible = [title for title in titles if title[2] <= score]
    if not eligible:
        return None
    return max(eligible, key=lambda title: (title[1], title[2]))[0]


def health_score(answers):
    """Health score 0-100 of an assessment.

    :param answers: iterable of ``(value, inverted)`` with value on the
        1-5 scale; an inverted question is one where a high answer is bad
        ("Does it postpone payments or decisions?").
    :return: the mean of the answers scaled to 0-100, or 0.0 without answers
    """
    points = []
    for value, inverted in answers:
        if not ANSWER_MIN <= value <= ANSWER_MAX:
            raise ValueError(f"Answer {value} is outside the scale.")
        if inverted:
            value = ANSWER_MAX + ANSWER_MIN - value
        points.append((value - ANSWER_MIN) / (ANSWER_MAX - ANSWER_MIN) * 100.0)
    if not points:
        return 0.0
    return round(sum(points) / len(points), 2)


def trend(current, previous, tolerance=5.0):
    """Trend of a health score against the previous one: up, down or stable."""
    if previous is None:
        return "new"
    if current > previous + tolerance:
        return "up"
    if current < previous - tolerance:
        return "down"
    return "stable"


def coverage(levels):
    """Coverage of a relationship map and its single-threaded risk.

    :param levels: list of organisational levels, one per mapped contact
    :return: ``({level: count}, single_threaded)`` where the account is
        single-threaded when at most one person or one level carries it
    """
    counts = {}
    for level in levels:
        counts[level] = counts.get(level, 0) + 1
    single = len(levels) <= 1 or len(counts) <= 1
    return counts, single
