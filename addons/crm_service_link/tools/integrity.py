"""Helpers of the integrity rules: what a caller may send, and how the system
writes what users may not (no ORM state kept here)."""

import math

from odoo.exceptions import ValidationError

# Context keys that would skip a history line or a follower: the system's own
# writes never honour them, whoever called.
HISTORY_KEYS = ("tracking_disable", "mail_notrack", "mail_create_nolog")
INT_LIMIT = 2**31 - 1
FLOAT_LIMIT = 1e12


def as_system(records):
    """``records`` with superuser rights, for the engine's own writes.

    The user stays the caller (authorship of tracking and messages), but the
    caller's ``default_*`` keys and the keys that skip history are dropped: a
    context key never sets what only the system writes. Callers check who
    calls before using it.
    """
    context = {
        key: value
        for key, value in records.env.context.items()
        if not key.startswith("default_") and key not in HISTORY_KEYS
    }
    return records.with_env(records.env(context=context, su=True))


def without_defaults(records, fnames):
    """``records`` without the context defaults of the fields ``fnames``."""
    prefixes = {f"default_{fname}" for fname in fnames}
    context = {key: value for key, value in records.env.context.items() if key not in prefixes}
    return records.with_env(records.env(context=context))


def field_labels(records, fnames):
    """The labels of fields, in the user's language, for a message."""
    return ", ".join(
        sorted(records._fields[fname].get_description(records.env)["string"] for fname in fnames)
    )


def check_numbers(records, vals_list):
    """Refuse NaN, infinite, non-numeric or out-of-range numbers before they
    reach the ORM (an integer conversion would fail with a server error)."""
    for vals in vals_list:
        for fname, value in vals.items():
            field = records._fields.get(fname)
            if field is None or field.type not in ("float", "integer", "monetary"):
                continue
            if value is None or isinstance(value, bool):
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = math.nan
            limit = INT_LIMIT if field.type == "integer" else FLOAT_LIMIT
            if not math.isfinite(number) or abs(number) > limit:
                shown = format(limit, "g")
                raise ValidationError(
                    records.env._(
                        "%(field)s must be a finite number up to %(limit)s, not %(value)s.",
                        field=field.get_description(records.env)["string"],
                        limit=shown,
                        value=value,
                    )
                )
