"""`liptako ingest`: ACLED and UCDP files into the registry, streamed in batches."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import typer

from liptako.cli.common import fail, settings_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from liptako.core.config import Settings
    from liptako.incidents.schemas import EventRecord
    from liptako.ingest.acled import Parsed
    from liptako.ingest.records import RowError
    from liptako.obligations import recording

    Reader = Callable[[BinaryIO], Iterator[Parsed]]

app = typer.Typer(help="Import events from public datasets.", no_args_is_help=True)
# what a spreadsheet would run as a formula (OWASP, CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ERRORS_OPTION = typer.Option(None, "--errors", help="Write rejected rows (line, field, reason) "
                             "to this CSV file.")
STRICT_OPTION = typer.Option(False, "--strict", help="Load nothing if any row is bad (exit 1).")
BATCH_OPTION = typer.Option(5000, "--batch-size", min=1, help="Rows per transaction.")
ALLOW_REJECTS_OPTION = typer.Option(
    False, "--allow-rejects", help="Exit 0 even when most rows were rejected (by default "
    "that exits 1: the file is probably not what was meant).")


@app.command("acled")
def acled(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="ACLED CSV export."),
    errors: Path | None = ERRORS_OPTION,
    strict: bool = STRICT_OPTION,
    allow_rejects: bool = ALLOW_REJECTS_OPTION,
    deletions: Path | None = typer.Option(None, "--deletions", exists=True, dir_okay=False,
                                          help="ACLED deletions file: event ids to mark deleted."),
    batch_size: int = BATCH_OPTION,
) -> None:
    """Import an ACLED export (dyadic or monadic, ISO or '31 July 2019' dates)."""
    from liptako.core.clock import utcnow
    from liptako.ingest.acled import read_acled

    today = utcnow().date()
    _run(ctx, "acled", file, lambda h: read_acled(h, today=today), errors, strict, batch_size,
         allow_rejects)
    if deletions is not None:
        _deletions(ctx, deletions)


@app.command("ucdp")
def ucdp(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="UCDP GED CSV."),
    errors: Path | None = ERRORS_OPTION,
    strict: bool = STRICT_OPTION,
    allow_rejects: bool = ALLOW_REJECTS_OPTION,
    batch_size: int = BATCH_OPTION,
) -> None:
    """Import a UCDP GED or GED Candidate CSV."""
    from liptako.core.clock import utcnow
    from liptako.ingest.ucdp import read_ucdp

    today = utcnow().date()
    _run(ctx, "ucdp", file, lambda h: read_ucdp(h, today=today), errors, strict, batch_size,
         allow_rejects)


def _parsed(file: Path, reader: Reader, label: str) -> Iterator[Parsed]:
    """Parse with a progress bar on the bytes read (silent when not on a terminal); the
    reader gets bytes, so that a byte that is not UTF-8 spoils its row, not the file."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    console = Console(stderr=True)
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), TransferSpeedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as progress, \
            progress.open(file, "rb") as handle:
        yield from reader(handle)


def _run(ctx: typer.Context, source: str, file: Path, reader: Reader, errors: Path | None,
         strict: bool, batch_size: int, allow_rejects: bool = False) -> None:
    from liptako.ingest.records import HeaderInvalid, RowError

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
    except ImportStopped as exc:
        fail(f"{file}: {exc}", code=1)
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
    if s["rejected"] * 2 > s["read"] and not allow_rejects:
        typer.echo(f"{source} {file.name}: most rows were rejected ({s['rejected']} of "
                   f"{s['read']}): is it the right file? --allow-rejects accepts this", err=True)
        raise typer.Exit(1)


def _load(ctx: typer.Context, source: str, file: Path, reader: Reader,
          batch_size: int) -> tuple[recording.ImportCounts, list[RowError]]:
    parsed = _parsed(file, reader, f"{source} {file.name}")
    return load_parsed(settings_of(ctx), parsed, batch_size=batch_size)


class ImportStopped(Exception):
    """The database refused a batch (storage full, unreachable): the batches before it are
    committed, it and those after are not."""

    def __init__(self, counts: recording.ImportCounts, error: Exception) -> None:
        from liptako.core.db import storage_full

        cause = ("the database's storage is full" if storage_full(error)
                 else "the database did not answer")
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
        s = counts.summary()
        super().__init__(
            f"{cause} ({reason}); the import stopped: the batches committed before are "
            f"kept ({s['read']} rows: inserted {s['inserted']}, updated {s['updated']}), "
            "nothing after them; once it is fixed, run the same import again: it adds only "
            "what is missing")


def load_parsed(settings: Settings, parsed: Iterable[Parsed], *,
                batch_size: int) -> tuple[recording.ImportCounts, list[RowError]]:
    """Store parsed records in batches, one committed transaction per batch; a batch the
    database refuses stops the import (``ImportStopped``) with the earlier ones kept."""
    from sqlalchemy.exc import OperationalError

    from liptako.core.db import make_engine, make_session_factory
    from liptako.ingest.records import RowError
    from liptako.obligations import recording

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
    except OperationalError as exc:
        raise ImportStopped(counts, exc) from exc
    finally:
        engine.dispose()
    counts.rejected = len(bad)
    counts.read += len(bad)
    return counts, bad


def _commit_batch(factory: sessionmaker[Session], batch: list[EventRecord],
                  pact_ids: Sequence[str]) -> recording.ImportCounts:
    from liptako.audit.service import SYSTEM
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.obligations import recording

    if not batch:
        return recording.ImportCounts()
    with transaction(factory) as session:
        return recording.record_batch(session, batch, actor=SYSTEM, now=utcnow(),
                                      pact_ids=pact_ids)


def _write_errors(path: Path | None, bad: list[RowError]) -> None:
    """The rejected rows as CSV, every value made inert for a spreadsheet that opens it."""
    if path is None:
        return
    with path.open("w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["line", "source_id", "field", "reason"])
        writer.writeheader()
        writer.writerows({k: neutralised(v) for k, v in err.as_row().items()} for err in bad)


def neutralised(value: str) -> str:
    """``value`` with a quote in front when a spreadsheet would take it for a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _deletions(ctx: typer.Context, file: Path) -> None:
    """ACLED deletions files list event_id_cnty (and the deletion timestamp)."""
    from liptako.audit.service import SYSTEM
    from liptako.core.clock import utcnow
    from liptako.core.db import make_engine, make_session_factory, transaction
    from liptako.ingest import service

    ids = _deletion_ids(file)
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


def _deletion_ids(file: Path) -> list[str]:
    """The ids a deletions file lists; one that is not a UTF-8 CSV is refused whole, as
    marking only part of a withdrawal list would leave withdrawn events looking current."""
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if "event_id_cnty" not in (reader.fieldnames or []):
                fail(f"{file}: expected a column event_id_cnty, got {reader.fieldnames}")
            # an id with a NUL names no stored event, and PostgreSQL refuses it in a query
            return [v for row in reader
                    if (v := (row.get("event_id_cnty") or "").strip()) and "\x00" not in v]
    except (UnicodeDecodeError, csv.Error) as exc:
        fail(f"{file}: expected a UTF-8 CSV of event ids, got {exc}")
