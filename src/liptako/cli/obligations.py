"""`liptako charter reevaluate`: the stored determinations of every incident, refreshed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from liptako.cli.common import fail, settings_of

if TYPE_CHECKING:
    from liptako.core.config import Settings


def reevaluate(
    ctx: typer.Context,
    all_: bool = typer.Option(False, "--all", help="Every live incident (required)."),
    batch_size: int = typer.Option(2000, "--batch-size", min=1, help="Incidents per batch."),
) -> None:
    """Re-evaluate stored incidents against the configured pacts (LIPTAKO_PACTS)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    if not all_:
        fail("reevaluate: expected --all (re-evaluating a subset is done by the events' own "
             "updates)")
    started = time.monotonic()
    console = Console(stderr=True)
    columns = (TextColumn("[bold]re-evaluating"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not console.is_terminal) as progress:
        task = progress.add_task("incidents", total=None)
        line = reevaluate_all(settings_of(ctx), batch_size=batch_size,
                              progress=lambda done, total: progress.update(
                                  task, completed=done, total=total))
    typer.echo(f"{line}; {time.monotonic() - started:.1f}s")


def reevaluate_all(settings: Settings, *, batch_size: int = 2000,
                   progress: Callable[[int, int], None] | None = None) -> str:
    """Every live incident re-evaluated, one committed transaction per batch (a run cut
    short is simply run again: an evaluation that changes nothing stores nothing); the
    summary line."""
    from sqlalchemy import func, select

    from liptako.audit.service import SYSTEM
    from liptako.core.clock import utcnow
    from liptako.core.db import make_engine, make_session_factory, transaction
    from liptako.incidents.models import Incident
    from liptako.obligations import service as obligations

    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        with factory() as session:
            ids = list(session.scalars(select(Incident.id).where(Incident.deleted_at.is_(None))
                                       .order_by(Incident.id)))
        total = obligations.EvaluationCounts()
        for start in range(0, len(ids), batch_size):
            with transaction(factory) as session:
                chunk = obligations.load_incidents(session, ids[start:start + batch_size])
                counts = obligations.evaluate_incidents(
                    session, chunk, pact_ids=settings.pacts, actor=SYSTEM, now=utcnow())
            total.add(counts)
            if progress is not None:
                progress(min(start + batch_size, len(ids)), len(ids))
        with factory() as session:
            live = session.scalar(select(func.count()).select_from(Incident)
                                  .where(Incident.deleted_at.is_(None)))
    finally:
        engine.dispose()
    return (f"re-evaluated {total.evaluated} of {live} live incidents against "
            f"{', '.join(settings.pacts)}: {total.changed} changed, {total.duties_opened} "
            f"duties opened, {total.duties_lapsed} lapsed, {total.cases_opened} compliance "
            f"cases opened")
