"""Working-time arithmetic on plain interval lists (no ORM).

A :class:`WorkSchedule` is built once from the work intervals of a calendar
over a window (as returned by ``resource.calendar._work_intervals_batch``,
holidays already removed). It answers, in O(log n) per call:

- when a number of working hours after a start is reached;
- how many working hours lie between two datetimes.

Every datetime is timezone-aware; results are returned in UTC.
"""

from bisect import bisect_left, bisect_right
from datetime import timedelta, timezone

UTC = timezone.utc


def merge_intervals(intervals):
    """Sort, convert to UTC and merge touching or overlapping intervals."""
    spans = sorted(
        (begin.astimezone(UTC), end.astimezone(UTC)) for begin, end in intervals if end > begin
    )
    merged = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))
    return merged


class WorkSchedule:
    """The working intervals of one calendar over a bounded window."""

    def __init__(self, intervals, window_end=None):
        merged = merge_intervals(intervals)
        self.begins = [begin for begin, _end in merged]
        self.ends = [end for _begin, end in merged]
        self.cumulative = [0]
        for begin, end in merged:
            self.cumulative.append(self.cumulative[-1] + int((end - begin).total_seconds()))
        self.window_end = window_end

    def __bool__(self):
        return bool(self.begins)

    @property
    def total_hours(self):
        return self.cumulative[-1] / 3600.0

    def _worked_seconds_before(self, moment):
        """Seconds of work from the start of the window up to ``moment``."""
        index = bisect_right(self.begins, moment) - 1
        if index < 0:
            return 0
        inside = min(moment, self.ends[index]) - self.begins[index]
        return self.cumulative[index] + int(inside.total_seconds())

    def add_hours(self, start, hours):
        """Return the UTC datetime when ``hours`` working hours after ``start``
        are reached, or None when the window is too short."""
        start = start.astimezone(UTC)
        if hours <= 0:
            return start
        target = self._worked_seconds_before(start) + round(hours * 3600)
        if target > self.cumulative[-1]:
            return None
        index = bisect_left(self.cumulative, target) - 1
        return self.begins[index] + timedelta(seconds=target - self.cumulative[index])

    def hours_between(self, start, end):
        """Working hours between two datetimes (0 when end <= start)."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return 0.0
        return (self._worked_seconds_before(end) - self._worked_seconds_before(start)) / 3600.0


class ClockSchedule:
    """Working and attendance time of one calendar, on naive UTC datetimes.

    ``work`` intervals are the attendances without the holidays (calendar
    leaves); ``attendance`` intervals include them, so that the time between
    two moments can be split into counted time, holidays and time outside the
    working hours.
    """

    def __init__(self, work_intervals, attendance_intervals=None):
        work = merge_intervals(work_intervals)
        self.begins = [begin.replace(tzinfo=None) for begin, _end in work]
        self.ends = [end.replace(tzinfo=None) for _begin, end in work]
        self.cumulative = [0]
        for begin, end in zip(self.begins, self.ends, strict=True):
            self.cumulative.append(self.cumulative[-1] + int((end - begin).total_seconds()))
        attendance = merge_intervals(attendance_intervals or work_intervals)
        self.attendance = [(b.replace(tzinfo=None), e.replace(tzinfo=None)) for b, e in attendance]
        self.attendance_begins = [begin for begin, _end in self.attendance]

    def worked_seconds_before(self, moment):
        index = bisect_right(self.begins, moment) - 1
        if index < 0:
            return 0
        inside = min(moment, self.ends[index]) - self.begins[index]
        return self.cumulative[index] + int(inside.total_seconds())

    def seconds_between(self, start, end):
        if end <= start:
            return 0
        return self.worked_seconds_before(end) - self.worked_seconds_before(start)

    def hours_between(self, start, end):
        return self.seconds_between(start, end) / 3600.0

    def _work_pieces(self, start, end):
        index = bisect_right(self.ends, start)
        while index < len(self.begins) and self.begins[index] < end:
            yield max(self.begins[index], start), min(self.ends[index], end)
            index += 1

    def _gap_pieces(self, start, end):
        """(begin, end, kind) of a gap without work: holiday or outside hours."""
        index = max(bisect_right(self.attendance_begins, start) - 1, 0)
        cursor = start
        while index < len(self.attendance) and self.attendance[index][0] < end:
            begin, stop = self.attendance[index]
            begin, stop = max(begin, start), min(stop, end)
            if stop > begin:
                if begin > cursor:
                    yield cursor, begin, "outside_hours"
                yield begin, stop, "holiday"
                cursor = stop
            index += 1
        if cursor < end:
            yield cursor, end, "outside_hours"

    def split(self, start, end):
        """[(begin, end, kind, working seconds)] covering [start, end), where
        kind is ``counted``, ``holiday`` or ``outside_hours``; touching pieces
        of the same kind are merged."""
        pieces = []
        cursor = start
        for begin, stop in self._work_pieces(start, end):
            if begin > cursor:
                pieces.extend(self._gap_pieces(cursor, begin))
            pieces.append((begin, stop, "counted"))
            cursor = stop
        if cursor < end:
            pieces.extend(self._gap_pieces(cursor, end))
        merged = []
        for begin, stop, kind in pieces:
            if merged and merged[-1][2] == kind and merged[-1][1] == begin:
                merged[-1] = (merged[-1][0], stop, kind)
            else:
                merged.append((begin, stop, kind))
        return [
            (begin, stop, kind, int((stop - begin).total_seconds()) if kind == "counted" else 0)
            for begin, stop, kind in merged
        ]
