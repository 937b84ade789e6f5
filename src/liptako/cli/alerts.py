"""`liptako alerts evaluate`: evaluate the alert rules now (the worker does it periodically)."""

from __future__ import annotations

import json
import time

import typer

from liptako.cli.common import settings_of, unit_of_work

app = typer.Typer(help="Alert rules and alerts.", no_args_is_help=True)


@app.command("evaluate")
def evaluate(ctx: typer.Context,
             fmt: str = typer.Option("text", "--format", help="text or json")) -> None:
    """Evaluate every active rule now: raise, update and end alerts, queue their deliveries
    (which the worker sends). Run it after an import, or from cron without a server."""
    from liptako.alerts.evaluate import Issuer
    from liptako.alerts.evaluate import evaluate as run
    from liptako.cli.common import fail
    from liptako.core.clock import utcnow

    if fmt not in ("text", "json"):
        fail(f"--format: expected text or json, got {fmt!r}")
    settings = settings_of(ctx)
    started = time.monotonic()
    with unit_of_work(settings) as session:
        report = run(session, now=utcnow(), issuer=Issuer.of(settings.site_url))
    summary = {"rules": report.rules, "raised": report.raised, "updated": report.updated,
               "ended": report.ended, "deliveries": report.deliveries,
               "seconds": round(time.monotonic() - started, 2)}
    if fmt == "json":
        typer.echo(json.dumps(summary))
        return
    typer.echo(f"alerts: {report.rules} active rules evaluated in {summary['seconds']} s; "
               f"{len(report.raised)} raised, {len(report.updated)} updated, "
               f"{len(report.ended)} ended; {report.deliveries} deliveries queued")
