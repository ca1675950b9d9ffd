"""Holdout lift statistics, in pure Python (``math`` and ``hashlib`` only).

A mailing sends to a treated group and holds out a control group chosen by
:func:`holdout_split`. From each arm's size, conversions and revenue
(the sum and the sum of squares of the revenue per recipient, zero for a
recipient who bought nothing) :func:`holdout_lift` gives:

- the two-proportion z-test of the conversion rates (pooled standard error,
  two-sided p-value) and the 95 % interval of their difference (unpooled,
  Wald);
- the Welch interval of the difference of revenue per recipient, with the
  Welch-Satterthwaite degrees of freedom and a Student t quantile computed
  here (regularized incomplete beta function, inverted by bisection; exact
  to about 1e-10, no normal approximation);
- incremental conversions and revenue (the differences scaled to the
  treated group), with their intervals; iCPA (cost per incremental
  conversion) and iROAS (incremental revenue per unit of cost);
- a verdict. ``too_small`` when an interval would not mean much: an arm
  with fewer than 30 recipients, or fewer than 5 expected conversions or
  5 expected non-conversions in an arm at the pooled rate (the usual
  condition for the normal approximation of a proportion). Otherwise
  ``positive`` or ``negative`` when the interval of the conversion-rate
  difference excludes 0 on that side, else ``inconclusive``.
"""

import hashlib
import math
from dataclasses import dataclass

MIN_ARM_SIZE = 30
MIN_EXPECTED = 5
Z_95 = 1.959963984540054


def normal_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def normal_quantile(p):
    """Inverse of :func:`normal_cdf` (bisection, to 1e-12)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be in (0, 1)")
    low, high = -40.0, 40.0
    for _step in range(200):
        middle = (low + high) / 2
        if normal_cdf(middle) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-12:
            break
    return (low + high) / 2


def _beta_fraction(a, b, x):
    """Continued fraction of the incomplete beta function (Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return result


def _incomplete_beta(a, b, x):
    """Regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t, df):
    """Student t distribution function with ``df`` (> 0, real) degrees."""
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p, df):
    """Inverse of :func:`t_cdf` (bisection on the exact distribution)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be in (0, 1)")
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if p == 0.5:
        return 0.0
    low, high = -1.0, 1.0
    while t_cdf(low, df) > p:
        low *= 2.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _step in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * max(1.0, abs(middle)):
            break
    return (low + high) / 2


def two_proportion_ztest(conv_t, n_t, conv_c, n_c):
    """``(z, p_value)`` of H0 rate_t == rate_c, pooled standard error,
    two-sided. ``(0.0, 1.0)`` when the pooled rate is 0 or 1."""
    pooled = (conv_t + conv_c) / (n_t + n_c)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    if se == 0.0:
        return 0.0, 1.0
    z = (conv_t / n_t - conv_c / n_c) / se
    return z, math.erfc(abs(z) / math.sqrt(2.0))


def proportion_diff_interval(conv_t, n_t, conv_c, n_c, confidence=0.95):
    """Wald interval (unpooled standard error) of rate_t - rate_c."""
    p_t, p_c = conv_t / n_t, conv_c / n_c
    se = math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    z = Z_95 if confidence == 0.95 else normal_quantile(0.5 + confidence / 2)
    return p_t - p_c - z * se, p_t - p_c + z * se


def welch_interval(mean_t, var_t, n_t, mean_c, var_c, n_c, confidence=0.95):
    """``(difference, low, high, df)``: Welch interval of mean_t - mean_c
    from the sample means and (n-1) variances. The interval is the
    difference itself when both variances are 0."""
    se_t, se_c = var_t / n_t, var_c / n_c
    diff = mean_t - mean_c
    se2 = se_t + se_c
    if se2 == 0.0:
        return diff, diff, diff, float("inf")
    df = se2 * se2 / (se_t * se_t / (n_t - 1) + se_c * se_c / (n_c - 1))
    half = t_quantile(0.5 + confidence / 2, df) * math.sqrt(se2)
    return diff, diff - half, diff + half, df


def _mean_var(n, total, total_sq):
    mean = total / n
    var = max(0.0, (total_sq - total * mean) / (n - 1)) if n > 1 else 0.0
    return mean, var


@dataclass(frozen=True)
class Lift:
    verdict: str
    rate_t: float
    rate_c: float
    rate_diff: float
    rate_diff_low: float
    rate_diff_high: float
    z: float
    p_value: float
    incremental_conversions: float
    incremental_conversions_low: float
    incremental_conversions_high: float
    revenue_diff: float
    revenue_diff_low: float
    revenue_diff_high: float
    revenue_df: float
    incremental_revenue: float
    incremental_revenue_low: float
    incremental_revenue_high: float
    icpa: float | None
    iroas: float | None


def too_small(conv_t, n_t, conv_c, n_c):
    """The ``too_small`` rule of the module docstring."""
    if min(n_t, n_c) < MIN_ARM_SIZE:
        return True
    pooled = (conv_t + conv_c) / (n_t + n_c)
    return any(n * pooled < MIN_EXPECTED or n * (1 - pooled) < MIN_EXPECTED for n in (n_t, n_c))


def holdout_lift(treated, control, cost=0.0, confidence=0.95):
    """Lift of a treated arm over its holdout control.

    ``treated`` and ``control`` are ``(recipients, conversions, revenue,
    revenue_squares)``: the revenue summed over the arm's recipients and
    the sum of each recipient's revenue squared. Returns a :class:`Lift`,
    or None when an arm is empty. iCPA is None unless the incremental
    conversions are positive; iROAS is None unless the cost is.
    """
    n_t, conv_t, rev_t, sq_t = treated
    n_c, conv_c, rev_c, sq_c = control
    if n_t <= 0 or n_c <= 0:
        return None
    if not (0 <= conv_t <= n_t and 0 <= conv_c <= n_c):
        raise ValueError("conversions must be between 0 and the group size")
    z, p_value = two_proportion_ztest(conv_t, n_t, conv_c, n_c)
    low, high = proportion_diff_interval(conv_t, n_t, conv_c, n_c, confidence)
    mean_t, var_t = _mean_var(n_t, rev_t, sq_t)
    mean_c, var_c = _mean_var(n_c, rev_c, sq_c)
    if n_t > 1 and n_c > 1:
        rev_diff, rev_low, rev_high, rev_df = welch_interval(
            mean_t, var_t, n_t, mean_c, var_c, n_c, confidence
        )
    else:
        rev_diff = mean_t - mean_c
        rev_low, rev_high, rev_df = -math.inf, math.inf, 0.0
    diff = conv_t / n_t - conv_c / n_c
    inc_conv = diff * n_t
    inc_rev = rev_diff * n_t
    if too_small(conv_t, n_t, conv_c, n_c):
        verdict = "too_small"
    elif low > 0:
        verdict = "positive"
    elif high < 0:
        verdict = "negative"
    else:
        verdict = "inconclusive"
    return Lift(
        verdict=verdict,
        rate_t=conv_t / n_t,
        rate_c=conv_c / n_c,
        rate_diff=diff,
        rate_diff_low=low,
        rate_diff_high=high,
        z=z,
        p_value=p_value,
        incremental_conversions=inc_conv,
        incremental_conversions_low=low * n_t,
        incremental_conversions_high=high * n_t,
        revenue_diff=rev_diff,
        revenue_diff_low=rev_low,
        revenue_diff_high=rev_high,
        revenue_df=rev_df,
        incremental_revenue=inc_rev,
        incremental_revenue_low=rev_low * n_t,
        incremental_revenue_high=rev_high * n_t,
        icpa=cost / inc_conv if inc_conv > 0 else None,
        iroas=inc_rev / cost if cost > 0 else None,
    )


def holdout_split(ids, percent, seed):
    """The ids held out of a send, in input order.

    An id is held out when the first 8 bytes of ``sha256("<seed>:<id>")``,
    read as a big-endian integer, fall below ``percent`` % of 2**64: the
    same ids for the same seed on every run, machine and Python version
    (no ``hash()``, no ``random`` state), each id independently, so adding
    recipients does not move the others.
    """
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")
    threshold = int(percent * (1 << 64) / 100) if percent < 100 else 1 << 64
    held = []
    for record_id in ids:
        digest = hashlib.sha256(f"{seed}:{record_id}".encode()).digest()
        if int.from_bytes(digest[:8], "big") < threshold:
            held.append(record_id)
    return held
