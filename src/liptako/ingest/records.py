"""What every importer produces: validated event records, or row errors naming the field."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """A rejected row: where it is, which field, and what was expected."""

    line: int
    source_id: str | None
    field: str
    reason: str

    def as_row(self) -> dict[str, str]:
        return {"line": str(self.line), "source_id": self.source_id or "", "field": self.field,
                "reason": self.reason}


class RowInvalid(ValueError):
    """Raised while parsing one row; the parser turns it into a RowError."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def parse_date(value: str, field_name: str) -> dt.date:
    """ISO ``2019-07-31`` or ACLED's ``31 July 2019`` (also ``31-July-2019``)."""
    text = value.strip()
    if not text:
        raise RowInvalid(field_name, "expected a date, got an empty value")
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S.%f",
                "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowInvalid(field_name, f"expected a date as YYYY-MM-DD or '31 July 2019', got {text!r}")


def parse_coordinate(value: str, field_name: str, limit: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise RowInvalid(field_name, f"expected a number, got {value!r}") from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise RowInvalid(field_name, f"expected a value between -{limit:g} and {limit:g}, "
                                     f"got {value!r}")
    return number


def parse_count(value: str | None, field_name: str, *, required: bool = False) -> int | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise RowInvalid(field_name, "expected a whole number >= 0, got an empty value")
        return None
    try:
        number = int(float(text)) if "." in text else int(text)
    except ValueError:
        raise RowInvalid(field_name, f"expected a whole number >= 0, got {text!r}") from None
    if number < 0:
        raise RowInvalid(field_name, f"expected a whole number >= 0, got {text!r}")
    return number


def parse_small_int(value: str | None, field_name: str, allowed: range) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        raise RowInvalid(field_name, f"expected one of {allowed.start}..{allowed.stop - 1}, "
                                     f"got {text!r}") from None
    if number not in allowed:
        raise RowInvalid(field_name, f"expected one of {allowed.start}..{allowed.stop - 1}, "
                                     f"got {text!r}")
    return number


def check_not_future(day: dt.date, field_name: str, today: dt.date) -> dt.date:
    if day > today:
        raise RowInvalid(field_name, f"expected a date not after {today.isoformat()}, "
                                     f"got {day.isoformat()}")
    if day.year < 1946:
        raise RowInvalid(field_name, f"expected a date from 1946 on, got {day.isoformat()}")
    return day


def blank_to_none(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None
