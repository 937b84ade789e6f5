"""Files made to break the readers: each bad row is refused alone and the rest is read."""

import csv
import datetime as dt
import io

import pytest

from liptako.incidents.schemas import EventRecord
from liptako.ingest.acled import HeaderInvalid, Parsed, read_acled
from liptako.ingest.records import MAX_COUNT, RowError
from liptako.ingest.ucdp import read_ucdp

TODAY = dt.date(2026, 11, 27)
DYADIC = ["event_id_cnty", "event_date", "event_type", "actor1", "actor2", "latitude",
          "longitude", "fatalities", "notes", "timestamp", "iso3"]
MONADIC = [c for c in DYADIC if c != "actor2"] + ["inter1", "interaction"]
UCDP = ["id", "relid", "type_of_violence", "side_a", "side_b", "latitude", "longitude",
        "date_start", "date_end", "best", "low", "high", "country"]


def _acled(n: int, **change: str) -> dict[str, str]:
    return {"event_id_cnty": f"MLI{n}", "event_date": "2019-07-31", "event_type": "Battles",
            "actor1": "JNIM", "actor2": "Military Forces of Mali", "latitude": "14.49",
            "longitude": "-4.19", "fatalities": "3", "notes": f"note {n}",
            "timestamp": "1572403781", "iso3": "MLI", "inter1": "2", "interaction": "12",
            **change}


def _ucdp(n: int, **change: str) -> dict[str, str]:
    return {"id": f"9100{n}", "relid": f"r{n}", "type_of_violence": "1",
            "side_a": "Government of Mali", "side_b": "JNIM", "latitude": "14.49",
            "longitude": "-4.19", "date_start": "2024-02-11", "date_end": "2024-02-11",
            "best": "4", "low": "4", "high": "6", "country": "Mali", **change}


def _csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _split(parsed: list[Parsed]) -> tuple[list[EventRecord], list[RowError]]:
    return ([p for p in parsed if isinstance(p, EventRecord)],
            [p for p in parsed if isinstance(p, RowError)])


def _read(blob: bytes) -> tuple[list[EventRecord], list[RowError]]:
    return _split(list(read_acled(io.BytesIO(blob), today=TODAY)))


def test_a_byte_that_is_not_utf8_spoils_its_row_only() -> None:
    """The byte's file line and offset are named (here inside a note spanning lines)."""
    rows = [_acled(1), _acled(2, notes="first\nsecond MARK here"), _acled(3)]
    blob = _csv(DYADIC, rows).replace(b"MARK", b"\xff\xfe")
    good, bad = _read(blob)
    assert [r.source_id for r in good] == ["MLI1", "MLI3"]
    [error] = bad
    assert (error.line, error.source_id, error.field) == (3, "MLI2", "notes")
    offset = blob.index(b"\xff")
    assert error.reason == (f"expected UTF-8 text without NUL, got byte 0xff at line 4, "
                            f"byte offset {offset}")


def test_byte_offsets_count_a_byte_order_mark_and_lines_after_a_bad_row_stay_right() -> None:
    blob = b"\xef\xbb\xbf" + _csv(DYADIC, [_acled(1, notes="caf\xe9"), _acled(2, latitude="x")])
    blob = blob.replace("café".encode(), b"caf\xe9")  # Latin-1, as a careless export gives
    _good, bad = _read(blob)
    assert [(e.line, e.field) for e in bad] == [(2, "notes"), (3, "latitude")]
    assert f"byte 0xe9 at line 2, byte offset {blob.index(b'caf') + 3}" in bad[0].reason


def test_a_nul_in_any_field_is_refused_naming_the_field() -> None:
    good, bad = _read(_csv(DYADIC, [_acled(1), _acled(2, actor1="JN\x00IM"), _acled(3)]))
    assert [r.source_id for r in good] == ["MLI1", "MLI3"]
    assert [(e.line, e.field) for e in bad] == [(3, "actor1")]
    assert "got a NUL at line 3" in bad[0].reason


def test_a_nul_in_the_id_is_escaped_in_the_error() -> None:
    _good, bad = _read(_csv(DYADIC, [_acled(1, event_id_cnty="MLI\x001")]))
    assert (bad[0].field, bad[0].source_id) == ("event_id_cnty", "MLI\\x001")


@pytest.mark.parametrize("spans_lines", [False, True])
def test_a_field_over_the_csv_limit_is_refused_and_reading_resumes(spans_lines: bool) -> None:
    limit = csv.field_size_limit()
    huge = "x" * (limit + 10)
    notes = f"start\n{huge}\nstill the note, with \"\" quotes" if spans_lines else huge
    rows = [_acled(1), _acled(2, notes=notes), _acled(3, latitude="x"), _acled(4)]
    good, bad = _read(_csv(DYADIC, rows))
    assert [r.source_id for r in good] == ["MLI1", "MLI4"]
    assert [(e.line, e.source_id, e.field) for e in bad] == [
        (3, "MLI2", "notes"), (6 if spans_lines else 4, "MLI3", "latitude")]
    assert bad[0].reason == f"expected at most {limit} characters, got {len(notes)}"
    assert csv.field_size_limit() == limit  # the process-wide limit is left alone


@pytest.mark.parametrize("value", [str(2**64), str(2**31), "1.0e999", "-1"])
def test_counts_beyond_the_integer_column_are_refused(value: str) -> None:
    good, bad = _read(_csv(DYADIC, [_acled(1, fatalities=value), _acled(2)]))
    assert [r.source_id for r in good] == ["MLI2"]
    assert bad[0].field == "fatalities"
    assert bad[0].reason.startswith(f"expected a whole number from 0 to {MAX_COUNT}, got")


def test_the_largest_count_the_column_holds_is_taken() -> None:
    good, _bad = _read(_csv(DYADIC, [_acled(1, fatalities=str(MAX_COUNT))]))
    assert good[0].fatalities == MAX_COUNT


def test_text_longer_than_its_column_is_refused() -> None:
    good, bad = _read(_csv(DYADIC, [_acled(1, event_id_cnty="M" * 65), _acled(2, iso3="MALI"),
                                    _acled(3)]))
    assert [r.source_id for r in good] == ["MLI3"]
    assert [e.field for e in bad] == ["event_id_cnty", "iso3"]
    assert bad[0].reason == "expected at most 64 characters, got 65"


def test_a_repeated_id_saying_something_else_is_a_conflict_and_the_first_wins() -> None:
    rows = [_acled(1), _acled(2), _acled(1, fatalities="30"), _acled(2, timestamp="1600000000")]
    good, bad = _read(_csv(DYADIC, rows))
    assert [(r.line, r.source_id, r.fatalities) for r in good] == [
        (2, "MLI1", 3), (3, "MLI2", 3), (5, "MLI2", 3)]  # an identical repeat (new vintage)
    assert [(e.line, e.source_id, e.field) for e in bad] == [(4, "MLI1", "event_id_cnty")]
    assert bad[0].reason == ("expected one version of event MLI1 per file, got one that "
                             "differs from line 2")


def test_monadic_rows_of_one_event_group_and_a_later_repeat_conflicts() -> None:
    rows = [_acled(1), _acled(1, actor1="Military Forces of Mali", inter1="1"), _acled(2),
            _acled(1, fatalities="9")]
    good, bad = _read(_csv(MONADIC, rows))
    assert [(r.source_id, len(r.actors)) for r in good] == [("MLI1", 2), ("MLI2", 1)]
    assert [(e.line, e.source_id) for e in bad] == [(5, "MLI1")]


def test_a_monadic_event_with_a_refused_row_is_refused_whole() -> None:
    rows = [_acled(1), _acled(1, actor1="Military Forces of Mali", notes="BAD"), _acled(2)]
    good, bad = _read(_csv(MONADIC, rows).replace(b"BAD", b"\xc3("))
    assert [r.source_id for r in good] == ["MLI2"]
    assert [(e.line, e.source_id, e.field) for e in bad] == [(3, "MLI1", "notes")]


def test_a_header_with_a_bad_byte_refuses_the_file() -> None:
    blob = _csv(DYADIC, [_acled(1)]).replace(b"notes", b"not\xffes", 1)
    with pytest.raises(HeaderInvalid, match="got byte 0xff at line 1"):
        _read(blob)


def test_text_handles_still_read() -> None:
    text = _csv(DYADIC, [_acled(1), _acled(2, actor1="A\x00")]).decode()
    good, bad = _split(list(read_acled(io.StringIO(text), today=TODAY)))
    assert [r.source_id for r in good] == ["MLI1"] and [e.field for e in bad] == ["actor1"]


def test_ucdp_refuses_the_same_rows_alone() -> None:
    huge = "y" * (csv.field_size_limit() + 1)
    rows = [_ucdp(1), _ucdp(2, side_b="MARK"), _ucdp(3, side_a="A\x00"),
            _ucdp(4, best=str(2**64), high=str(2**64)), _ucdp(5, side_b=huge),
            _ucdp(1, best="5"), _ucdp(1), _ucdp(6)]
    blob = _csv(UCDP, rows).replace(b"MARK", b"\x80")
    good, bad = _split(list(read_ucdp(io.BytesIO(blob), today=TODAY)))
    assert [(r.line, r.source_id) for r in good] == [(2, "91001"), (8, "91001"), (9, "91006")]
    assert [(e.line, e.source_id, e.field) for e in bad] == [
        (3, "91002", "side_b"), (4, "91003", "side_a"), (5, "91004", "best"),
        (6, "91005", "side_b"), (7, "91001", "id")]
