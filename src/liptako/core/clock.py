"""Time helpers: everything stored is timezone-aware UTC; forecasts index by month_id."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AwareDatetime, BeforeValidator, Field

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


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _day_text(value: object) -> object:
    if isinstance(value, int | float) or (isinstance(value, str) and not _DAY.fullmatch(value)):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
    return value


def _moment_text(value: object) -> object:
    if isinstance(value, int | float) or (isinstance(value, str) and not _MOMENT.match(value)):
        raise ValueError(f"expected a date and time as ISO 8601 text with its offset "
                         f"(2026-11-27T08:00:00Z), got {value!r}")
    return value


# Dates and times as the API takes them: ISO 8601 text (or the value itself, from Python),
# never a number of seconds since 1970 or a date for a time, which pydantic would otherwise
# accept; lax (strict=False) inside strict models, whose strict mode refuses text for them.
Day = Annotated[dt.date, Field(strict=False), BeforeValidator(_day_text)]
Moment = Annotated[AwareDatetime, Field(strict=False), BeforeValidator(_moment_text)]
