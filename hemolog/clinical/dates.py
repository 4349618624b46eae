"""Time helpers shared by the calculations: aware datetimes only, elapsed time in UTC.

Python compares and subtracts two aware datetimes that share a ``tzinfo`` object on
their *wall-clock* values, ignoring the offset: across a DST change, ``b - a`` for two
Europe/London datetimes is off by an hour. Every elapsed-time computation in this
package therefore goes through :func:`utc` first.
"""

from __future__ import annotations

import calendar
import datetime as dt


def require_aware(value: dt.datetime, name: str = "datetime") -> dt.datetime:
    """Return ``value`` if it carries a UTC offset; refuse naive datetimes."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value


def utc(value: dt.datetime) -> dt.datetime:
    """The same instant in UTC, so that differences are true elapsed time."""
    return require_aware(value).astimezone(dt.UTC)


def elapsed_days(later: dt.datetime, earlier: dt.datetime) -> float:
    """Elapsed real time from ``earlier`` to ``later`` in days of 24 h."""
    return (utc(later) - utc(earlier)).total_seconds() / 86400


def add_months(value: dt.datetime, months: int) -> dt.datetime:
    """The same wall-clock time ``months`` calendar months later (earlier if negative).

    The day of the month is clamped to the length of the target month, so 31 Aug + 6
    months is 28 Feb (29 Feb in a leap year). The time zone of ``value`` is kept: a
    datetime in the patient's zone moves by calendar months in that zone.
    """
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def local_date(value: dt.datetime, tz: dt.tzinfo | None = None) -> dt.date:
    """The calendar day of ``value`` in ``tz`` (in its own zone when ``tz`` is None)."""
    require_aware(value)
    return (value.astimezone(tz) if tz is not None else value).date()


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month, used as the key of per-month breakdowns."""
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s month."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the months from ``start``'s to ``end``'s, inclusive."""
    months, month = [], month_start(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months
