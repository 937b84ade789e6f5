"""UCDP GED and GED Candidate CSVs, streamed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from liptako.incidents.rules import UCDP_TYPES_OF_VIOLENCE
from liptako.incidents.schemas import ActorRef, EventRecord
from liptako.ingest.acled import Parsed
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

REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "latitude", "longitude", "date_start",
            "best")
# Gleditsch-Ward country codes of the parties and their neighbours met in GED
ISO3_BY_GW = {"432": "MLI", "436": "NER", "439": "BFA", "615": "DZA", "435": "MRT",
              "433": "SEN", "437": "CIV", "438": "GIN", "452": "GHA", "461": "TGO",
              "434": "BEN", "475": "NGA", "483": "TCD", "620": "LBY"}
ISO3_BY_NAME = {"mali": "MLI", "niger": "NER", "burkina faso": "BFA"}


def read_ucdp(handle: Iterable[str] | Iterable[bytes], *, today: dt.date) -> Iterator[Parsed]:
    """Yield one record or error per GED row.

    Lines are bytes or text, as for :func:`~liptako.ingest.acled.read_acled`; a later row
    with the id of an earlier one that says something else is a conflict: the first wins and
    the later one is refused (:func:`~liptako.ingest.records.without_conflicts`).
    """
    rows = CsvRows(handle, id_column="id")
    missing = [c for c in REQUIRED if c not in rows.header]
    if missing:
        raise HeaderInvalid(f"expected UCDP GED columns {', '.join(missing)}; the header has "
                            f"{', '.join(rows.header[:8])}"
                            f"{'...' if len(rows.header) > 8 else ''}")
    events = (item if isinstance(item, RowError) else _parse(*item, today) for item in rows)
    yield from without_conflicts(events, "id")


def _parse(line: int, row: Row, today: dt.date) -> Parsed:
    source_id = blank_to_none(row.get("id"))
    try:
        if source_id is None:
            raise RowInvalid("id", "expected a GED event id, got nothing")
        bounded(source_id, "id", 64)  # an id its column cannot hold is refused
        return _record(line, source_id, row, today)
    except RowInvalid as exc:
        return RowError(line, source_id, exc.field, exc.reason)


def _record(line: int, source_id: str, row: Row, today: dt.date) -> EventRecord:
    tov = (row.get("type_of_violence") or "").strip()
    if tov not in UCDP_TYPES_OF_VIOLENCE:
        raise RowInvalid("type_of_violence", f"expected 1, 2 or 3, got {tov!r}")
    event_type, violence = UCDP_TYPES_OF_VIOLENCE[tov]
    start = check_not_future(parse_date(row["date_start"], "date_start"), "date_start", today)
    end = blank_to_none(row.get("date_end"))
    until = parse_date(end, "date_end") if end else None
    if until is not None and until < start:
        raise RowInvalid("date_end", f"expected a date on or after date_start {start}, "
                                     f"got {until}")
    best = parse_count(row.get("best"), "best", required=True)
    low, high = parse_count(row.get("low"), "low"), parse_count(row.get("high"), "high")
    if best is not None and ((low is not None and low > best) or
                             (high is not None and high < best)):
        raise RowInvalid("best", f"expected low <= best <= high, got {low}, {best}, {high}")
    return EventRecord(
        line=line, source="ucdp", source_id=source_id,
        source_version=bounded(row.get("relid"), "relid", 32),
        occurred_on=start, occurred_until=until,
        date_precision=parse_small_int(row.get("date_prec"), "date_prec", range(1, 6)),
        lat=parse_coordinate(row.get("latitude", ""), "latitude", 90),
        lon=parse_coordinate(row.get("longitude", ""), "longitude", 180),
        geo_precision=parse_small_int(row.get("where_prec"), "where_prec", range(1, 8)),
        iso3=_iso3(row), event_type=event_type, src_event_type=violence,
        src_sub_event_type=bounded(row.get("conflict_name"), "conflict_name", 80),
        fatalities=best, fatalities_low=low, fatalities_high=high,
        civilian_targeting=tov == "3" or (parse_count(row.get("deaths_civilians"),
                                                      "deaths_civilians") or 0) > 0,
        description=blank_to_none(row.get("where_description")),
        sources=blank_to_none(row.get("source_article")),
        src_admin=(bounded(row.get("adm_1"), "adm_1", 100),
                   bounded(row.get("adm_2"), "adm_2", 100), None),
        src_location=bounded(row.get("where_coordinates"), "where_coordinates", 200),
        actors=_actors(row),
        extra={k: v for k in ("code_status", "dyad_name", "conflict_name", "event_clarity",
                              "year", "priogrid_gid")
               if (v := blank_to_none(row.get(k))) is not None},
    )


def _iso3(row: Row) -> str | None:
    gw = (row.get("country_id") or "").strip()
    if gw in ISO3_BY_GW:
        return ISO3_BY_GW[gw]
    name = (row.get("country") or "").strip().lower()
    return ISO3_BY_NAME.get(name.split(" (")[0])


def _actors(row: Row) -> tuple[ActorRef, ...]:
    side_a, side_b = blank_to_none(row.get("side_a")), blank_to_none(row.get("side_b"))
    if side_a is None:
        raise RowInvalid("side_a", "expected the name of side A, got nothing")
    refs = [ActorRef("actor1", side_a)]
    if side_b:
        refs.append(ActorRef("actor2", side_b))
    return tuple(refs)
