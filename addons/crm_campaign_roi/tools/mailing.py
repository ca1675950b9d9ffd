"""Touches of one mass-mailing trace (no ORM)."""

# (trace field, touch type), in funnel order
TRACE_EVENTS = (
    ("sent_datetime", "mail_sent"),
    ("open_datetime", "mail_open"),
    ("links_click_datetime", "mail_click"),
    ("reply_datetime", "mail_reply"),
)


def trace_touch_events(trace, known=()):
    """``(touch_type, date)`` for each event of ``trace`` not in ``known``.

    ``trace`` maps the trace's datetime fields to values (or None/False);
    ``known`` holds the touch types already recorded for it.
    """
    return [
        (touch_type, trace[field])
        for field, touch_type in TRACE_EVENTS
        if trace.get(field) and touch_type not in known
    ]
