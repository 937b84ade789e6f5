import datetime as dt
import io
from pathlib import Path

import pytest

from helpers.data import acled_rows, event_ids, to_csv
from liptako.incidents.schemas import EventRecord
from liptako.ingest.acled import HeaderInvalid, read_acled
from liptako.ingest.records import RowError
from liptako.ingest.ucdp import read_ucdp

TODAY = dt.date(2026, 11, 27)


def _read(path: Path) -> tuple[list[EventRecord], list[RowError]]:
    with path.open(encoding="utf-8", newline="") as handle:
        parsed = list(read_acled(handle, today=TODAY))
    return ([p for p in parsed if isinstance(p, EventRecord)],
            [p for p in parsed if isinstance(p, RowError)])


def test_dyadic_file_reads_every_event(acled_dyadic: Path) -> None:
    good, bad = _read(acled_dyadic)
    _header, rows = acled_rows(acled_dyadic)
    assert bad == []
    assert [r.source_id for r in good] == [r["event_id_cnty"] for r in rows]
    assert sum(r.fatalities or 0 for r in good) == sum(int(r["fatalities"]) for r in rows)
    assert {r.iso3 for r in good} == {"MLI", "BFA", "NER"}
    first = good[0]
    assert first.source_id == "MLI3078" and first.occurred_on == dt.date(2019, 7, 31)
    assert [a.role for a in first.actors][:2] == ["actor1", "actor2"]
    assert first.iso3 == "MLI" and first.source_version == "1572403781"
    records = {r.source_id: r for r in good}
    several = next(r for r in rows if " and/or " in r["actor1"])  # one main actor, kept whole
    assert [a.raw for a in records[several["event_id_cnty"]].actors if a.role == "actor1"] == [
        several["actor1"]]
    listed = next(r for r in rows if ";" in r["assoc_actor_1"])  # associated: one per name
    assert [a.raw for a in records[listed["event_id_cnty"]].actors
            if a.role == "assoc_actor_1"] == [n.strip() for n in listed["assoc_actor_1"].split(";")]


def test_monadic_file_regroups_rows_into_events(acled_monadic: Path) -> None:
    good, bad = _read(acled_monadic)
    _header, rows = acled_rows(acled_monadic)
    assert bad == []
    assert [r.source_id for r in good] == event_ids(acled_monadic)
    sides = {i: sum(r["event_id_cnty"] == i for r in rows) for i in event_ids(acled_monadic)}
    two_sided = {r.source_id for r in good if any(a.role == "actor2" for a in r.actors)}
    assert two_sided == {i for i, n in sides.items() if n == 2}
    assert 0 < len(two_sided) < len(good)  # the excerpt holds one-row events too
    ibi = next(r for r in good if r.source_id == "MLI3075")
    assert ibi.occurred_on == dt.date(2019, 7, 31)
    assert [(a.role, a.raw) for a in ibi.actors if a.role.startswith("actor")] == [
        ("actor1", "Unidentified Armed Group (Mali)"), ("actor2", "Civilians (Mali)")]
    assert ibi.civilian_targeting is True


BAD_CASES = [
    ("event_date", "2019-02-30", "event_date"),
    ("event_date", "yesterday", "event_date"),
    ("event_date", "2031-01-01", "event_date"),
    ("latitude", "95.2", "latitude"),
    ("longitude", "-181", "longitude"),
    ("event_id_cnty", "", "event_id_cnty"),
    ("fatalities", "many", "fatalities"),
    ("fatalities", "-3", "fatalities"),
    ("event_type", "Picnic", "event_type"),
]


@pytest.mark.parametrize(("column", "value", "field"), BAD_CASES)
def test_bad_rows_name_line_and_field(acled_dyadic: Path, column: str, value: str,
                                      field: str) -> None:
    header, rows = acled_rows(acled_dyadic, 5)
    rows[2] = {**rows[2], column: value}
    parsed = list(read_acled(io.StringIO(to_csv(header, rows)), today=TODAY))
    errors = [p for p in parsed if isinstance(p, RowError)]
    assert len(errors) == 1 and len(parsed) == 5
    assert errors[0].field == field
    assert errors[0].line == 4
    assert "expected" in errors[0].reason


def test_line_numbers_follow_multiline_notes(acled_dyadic: Path) -> None:
    header, rows = acled_rows(acled_dyadic, 3)
    rows[0] = {**rows[0], "notes": "first line\nsecond line\nthird"}
    rows[1] = {**rows[1], "latitude": "x"}
    errors = [p for p in read_acled(io.StringIO(to_csv(header, rows)), today=TODAY)
              if isinstance(p, RowError)]
    assert errors[0].line == 5


def test_a_file_that_is_not_acled_is_refused() -> None:
    with pytest.raises(HeaderInvalid, match="event_id_cnty"):
        list(read_acled(io.StringIO("a,b\n1,2\n"), today=TODAY))


def test_ucdp_rows_map_types_and_fatalities(ucdp_sample: Path) -> None:
    with ucdp_sample.open(encoding="utf-8", newline="") as handle:
        parsed = list(read_ucdp(handle, today=TODAY))
    assert all(isinstance(p, EventRecord) for p in parsed)
    records = {p.source_id: p for p in parsed if isinstance(p, EventRecord)}
    assert records["900001"].event_type == "battle"
    assert records["900001"].src_event_type == "state_based"
    assert records["900002"].event_type == "violence_against_civilians"
    assert records["900002"].civilian_targeting is True
    assert (records["900002"].fatalities, records["900002"].fatalities_low,
            records["900002"].fatalities_high) == (120, 90, 400)
    assert records["900003"].occurred_until == dt.date(2024, 3, 5)
    assert records["900003"].iso3 == "NER" and records["900002"].iso3 == "BFA"
    assert records["900005"].extra["code_status"] == "XXX"


def test_ucdp_bad_rows() -> None:
    path = Path(__file__).parent / "data" / "ucdp_ged_bad.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        parsed = list(read_ucdp(handle, today=TODAY))
    errors = {p.line: p.field for p in parsed if isinstance(p, RowError)}
    assert errors == {3: "type_of_violence", 4: "date_end", 5: "best", 6: "id", 7: "longitude"}
