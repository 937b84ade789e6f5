"""`liptako jobs`: the worker's jobs listed, queued by hand, and queued again after failing."""

from __future__ import annotations

import getpass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from liptako.cli.common import fail, settings_of, unit_of_work
from liptako.cli.warning import SCAN_FROM, SCAN_GI_PERMUTATIONS, SCAN_REPLICATIONS, SCAN_TO

if TYPE_CHECKING:
    from liptako.audit.service import Actor

app = typer.Typer(help="The worker's jobs: imports, scans, re-evaluations, periodic work.",
                  no_args_is_help=True)
enqueue_app = typer.Typer(help="Queue a job for the worker (`liptako worker`).",
                          no_args_is_help=True)
app.add_typer(enqueue_app, name="enqueue")
AS_OPTION = typer.Option(None, "--as", metavar="USERNAME",
                         help="Record the job as queued by this account.")


class Status(str, Enum):
    pending = "pending"
    running = "running"
    done = "done"
    failed = "failed"


class Source(str, Enum):
    acled = "acled"
    ucdp = "ucdp"


@app.command("list")
def list_jobs(
    ctx: typer.Context,
    status: Status | None = typer.Option(None, "--status", help="Only jobs in this state."),
    limit: int = typer.Option(50, "--limit", min=1, help="The newest this many."),
) -> None:
    """The newest jobs, with their state, attempts and last error."""
    from liptako.core.clock import utcnow
    from liptako.jobs.service import arguments, jobs, status_of

    now = utcnow()
    with unit_of_work(settings_of(ctx)) as session:
        found = jobs(session, status=status.value if status else None, now=now, limit=limit)
        lines = [(j.id, j.destination, status_of(j, now), j.attempts, arguments(j),
                  j.created_at, (j.options or {}).get("by", "?"), j.last_error) for j in found]
    for job_id, kind, state, attempts, args, created, by, error in lines:
        shown = " ".join(f"{k}={v}" for k, v in sorted(args.items())
                         if k != "sha256" and v is not None)
        typer.echo(f"{job_id:>6} {kind:<10} {state:<8} attempts {attempts:<2} "
                   f"{created:%Y-%m-%d %H:%M:%S} by {by}: {shown}")
        if error:
            typer.echo(f"{'':>6} last error: {error}")
    typer.echo(f"jobs: {len(lines)} shown")


def _queue(ctx: typer.Context, kind: str, args: dict[str, Any], as_user: str | None,
           key: str | None = None) -> None:
    from liptako.cli.warning import actor_of
    from liptako.core.clock import utcnow
    from liptako.core.errors import DomainError
    from liptako.jobs.service import enqueue_job

    try:
        with unit_of_work(settings_of(ctx)) as session:
            actor = _actor(actor_of(session, as_user))
            job, new = enqueue_job(session, kind, args, actor=actor, now=utcnow(), key=key)
            job_id, status = job.id, job.status
    except DomainError as exc:
        fail(exc.detail)
    if new:
        typer.echo(f"job {job_id}: {kind} queued")
    else:
        typer.echo(f"job {job_id}: the same {kind} is already queued ({status}); "
                   f"`liptako jobs retry {job_id}` runs a failed one again")


def _actor(actor: Actor) -> Actor:
    """A command run without --as is the system's, on behalf of the account at the shell."""
    from liptako.audit.service import SYSTEM, Actor

    return Actor(None, f"system ({getpass.getuser()})", None) if actor == SYSTEM else actor


@enqueue_app.command("import")
def enqueue_import(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="ACLED or UCDP CSV."),
    source: Source = typer.Option(..., "--source", help="Whose export it is."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Import a file (the same content queued twice is imported once)."""
    from liptako.jobs.folder import content_hash
    from liptako.jobs.service import import_key

    sha256 = content_hash(file)
    _queue(ctx, "import", {"path": str(file.resolve()), "source": source.value,
                           "sha256": sha256}, as_user, key=import_key(sha256))


@enqueue_app.command("scan")
def enqueue_scan(
    ctx: typer.Context,
    first: str | None = SCAN_FROM,
    last: str | None = SCAN_TO,
    replications: int = SCAN_REPLICATIONS,
    gi_permutations: int = SCAN_GI_PERMUTATIONS,
    as_user: str | None = AS_OPTION,
) -> None:
    """The hotspot scan (as `liptako warning scan`, for every user)."""
    from liptako.core.errors import DomainError
    from liptako.warning.schemas import parse_month

    try:
        for value, option in ((first, "--from"), (last, "--to")):
            if value is not None:
                parse_month(value, option)
    except DomainError as exc:
        fail(exc.detail)
    _queue(ctx, "scan", {"from": first, "to": last, "replications": replications,
                         "gi_permutations": gi_permutations}, as_user)


@enqueue_app.command("reevaluate")
def enqueue_reevaluate(ctx: typer.Context, as_user: str | None = AS_OPTION) -> None:
    """Every live incident re-evaluated against the charter (LIPTAKO_PACTS)."""
    _queue(ctx, "reevaluate", {}, as_user)


@enqueue_app.command("alerts")
def enqueue_alerts(ctx: typer.Context, as_user: str | None = AS_OPTION) -> None:
    """The alert rules evaluated now (the worker also does it every few minutes)."""
    _queue(ctx, "alerts", {}, as_user)


@enqueue_app.command("reports")
def enqueue_reports(ctx: typer.Context, as_user: str | None = AS_OPTION) -> None:
    """The weekly reports that are due, sent now (the worker also checks every hour)."""
    _queue(ctx, "reports", {}, as_user)


@app.command("retry")
def retry(ctx: typer.Context, job_id: int = typer.Argument(..., metavar="ID"),
          as_user: str | None = AS_OPTION) -> None:
    """Queue a failed job again, due now, with its attempts counted afresh."""
    from liptako.cli.warning import actor_of
    from liptako.core.clock import utcnow
    from liptako.core.errors import DomainError
    from liptako.jobs.service import retry_job

    try:
        with unit_of_work(settings_of(ctx)) as session:
            retry_job(session, job_id, actor=_actor(actor_of(session, as_user)), now=utcnow())
    except DomainError as exc:
        fail(exc.detail)
    typer.echo(f"job {job_id}: queued again")
