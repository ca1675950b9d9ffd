"""Server-side checks shared by the models: engine-only fields and raw numbers.

They run on the values a caller sends, before anything is written, so that a
JSON-RPC client gets a clear, translated error instead of a database error.
"""

import math

from odoo.exceptions import AccessError, ValidationError


def refuse_engine_fields(records, vals_list, names):
    """Refuse ``names`` in create/write values unless the environment is sudo.

    These fields are computed by the attribution engine or by the capture;
    internal code that sets them runs under ``sudo()``, which RPC callers
    never have.
    """
    if records.env.su:
        return
    forbidden = sorted({name for vals in vals_list for name in vals if name in names})
    if forbidden:
        fields = records._fields
        raise AccessError(
            records.env._(
                "%(fields)s of %(model)s are computed by the system and cannot be set by hand.",
                fields=", ".join(
                    fields[name].get_description(records.env)["string"] for name in forbidden
                ),
                model=records._description,
            )
        )


def check_numbers(records, vals, limits):
    """Refuse NaN, infinite or out-of-range numbers among ``vals``.

    ``limits`` maps a field name to its (minimum, maximum), both included.
    """
    env = records.env
    for name, (low, high) in limits.items():
        if name not in vals or vals[name] is False or vals[name] is None:
            continue
        value = vals[name]
        label = records._fields[name].get_description(env)["string"]
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if isinstance(value, bool) or not math.isfinite(number):
            raise ValidationError(
                env._("%(field)s must be a finite number, not %(value)s.", field=label, value=value)
            )
        if not low <= number <= high:
            raise ValidationError(
                env._(
                    "%(field)s must be between %(low)s and %(high)s (got %(value)s).",
                    field=label,
                    low=low,
                    high=high,
                    value=value,
                )
            )
