"""ACLED CSV exports, dyadic (actor1/actor2) or monadic (one row per actor), streamed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from liptako.incidents.rules import acled_event_type, targets_civilians
from liptako.incidents.schemas import ActorRef, EventRecord
from liptako.ingest.csvfile import CsvRows, Row
from liptako.ingest.records import (
    HeaderInvalid,
    RowError,
    RowInvalid,
    blank_to_none,
    bounded,
    check_not_future,
    parse_coordinate,
    parse_count,
    parse_date,
    parse_small_int,
    without_conflicts,
)

__all__ = ["HeaderInvalid", "Parsed", "Row", "read_acled"]

REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "latitude", "longitude",
            "fatalities")
ISO3_BY_NUMERIC = {"466": "MLI", "854": "BFA", "562": "NER"}
Parsed = EventRecord | RowError
Numbered = tuple[int, Row] | RowError


def read_acled(handle: Iterable[str] | Iterable[bytes], *, today: dt.date) -> Iterator[Parsed]:
    """Yield one record or error per event, in file order, holding one event at a time.

    ``handle`` gives lines as bytes (decoded here, so that a byte that is not UTF-8 spoils
    only its row) or as text. A later event with the id of an earlier one that says
    something else is a conflict: the first wins and the later one is refused
    (:func:`~liptako.ingest.records.without_conflicts`). In the monadic layout an event's
    rows are consecutive, so only a repeat further on can conflict.
    """
    rows = CsvRows(handle, id_column="event_id_cnty")
    missing = [c for c in REQUIRED if c not in rows.header]
    if missing:
        raise HeaderInvalid(f"expected ACLED columns {', '.join(missing)}; the header has "
                            f"{', '.join(rows.header[:8])}"
                            f"{'...' if len(rows.header) > 8 else ''}")
    groups = _single(rows) if "actor2" in rows.header else _grouped(rows)
    events = (g if isinstance(g, RowError) else _parse_event(*g, today) for g in groups)
    yield from without_conflicts(events, "event_id_cnty")


def _single(rows: Iterable[Numbered]) -> Iterator[tuple[int, list[Row]] | RowError]:
    """Dyadic rows: each is an event of its own."""
    for item in rows:
        yield item if isinstance(item, RowError) else (item[0], [item[1]])


def _grouped(rows: Iterable[Numbered]) -> Iterator[tuple[int, list[Row]] | RowError]:
    """Consecutive monadic rows of one event_id_cnty (ACLED keeps an event's rows together);
    an event with a refused row is refused whole rather than loaded with one side."""
    current: list[Row] = []
    refused: RowError | None = None
    first_line, key = 0, None
    for item in rows:
        item_key = (item.source_id if isinstance(item, RowError)
                    else blank_to_none(item[1].get("event_id_cnty")))
        if (current or refused) and item_key != key:
            yield refused or (first_line, current)
            current, refused = [], None
        if not current and refused is None:
            first_line, key = item.line if isinstance(item, RowError) else item[0], item_key
        if isinstance(item, RowError):
            refused = refused or item
        else:
            current.append(item[1])
    if current or refused:
        yield refused or (first_line, current)


def _parse_event(line: int, rows: list[Row], today: dt.date) -> Parsed:
    head = rows[0]
    source_id = blank_to_none(head.get("event_id_cnty"))
    try:
        if source_id is None:
            raise RowInvalid("event_id_cnty", "expected an event id such as MLI3078, got nothing")
        bounded(source_id, "event_id_cnty", 64)  # an id its column cannot hold is refused
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
        source_version=bounded(head.get("timestamp"), "timestamp", 32),
        occurred_on=occurred_on, occurred_until=None,
        date_precision=parse_small_int(head.get("time_precision"), "time_precision", range(1, 4)),
        lat=parse_coordinate(head.get("latitude", ""), "latitude", 90),
        lon=parse_coordinate(head.get("longitude", ""), "longitude", 180),
        geo_precision=parse_small_int(head.get("geo_precision"), "geo_precision", range(1, 4)),
        iso3=_iso3(head), event_type=event_type,
        src_event_type=blank_to_none(head.get("event_type")),
        src_sub_event_type=bounded(head.get("sub_event_type"), "sub_event_type", 80),
        fatalities=fatalities, fatalities_low=None, fatalities_high=None,
        civilian_targeting=bool(civ) or targets_civilians(event_type, targets),
        description=blank_to_none(head.get("notes")),
        sources=blank_to_none(head.get("source")),
        src_admin=(bounded(head.get("admin1"), "admin1", 100),
                   bounded(head.get("admin2"), "admin2", 100),
                   bounded(head.get("admin3"), "admin3", 100)),
        src_location=bounded(head.get("location"), "location", 200),
        actors=tuple(actors),
        extra={k: v for k in ("interaction", "inter1", "inter2", "source_scale", "data_id")
               if (v := blank_to_none(head.get(k))) is not None},
    )


def _iso3(row: Row) -> str | None:
    iso3 = bounded(row.get("iso3"), "iso3", 3)
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
