"""ACLED CSV exports, dyadic (actor1/actor2) or monadic (one row per actor), streamed."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TextIO

from liptako.incidents.rules import acled_event_type, targets_civilians
from liptako.incidents.schemas import ActorRef, EventRecord
from liptako.ingest.records import (
    RowError,
    RowInvalid,
    blank_to_none,
    check_not_future,
    parse_coordinate,
    parse_count,
    parse_date,
    parse_small_int,
)

REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "latitude", "longitude",
            "fatalities")
ISO3_BY_NUMERIC = {"466": "MLI", "854": "BFA", "562": "NER"}
Row = dict[str, str]
Parsed = EventRecord | RowError


class HeaderInvalid(ValueError):
    """The file is not an ACLED export: the whole file is refused."""


def read_acled(handle: TextIO, *, today: dt.date) -> Iterator[Parsed]:
    """Yield one record or error per event, in file order, holding one event at a time."""
    reader = csv.DictReader(handle)
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise HeaderInvalid(f"expected ACLED columns {', '.join(missing)}; the header has "
                            f"{', '.join(header[:8])}{'...' if len(header) > 8 else ''}")
    rows = _numbered(reader)
    if "actor2" in header:
        for line, row in rows:
            yield _parse_event(line, [row], today)
    else:
        for line, group in _grouped(rows):
            yield _parse_event(line, group, today)


def _numbered(reader: csv.DictReader[str]) -> Iterator[tuple[int, Row]]:
    """Rows with the file line each starts on (notes may span several lines)."""
    start = 2
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _grouped(rows: Iterable[tuple[int, Row]]) -> Iterator[tuple[int, list[Row]]]:
    """Consecutive monadic rows of one event_id_cnty (ACLED keeps an event's rows together)."""
    current: list[Row] = []
    first_line = 0
    for line, row in rows:
        if current and row.get("event_id_cnty") != current[0].get("event_id_cnty"):
            yield first_line, current
            current = []
        if not current:
            first_line = line
        current.append(row)
    if current:
        yield first_line, current


def _parse_event(line: int, rows: list[Row], today: dt.date) -> Parsed:
    head = rows[0]
    source_id = blank_to_none(head.get("event_id_cnty"))
    try:
        if source_id is None:
            raise RowInvalid("event_id_cnty", "expected an event id such as MLI3078, got nothing")
        return _record(line, source_id, rows, today)
    except RowInvalid as exc:
        return RowError(line, source_id, exc.field, exc.reason)


def _record(line: int, source_id: str, rows: list[Row], today: dt.date) -> EventRecord:
    head = rows[0]
    occurred_on = check_not_future(parse_date(head["event_date"], "event_date"), "event_date",
                                   today)
    event_type = acled_event_type(head.get("event_type", ""))
    if event_type is None:
        raise RowInvalid("event_type", f"expected an ACLED event type such as Battles, got "
                                       f"{head.get('event_type')!r}")
    actors = _actors(rows)
    fatalities = parse_count(head.get("fatalities"), "fatalities", required=True)
    civ = (head.get("civilian_targeting") or "").strip()
    targets = [a.raw for a in actors if a.role in ("actor2", "assoc_actor_2")]
    return EventRecord(
        line=line, source="acled", source_id=source_id,
        source_version=blank_to_none(head.get("timestamp")),
        occurred_on=occurred_on, occurred_until=None,
        date_precision=parse_small_int(head.get("time_precision"), "time_precision", range(1, 4)),
        lat=parse_coordinate(head.get("latitude", ""), "latitude", 90),
        lon=parse_coordinate(head.get("longitude", ""), "longitude", 180),
        geo_precision=parse_small_int(head.get("geo_precision"), "geo_precision", range(1, 4)),
        iso3=_iso3(head), event_type=event_type,
        src_event_type=blank_to_none(head.get("event_type")),
        src_sub_event_type=blank_to_none(head.get("sub_event_type")),
        fatalities=fatalities, fatalities_low=None, fatalities_high=None,
        civilian_targeting=bool(civ) or targets_civilians(event_type, targets),
        description=blank_to_none(head.get("notes")),
        sources=blank_to_none(head.get("source")),
        src_admin=(blank_to_none(head.get("admin1")), blank_to_none(head.get("admin2")),
                   blank_to_none(head.get("admin3"))),
        src_location=blank_to_none(head.get("location")),
        actors=tuple(actors),
        extra={k: v for k in ("interaction", "inter1", "inter2", "source_scale", "data_id")
               if (v := blank_to_none(head.get(k))) is not None},
    )


def _iso3(row: Row) -> str | None:
    iso3 = blank_to_none(row.get("iso3"))
    if iso3:
        return iso3.upper()
    return ISO3_BY_NUMERIC.get((row.get("iso") or "").strip())


def _actors(rows: list[Row]) -> list[ActorRef]:
    if len(rows) == 1 and "actor2" in rows[0]:
        row = rows[0]
        pairs = [("actor1", row.get("actor1")), ("assoc_actor_1", row.get("assoc_actor_1")),
                 ("actor2", row.get("actor2")), ("assoc_actor_2", row.get("assoc_actor_2"))]
    else:
        pairs = []
        for side, row in enumerate(_monadic_sides(rows), start=1):
            pairs += [(f"actor{side}", row.get("actor1")),
                      (f"assoc_actor_{side}", row.get("assoc_actor_1"))]
    refs: list[ActorRef] = []
    for role, value in pairs:
        names = [value] if role.startswith("actor") else (value or "").split(";")
        refs += [ActorRef(role, n.strip()) for n in names if n and n.strip()]
    if not any(r.role == "actor1" for r in refs):
        raise RowInvalid("actor1", "expected the name of the acting party, got nothing")
    return refs


def _monadic_sides(rows: list[Row]) -> list[Row]:
    """Order an event's monadic rows as sides 1 and 2, using ACLED's interaction code."""
    interaction = (rows[0].get("interaction") or "").strip()
    if len(rows) < 2 or len(interaction) != 2 or interaction[0] == interaction[1]:
        return rows[:2]
    first = [r for r in rows if (r.get("inter1") or "").strip() == interaction[0]]
    rest = [r for r in rows if r not in first]
    return (first + rest)[:2]
