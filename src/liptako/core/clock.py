"""Time helpers: everything stored is timezone-aware UTC; forecasts index by month_id."""

from __future__ import annotations

import datetime as dt

# month_id 1 is January 1980, the convention of the conflict-forecasting community.
_MONTH_ID_EPOCH_YEAR = 1980


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A datetime in UTC; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def month_id(day: dt.date) -> int:
    """Months since December 1979: January 1980 is 1.

    >>> month_id(dt.date(1980, 1, 31))
    1
    >>> month_id(dt.date(2023, 9, 16))
    525
    """
    return (day.year - _MONTH_ID_EPOCH_YEAR) * 12 + day.month


def month_start(mid: int) -> dt.date:
    """The first day of a month_id."""
    year, month0 = divmod(mid - 1, 12)
    return dt.date(_MONTH_ID_EPOCH_YEAR + year, month0 + 1, 1)
