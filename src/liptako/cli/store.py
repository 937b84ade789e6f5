"""`liptako warning store` (also `liptako analytics`): the Parquet analytics store, from the
registry or straight from ACLED."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from liptako.cli.common import fail, progress_bar, settings_of

app = typer.Typer(help="The analytics store: events as Parquet for hotspots and forecasts.",
                  no_args_is_help=True)
DEFAULT_PATH = Path("var/analytics/events.parquet")
PATH_OPTION = typer.Option(DEFAULT_PATH, "--path", dir_okay=False,
                           help="The Parquet file to (re)write.")


@app.command("refresh")
def refresh(
    ctx: typer.Context,
    path: Path = PATH_OPTION,
    include_deleted: bool = typer.Option(False, "--include-deleted",
                                         help="Keep deleted events (flagged in 'deleted')."),
) -> None:
    """Rewrite the store from the registry's incidents."""
    from sqlalchemy import func, select

    from liptako.core.db import make_engine
    from liptako.incidents.models import Incident
    from liptako.warning.store import refresh_from_database

    settings = settings_of(ctx)
    started = time.monotonic()
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            query = select(func.count()).where(Incident.exercise.is_(False))
            if not include_deleted:
                query = query.where(Incident.deleted_at.is_(None))
            total = int(conn.scalar(query) or 0)
        with progress_bar("refresh") as bar:
            task = bar.add_task("refresh", total=total)
            written = refresh_from_database(engine, path, include_deleted=include_deleted,
                                            progress=lambda n: bar.advance(task, n))
    finally:
        engine.dispose()
    kind = "events" if include_deleted else "live events"
    typer.echo(f"store {path}: wrote {written} {kind} from the registry; "
               f"{time.monotonic() - started:.1f}s")


@app.command("build-from-csv")
def build_from_csv(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="ACLED CSV export."),
    path: Path = PATH_OPTION,
) -> None:
    """Build the store straight from an ACLED export (fast path, no registry)."""
    from liptako.core.clock import utcnow
    from liptako.ingest.acled import HeaderInvalid
    from liptako.warning.store_acled import csv_to_parquet

    with progress_bar(file.name) as bar:
        task = bar.add_task(file.name, total=None)
        try:
            summary = csv_to_parquet(file, path, today=utcnow().date(),
                                     progress=lambda n: bar.advance(task, n))
        except HeaderInvalid as exc:
            fail(f"{file}: {exc}")
    for err in summary.errors[:20]:
        typer.echo(f"{file}:{err.line}: {err.field}: {err.reason}", err=True)
    typer.echo(
        f"store {path}: {summary.events} events from {file.name}, wrote {summary.written}, "
        f"rejected {summary.rejected}; outside their country {summary.outside_country} (placed "
        f"on the nearest unit {summary.placed_nearest}, unplaced {summary.unplaced}); "
        f"{summary.seconds:.1f}s"
    )
