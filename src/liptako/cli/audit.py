"""`liptako audit`: the tamper-evident log."""

from __future__ import annotations

import typer

from liptako.audit.service import verify_chain
from liptako.cli.common import settings_of, unit_of_work

app = typer.Typer(help="Audit log: verify the hash chain.", no_args_is_help=True)


@app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Walk the chain: exit 0 when intact, 1 naming the first broken entry."""
    with unit_of_work(settings_of(ctx)) as session:
        report = verify_chain(session)
    if report.intact:
        typer.echo(f"audit chain intact: {report.entries} entries")
        return
    typer.echo(f"audit chain BROKEN at entry {report.broken_seq}: {report.reason}", err=True)
    raise typer.Exit(1)
