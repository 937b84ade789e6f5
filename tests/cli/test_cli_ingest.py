import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from helpers.data import ACLED_DYADIC, TEST_DATA, acled_rows, to_csv
from liptako.cli.ingest import neutralised
from liptako.cli.main import app
from liptako.core.db import make_engine
from liptako.incidents.models import Incident, IncidentActor
from liptako.obligations import recording

runner = CliRunner()


def _run(url: str, *args: str) -> object:
    return runner.invoke(app, list(args), env={"LIPTAKO_DATABASE_URL": url})


def _stats(url: str) -> dict[str, object]:
    result = _run(url, "events", "stats", "--format", "json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return json.loads(result.output)  # type: ignore[attr-defined,no-any-return]


def _sample(tmp_path: Path, n: int, bad: dict[int, dict[str, str]] | None = None) -> Path:
    header, rows = acled_rows(ACLED_DYADIC, n)
    for i, change in (bad or {}).items():
        rows[i] = {**rows[i], **change}
    path = tmp_path / "sample.csv"
    path.write_text(to_csv(header, rows), encoding="utf-8")
    return path


def test_ingest_prints_a_summary_and_stats_count(fresh_database_url: str,
                                                 tmp_path: Path) -> None:
    path = _sample(tmp_path, 200)
    result = _run(fresh_database_url, "ingest", "acled", str(path))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "read 200, inserted 200, updated 0, unchanged 0, rejected 0" in result.output  # type: ignore[attr-defined]
    again = _run(fresh_database_url, "ingest", "acled", str(path))
    assert "read 200, inserted 0, updated 0, unchanged 200, rejected 0" in again.output  # type: ignore[attr-defined]
    stats = _stats(fresh_database_url)
    _header, rows = acled_rows(ACLED_DYADIC, 200)
    assert stats["events"] == 200
    assert stats["fatalities"] == sum(int(r["fatalities"]) for r in rows)
    assert sum(stats["by_country"].values()) == 200  # type: ignore[attr-defined]
    assert stats["with_admin1"] == 200 and stats["deleted"] == 0


def test_bad_rows_are_reported_and_good_rows_load(fresh_database_url: str,
                                                  tmp_path: Path) -> None:
    path = _sample(tmp_path, 50, {3: {"latitude": "123"}, 10: {"event_date": "2019-13-01"}})
    errors = tmp_path / "errors.csv"
    result = _run(fresh_database_url, "ingest", "acled", str(path), "--errors", str(errors))
    assert result.exit_code == 0
    assert "inserted 48" in result.output and "rejected 2" in result.output  # type: ignore[attr-defined]
    with errors.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["line"], r["field"]) for r in rows] == [("5", "latitude"), ("12", "event_date")]
    assert "between -90 and 90" in rows[0]["reason"]


def test_strict_loads_nothing_when_a_row_is_bad(fresh_database_url: str,
                                                tmp_path: Path) -> None:
    path = _sample(tmp_path, 50, {40: {"fatalities": "several"}})
    result = _run(fresh_database_url, "ingest", "acled", str(path), "--strict")
    assert result.exit_code == 1
    assert "fatalities" in result.output  # type: ignore[attr-defined]
    assert _stats(fresh_database_url)["events"] == 0


def test_a_file_of_another_kind_exits_2(fresh_database_url: str) -> None:
    result = _run(fresh_database_url, "ingest", "acled", str(TEST_DATA / "ucdp_ged_sample.csv"))
    assert result.exit_code == 2
    assert "expected ACLED columns" in result.output  # type: ignore[attr-defined]


def test_ucdp_ingest(fresh_database_url: str) -> None:
    result = _run(fresh_database_url, "ingest", "ucdp", str(TEST_DATA / "ucdp_ged_sample.csv"))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "inserted 5" in result.output  # type: ignore[attr-defined]
    stats = _stats(fresh_database_url)
    assert stats["by_source"] == {"ucdp": 5}
    assert stats["fatalities"] == 14 + 120 + 15 + 10 + 5


def test_deletions_file(fresh_database_url: str, tmp_path: Path) -> None:
    path = _sample(tmp_path, 20)
    _header, rows = acled_rows(ACLED_DYADIC, 20)
    deletions = tmp_path / "deletions.csv"
    deletions.write_text("event_id_cnty,deleted_timestamp\n"
                         f"{rows[0]['event_id_cnty']},1600000000\n"
                         f"{rows[1]['event_id_cnty']},1600000000\n")
    result = _run(fresh_database_url, "ingest", "acled", str(path), "--deletions",
                  str(deletions))
    assert "marked deleted 2" in result.output  # type: ignore[attr-defined]
    stats = _stats(fresh_database_url)
    assert (stats["events"], stats["deleted"]) == (18, 2)


def test_a_failure_mid_import_keeps_earlier_batches_whole(
        fresh_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _sample(tmp_path, 100)
    real = recording.record_batch
    calls = {"n": 0}

    def failing(session, records, **kw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        out = real(session, records, **kw)
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return out

    monkeypatch.setattr(recording, "record_batch", failing)
    result = _run(fresh_database_url, "ingest", "acled", str(path), "--batch-size", "25")
    assert result.exit_code != 0
    _assert_whole(fresh_database_url, expected=50)


def _assert_whole(url: str, expected: int | None = None) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(Incident))
        orphans = conn.scalar(select(func.count()).select_from(Incident).where(
            ~Incident.id.in_(select(IncidentActor.incident_id))))
        audits = conn.scalar(text(
            "SELECT count(*) FROM audit_entry WHERE action = 'incident.import'"))
    engine.dispose()
    assert orphans == 0
    if expected is not None:
        assert count == expected
    assert audits == (count or 0) // 25
    return count or 0


def test_imported_events_are_evaluated_and_reevaluate_is_idempotent(
        fresh_database_url: str, tmp_path: Path) -> None:
    path = _sample(tmp_path, 120)
    assert _run(fresh_database_url, "ingest", "acled", str(path)).exit_code == 0
    engine = make_engine(fresh_database_url)
    with engine.connect() as conn:
        determinations = conn.scalar(text("SELECT count(*) FROM determination"))
    engine.dispose()
    assert determinations == 120
    result = _run(fresh_database_url, "charter", "reevaluate", "--all")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "re-evaluated 120 of 120 live incidents" in result.output  # type: ignore[attr-defined]
    assert "0 changed" in result.output  # type: ignore[attr-defined]
    assert _run(fresh_database_url, "charter", "reevaluate").exit_code == 2


HOSTILE_HEADER = ["event_id_cnty", "event_date", "event_type", "actor1", "actor2", "latitude",
                  "longitude", "fatalities", "notes", "timestamp", "iso3"]


def _event(n: int, **change: str) -> dict[str, str]:
    return {"event_id_cnty": f"MLI{n}", "event_date": "2019-07-31", "event_type": "Battles",
            "actor1": "JNIM", "actor2": "Military Forces of Mali", "latitude": "14.49",
            "longitude": "-4.19", "fatalities": "3", "notes": f"note {n}",
            "timestamp": "1572403781", "iso3": "MLI", **change}


def _hostile(tmp_path: Path, rows: list[dict[str, str]], *, bad_byte: bool = False) -> Path:
    blob = to_csv(HOSTILE_HEADER, rows).encode("utf-8")
    path = tmp_path / "hostile.csv"
    path.write_bytes(blob.replace(b"MARK", b"\xff") if bad_byte else blob)
    return path


def test_hostile_rows_are_refused_one_by_one_and_the_rest_loads(fresh_database_url: str,
                                                                tmp_path: Path) -> None:
    rows = [_event(1), _event(2, notes="a bad byte: MARK"), _event(3, actor1="JN\x00IM"),
            _event(4, fatalities=str(2**64)), _event(5, notes="n" * 200_000),
            _event(6), _event(7, event_id_cnty="=HYPERLINK(\"http://x\")", latitude="x")]
    path, errors = _hostile(tmp_path, rows, bad_byte=True), tmp_path / "errors.csv"
    result = _run(fresh_database_url, "ingest", "acled", str(path), "--errors", str(errors),
                  "--allow-rejects")  # five bad rows of seven, on purpose
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "read 7, inserted 2, updated 0, unchanged 0, rejected 5" in result.output  # type: ignore[attr-defined]
    with errors.open(encoding="utf-8") as handle:
        bad = list(csv.DictReader(handle))
    assert [(r["line"], r["field"]) for r in bad] == [
        ("3", "notes"), ("4", "actor1"), ("5", "fatalities"), ("6", "notes"), ("8", "latitude")]
    offset = path.read_bytes().index(b"\xff")
    assert bad[0]["reason"].endswith(f"got byte 0xff at line 3, byte offset {offset}")
    assert bad[4]["source_id"] == "'=HYPERLINK(\"http://x\")"
    assert _stats(fresh_database_url)["events"] == 2


def test_a_repeated_event_that_differs_is_a_conflict_the_first_wins(fresh_database_url: str,
                                                                    tmp_path: Path) -> None:
    """Batches of one: the first row is stored before its rival is read, and is kept."""
    path = _hostile(tmp_path, [_event(1), _event(2), _event(1, fatalities="30")])
    result = _run(fresh_database_url, "ingest", "acled", str(path), "--batch-size", "1")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "inserted 2, updated 0, unchanged 0, rejected 1" in result.output  # type: ignore[attr-defined]
    assert "4: event_id_cnty: expected one version of event MLI1 per file" in result.output  # type: ignore[attr-defined]
    assert _stats(fresh_database_url)["fatalities"] == 6


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_the_errors_file_neutralises_formulas(value: str) -> None:
    assert neutralised(value) == f"'{value}"
    assert neutralised("MLI1 ok=1") == "MLI1 ok=1"


def test_a_deletions_file_that_is_not_utf8_is_refused(fresh_database_url: str,
                                                      tmp_path: Path) -> None:
    path = _hostile(tmp_path, [_event(1)])
    deletions = tmp_path / "deletions.csv"
    deletions.write_bytes(b"event_id_cnty,deleted_timestamp\nMLI\xff1,1600000000\n")
    result = _run(fresh_database_url, "ingest", "acled", str(path), "--deletions",
                  str(deletions))
    assert result.exit_code == 2
    assert "expected a UTF-8 CSV of event ids" in result.output  # type: ignore[attr-defined]
