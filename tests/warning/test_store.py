import datetime as dt
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
import typer
from sqlalchemy import create_engine
from typer.testing import CliRunner

from factories.incidents import report
from helpers.data import ACLED_DYADIC, ACLED_MONADIC, acled_rows, event_ids, to_csv
from liptako.audit import service as audit
from liptako.cli import store as store_cli
from liptako.cli.main import app as main_app
from liptako.core.clock import month_id
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory, transaction
from liptako.incidents.place import place
from liptako.incidents.schemas import EventRecord, IncidentIn
from liptako.ingest.acled import HeaderInvalid, read_acled
from liptako.ingest.records import RowError
from liptako.ingest.service import apply_deletions
from liptako.obligations.recording import record_batch as load_batch
from liptako.obligations.recording import record_report
from liptako.warning.store import SCHEMA, refresh_from_database
from liptako.warning.store_acled import ColumnarSummary, csv_to_parquet

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
# what the store and the importer (records + place) must agree on, column by column
SHARED = ("source_id", "source_version", "occurred_on", "date_precision", "iso3", "admin1_code",
          "admin2_code", "admin_method", "outside_country_km", "priogrid_gid",
          "in_liptako_gourma", "lat", "lon", "geo_precision", "event_type", "fatalities",
          "civilian_targeting")


def _importer(path: Path) -> tuple[pl.DataFrame, list[RowError]]:
    """The registry importer's view of a file: records placed by place(), and its errors."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        parsed = list(read_acled(handle, today=TODAY))
    records = [p for p in parsed if isinstance(p, EventRecord)]
    rows = [{**{k: getattr(r, k) for k in SHARED if hasattr(r, k)}, **vars(p)}
            for r, p in zip(records, place(records), strict=True)]
    frame = pl.DataFrame(rows, schema={k: SCHEMA[k] for k in SHARED})
    return frame, [p for p in parsed if isinstance(p, RowError)]


def _store(tmp_path: Path, csv: Path, **kw: int) -> tuple[pl.DataFrame, ColumnarSummary]:
    out = tmp_path / "events.parquet"
    summary = csv_to_parquet(csv, out, today=TODAY, **kw)
    return pl.read_parquet(out), summary


def test_fast_path_reads_the_dyadic_export(tmp_path: Path) -> None:
    events, summary = _store(tmp_path, ACLED_DYADIC)
    _header, rows = acled_rows(ACLED_DYADIC)
    assert events.schema == SCHEMA
    assert (summary.written, summary.rejected, events.height) == (len(rows), 0, len(rows))
    assert events["fatalities"].sum() == sum(int(r["fatalities"]) for r in rows)
    assert events["admin1_code"].null_count() == 0
    assert dict(events["iso3"].value_counts().iter_rows()) == Counter(r["iso3"] for r in rows)
    assert sorted(events["source_id"]) == sorted(r["event_id_cnty"] for r in rows)
    assert events.filter(pl.col("iso3") == "BFA")["admin2_code"].null_count() == 0
    others = events.filter(pl.col("iso3") != "BFA")  # Mali and Niger have no second level
    assert others.height > 0 and others["admin2_code"].is_null().all()
    assert events["month_id"].to_list() == [month_id(d) for d in events["occurred_on"]]
    assert not events["deleted"].any() and events["incident_id"].null_count() == events.height


@pytest.mark.parametrize("source", [ACLED_DYADIC, ACLED_MONADIC], ids=["dyadic", "monadic"])
def test_every_column_agrees_with_the_registry_importer(tmp_path: Path, source: Path) -> None:
    events, _summary = _store(tmp_path, source)
    expected, errors = _importer(source)
    assert errors == []
    assert events.select(SHARED).equals(expected)
    assert events["admin_method"].value_counts().sort("admin_method").rows() == \
        expected["admin_method"].value_counts().sort("admin_method").rows()


def test_monadic_rows_regroup_into_events_with_long_dates(tmp_path: Path) -> None:
    events, summary = _store(tmp_path, ACLED_MONADIC)
    _header, rows = acled_rows(ACLED_MONADIC)
    ids = event_ids(ACLED_MONADIC)
    assert len(rows) > len(ids)
    assert (summary.records, summary.events, summary.rejected) == (len(rows), len(ids), 0)
    assert sorted(events["source_id"]) == sorted(ids)
    days = [dt.datetime.strptime(r["event_date"], "%d %B %Y").date() for r in rows]
    assert (events["occurred_on"].min(), events["occurred_on"].max()) == (min(days), max(days))
    # batches of 7 rows cut through events; the store must carry them over whole
    assert any(rows[i - 1]["event_id_cnty"] == rows[i]["event_id_cnty"]
               for i in range(7, len(rows), 7))
    small, _ = _store(tmp_path / "small", ACLED_MONADIC, batch_rows=7)
    assert small.equals(events), "a batch boundary must not split an event's rows"


def test_bad_rows_are_rejected_with_line_and_field(tmp_path: Path) -> None:
    header, rows = acled_rows(ACLED_DYADIC, 40)
    rows[2]["notes"] = "first line\nsecond line"  # later rows start one line further down
    rows[5]["event_date"] = "2019-02-30"
    rows[9]["latitude"] = "95"
    rows[14]["fatalities"] = "many"
    rows[20]["event_date"] = (TODAY + dt.timedelta(days=1)).isoformat()
    # odd but valid to the importer, so kept: padding, "3.0", a blank precision code
    rows[25].update(latitude=" 14.5 ", fatalities="3.0", time_precision="")
    rows[30].update(geo_precision="7")
    path = tmp_path / "bad.csv"
    path.write_text(to_csv(header, rows), encoding="utf-8")
    events, summary = _store(tmp_path, path)
    got = [(e.line, e.field) for e in summary.errors]
    assert got == [(8, "event_date"), (12, "latitude"), (17, "fatalities"), (23, "event_date"),
                   (33, "geo_precision")]
    assert "got 'many'" in summary.errors[2].reason
    assert list(summary.errors) == _importer(path)[1]
    assert (summary.events, summary.written, summary.rejected) == (40, 35, 5)
    assert events.height == 35 and 14.5 in events["lat"].to_list()
    kept = events.filter(pl.col("source_id") == rows[25]["event_id_cnty"])
    assert kept.select("fatalities", "date_precision").row(0) == (3, None)
    assert not {rows[i]["event_id_cnty"] for i in (5, 9, 14, 20, 30)} & set(events["source_id"])


def test_a_file_that_is_not_acled_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("id,date\n1,2019-01-01\n", encoding="utf-8")
    with pytest.raises(HeaderInvalid, match="expected ACLED columns"):
        csv_to_parquet(path, tmp_path / "out.parquet", today=TODAY)
    assert not (tmp_path / "out.parquet").exists()


def _load(url: str, n: int, deleted: int) -> list[str]:
    with ACLED_DYADIC.open(encoding="utf-8", newline="") as handle:
        records = [p for p in read_acled(handle, today=TODAY) if isinstance(p, EventRecord)][:n]
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        for start in range(0, n, 100):
            load_batch(session, records[start:start + 100], actor=audit.SYSTEM, now=NOW)
        gone = [r.source_id for r in records[:deleted]]
        apply_deletions(session, "acled", gone, actor=audit.SYSTEM, now=NOW, reason="test")
        # an exercise's report, which the store never takes
        record_report(session, IncidentIn.model_validate(report(exercise=True)),
                      actor=audit.SYSTEM, state="BFA", pact_ids=(), now=NOW)
    engine.dispose()
    return gone


def test_refresh_streams_live_incidents_out(fresh_database_url: str, tmp_path: Path) -> None:
    gone = _load(fresh_database_url, 300, deleted=12)
    engine = make_engine(fresh_database_url)
    path = tmp_path / "store" / "events.parquet"
    try:
        assert refresh_from_database(engine, path, chunk_rows=64) == 288
        everything = refresh_from_database(engine, tmp_path / "all.parquet",
                                           include_deleted=True)
    finally:
        engine.dispose()
    live = pl.read_parquet(path)
    assert live.schema == SCHEMA and live.height == 288 and everything == 300
    assert not set(gone) & set(live["source_id"]) and not live["deleted"].any()
    assert set(pl.read_parquet(tmp_path / "all.parquet")["source"]) == {"acled"}
    assert pl.read_parquet(tmp_path / "all.parquet")["deleted"].sum() == 12
    assert live["incident_id"].is_sorted() and live["incident_id"].null_count() == 0
    assert [p.name for p in path.parent.iterdir()] == ["events.parquet"]  # no temp file left
    columnar, _ = _store(tmp_path, ACLED_DYADIC)
    same = live.join(columnar, on="source_id", how="left", suffix="_csv")
    for column in set(SHARED) - {"source_id"}:
        assert same[column].equals(same[f"{column}_csv"], check_names=False), column


def test_a_failed_refresh_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    path.write_bytes(b"the previous store")
    empty = create_engine(f"sqlite:///{tmp_path / 'unmigrated.db'}")
    with pytest.raises(Exception, match="incident"):
        refresh_from_database(empty, path)
    empty.dispose()
    assert path.read_bytes() == b"the previous store"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.parquet", "unmigrated.db"]


def _cli(url: str) -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = Settings(env="test", database_url=url)

    root.add_typer(store_cli.app, name="analytics")
    return root


def test_cli_builds_from_csv_and_refreshes(fresh_database_url: str, tmp_path: Path) -> None:
    """`liptako warning store ...`, and `liptako analytics ...`, its former name, alike."""
    runner = CliRunner()
    env = {"LIPTAKO_DATABASE_URL": fresh_database_url}
    out = tmp_path / "events.parquet"
    built = runner.invoke(main_app, ["warning", "store", "build-from-csv", str(ACLED_DYADIC),
                                     "--path", str(out)], env=env)
    assert built.exit_code == 0, built.output
    n = len(event_ids(ACLED_DYADIC))
    assert f"{n} events from {ACLED_DYADIC.name}, wrote {n}, rejected 0" in built.output
    assert pl.read_parquet(out).height == n
    _load(fresh_database_url, 150, deleted=3)
    for command in (["warning", "store"], ["analytics"]):
        out.unlink()
        refreshed = runner.invoke(main_app, [*command, "refresh", "--path", str(out)], env=env)
        assert refreshed.exit_code == 0, refreshed.output
        assert "wrote 147 live events from the registry" in refreshed.output
        assert pl.read_parquet(out).height == 147


def test_cli_refuses_a_file_that_is_not_acled(fresh_database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("id,date\n1,2019-01-01\n", encoding="utf-8")
    result = CliRunner().invoke(_cli(fresh_database_url),
                                ["analytics", "build-from-csv", str(path)])
    assert result.exit_code == 2 and "expected ACLED columns" in result.output
