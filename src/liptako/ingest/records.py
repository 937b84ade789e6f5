"""What every importer produces: validated event records, or row errors naming the field."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from liptako.incidents.schemas import EventRecord

# the largest count the incident table's INTEGER columns hold (PostgreSQL's is 32-bit)
MAX_COUNT = 2_147_483_647


class HeaderInvalid(ValueError):
    """The file is not an export of the expected kind: the whole file is refused."""


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
    """A count bounded by what the database column holds, so that no row fails the batch."""
    expected = f"expected a whole number from 0 to {MAX_COUNT}"
    text = (value or "").strip()
    if not text:
        if required:
            raise RowInvalid(field_name, f"{expected}, got an empty value")
        return None
    try:
        number = int(float(text)) if "." in text else int(text)
    except (ValueError, OverflowError):  # OverflowError: '1.0e999' is an infinite float
        raise RowInvalid(field_name, f"{expected}, got {_short(text)!r}") from None
    if not 0 <= number <= MAX_COUNT:
        raise RowInvalid(field_name, f"{expected}, got {_short(text)!r}")
    return number


def _short(text: str, limit: int = 40) -> str:
    """A value cut for a message, so that a huge one does not flood the errors file."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


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


def bounded(value: str | None, field_name: str, limit: int) -> str | None:
    """A text no longer than its database column, else the row is refused (not the batch)."""
    text = blank_to_none(value)
    if text is not None and len(text) > limit:
        raise RowInvalid(field_name, f"expected at most {limit} characters, got {len(text)}")
    return text


def without_conflicts(parsed: Iterable[EventRecord | RowError],
                      id_field: str) -> Iterator[EventRecord | RowError]:
    """The records of one file with a repeated id that says something else refused.

    The first row of an id wins and a later one that differs from it is a conflict: the file
    is recorded in batches as it streams, so the first may be stored before the second is
    read, and the recording flow would let the second silently update it. A repeat saying
    the same (the same content hash, whatever its line or vintage) passes and is recorded as
    unchanged.
    """
    first_seen: dict[str, tuple[int, str]] = {}
    for item in parsed:
        if isinstance(item, EventRecord):
            content = item.content_hash()
            line, first = first_seen.setdefault(item.source_id, (item.line, content))
            if first != content:
                item = RowError(item.line, item.source_id, id_field,
                                f"expected one version of event {item.source_id} per file, "
                                f"got one that differs from line {line}")
        yield item
