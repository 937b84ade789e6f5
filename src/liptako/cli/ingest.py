"""`liptako ingest`: ACLED and UCDP files into the registry, streamed in batches."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from sqlalchemy.orm import Session, sessionmaker

from liptako.audit.service import SYSTEM
from liptako.cli.common import fail, settings_of
from liptako.core.clock import utcnow
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory, transaction
from liptako.incidents.schemas import EventRecord
from liptako.ingest import service
from liptako.ingest.acled import HeaderInvalid, Parsed, read_acled
from liptako.ingest.records import RowError
from liptako.ingest.ucdp import read_ucdp
from liptako.obligations import recording

app = typer.Typer(help="Import events from public datasets.", no_args_is_help=True)
Reader = Callable[[TextIO], Iterator[Parsed]]
ERRORS_OPTION = typer.Option(None, "--errors", help="Write rejected rows (line, field, reason) "
                             "to this CSV file.")
STRICT_OPTION = typer.Option(False, "--strict", help="Load nothing if any row is bad (exit 1).")
BATCH_OPTION = typer.Option(5000, "--batch-size", min=1, help="Rows per transaction.")


@app.command("acled")
def acled(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="ACLED CSV export."),
    errors: Path | None = ERRORS_OPTION,
    strict: bool = STRICT_OPTION,
    deletions: Path | None = typer.Option(None, "--deletions", exists=True, dir_okay=False,
                                          help="ACLED deletions file: event ids to mark deleted."),
    batch_size: int = BATCH_OPTION,
) -> None:
    """Import an ACLED export (dyadic or monadic, ISO or '31 July 2019' dates)."""
    today = utcnow().date()
    _run(ctx, "acled", file, lambda h: read_acled(h, today=today), errors, strict, batch_size)
    if deletions is not None:
        _deletions(ctx, deletions)


@app.command("ucdp")
def ucdp(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="UCDP GED CSV."),
    errors: Path | None = ERRORS_OPTION,
    strict: bool = STRICT_OPTION,
    batch_size: int = BATCH_OPTION,
) -> None:
    """Import a UCDP GED or GED Candidate CSV."""
    today = utcnow().date()
    _run(ctx, "ucdp", file, lambda h: read_ucdp(h, today=today), errors, strict, batch_size)


def _parsed(file: Path, reader: Reader, label: str) -> Iterator[Parsed]:
    """Parse with a progress bar on the bytes read (silent when not on a terminal)."""
    console = Console(stderr=True)
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), TransferSpeedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as progress, \
            progress.open(file, "r", encoding="utf-8-sig", newline="") as handle:
        yield from reader(handle)


def _run(ctx: typer.Context, source: str, file: Path, reader: Reader, errors: Path | None,
         strict: bool, batch_size: int) -> None:
    started = time.monotonic()
    try:
        if strict:
            bad = [p for p in _parsed(file, reader, "checking") if isinstance(p, RowError)]
            if bad:
                _write_errors(errors, bad)
                for err in bad[:20]:
                    typer.echo(f"{file}:{err.line}: {err.field}: {err.reason}", err=True)
                typer.echo(f"{source} {file.name}: --strict: {len(bad)} bad row(s), nothing "
                           "loaded", err=True)
                raise typer.Exit(1)
        counts, bad = _load(ctx, source, file, reader, batch_size)
    except HeaderInvalid as exc:
        fail(f"{file}: {exc}")
    except UnicodeDecodeError as exc:
        fail(f"{file}: expected UTF-8 text ({exc.reason} at byte {exc.start})")
    _write_errors(errors, bad)
    for err in bad[:20]:
        typer.echo(f"{file}:{err.line}: {err.field}: {err.reason}", err=True)
    s = counts.summary()
    typer.echo(
        f"{source} {file.name}: read {s['read']}, inserted {s['inserted']}, updated "
        f"{s['updated']}, unchanged {s['unchanged']}, rejected {s['rejected']}; outside their "
        f"country {s['outside_country']} (placed on the nearest unit {s['placed_nearest']}); "
        f"{time.monotonic() - started:.1f}s"
    )


def _load(ctx: typer.Context, source: str, file: Path, reader: Reader,
          batch_size: int) -> tuple[recording.ImportCounts, list[RowError]]:
    parsed = _parsed(file, reader, f"{source} {file.name}")
    return load_parsed(settings_of(ctx), parsed, batch_size=batch_size)


def load_parsed(settings: Settings, parsed: Iterable[Parsed], *,
                batch_size: int) -> tuple[recording.ImportCounts, list[RowError]]:
    """Store parsed records in batches, one committed transaction per batch."""
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    counts, bad, batch = recording.ImportCounts(), [], []
    try:
        for item in parsed:
            if isinstance(item, RowError):
                bad.append(item)
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                counts.add(_commit_batch(factory, batch, settings.pacts))
                batch = []
        counts.add(_commit_batch(factory, batch, settings.pacts))
    finally:
        engine.dispose()
    counts.rejected = len(bad)
    counts.read += len(bad)
    return counts, bad


def _commit_batch(factory: sessionmaker[Session], batch: list[EventRecord],
                  pact_ids: Sequence[str]) -> recording.ImportCounts:
    if not batch:
        return recording.ImportCounts()
    with transaction(factory) as session:
        return recording.record_batch(session, batch, actor=SYSTEM, now=utcnow(),
                                      pact_ids=pact_ids)


def _write_errors(path: Path | None, bad: list[RowError]) -> None:
    if path is None:
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["line", "source_id", "field", "reason"])
        writer.writeheader()
        writer.writerows(err.as_row() for err in bad)


def _deletions(ctx: typer.Context, file: Path) -> None:
    """ACLED deletions files list event_id_cnty (and the deletion timestamp)."""
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        column = "event_id_cnty" if "event_id_cnty" in (reader.fieldnames or []) else None
        if column is None:
            fail(f"{file}: expected a column event_id_cnty, got {reader.fieldnames}")
        ids = [row[column].strip() for row in reader if row.get(column, "").strip()]
    settings = settings_of(ctx)
    engine = make_engine(settings.database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            marked = service.apply_deletions(
                session, "acled", ids, actor=SYSTEM, now=utcnow(),
                reason=f"listed in ACLED deletions file {file.name} "
                       f"({utcnow().date().isoformat()})")
    finally:
        engine.dispose()
    typer.echo(f"deletions {file.name}: listed {len(ids)}, marked deleted {marked}")
