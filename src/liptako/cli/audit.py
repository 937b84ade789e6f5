"""`liptako audit`: the tamper-evident log: verify the chain, anchor its head."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from liptako.cli.common import fail, settings_of, unit_of_work

if TYPE_CHECKING:
    from liptako.audit.service import Anchor

app = typer.Typer(help="Audit log: verify the hash chain, anchor its head.",
                  no_args_is_help=True)
ANCHOR_OPTION = typer.Option(None, "--anchor", help="An anchor printed earlier by `liptako "
                             "audit anchor`: fail unless the chain still reaches it.")


@app.command("verify")
def verify(ctx: typer.Context, anchor_file: Path | None = ANCHOR_OPTION) -> None:
    """Walk the chain: exit 0 when intact (and reaching the anchor), 1 naming what broke."""
    from liptako.audit.service import reaches, verify_chain

    mark = _read_anchor(anchor_file) if anchor_file else None
    with unit_of_work(settings_of(ctx)) as session:
        report = verify_chain(session)
        cut = reaches(session, mark) if mark else None
    if not report.intact:
        typer.echo(f"audit chain BROKEN at entry {report.broken_seq}: {report.reason}",
                   err=True)
        raise typer.Exit(1)
    if cut:
        typer.echo(f"audit chain BROKEN: {cut}", err=True)
        raise typer.Exit(1)
    reached = f", reaching the anchor at entry {mark.seq}" if mark else ""
    typer.echo(f"audit chain intact: {report.entries} entries{reached}")


@app.command("anchor")
def print_anchor(ctx: typer.Context) -> None:
    """Print the chain's head (entry number and hash) as JSON, to keep outside the database:
    `liptako audit verify --anchor FILE` later fails if the chain no longer reaches it."""
    from liptako.audit import service

    with unit_of_work(settings_of(ctx)) as session:
        typer.echo(json.dumps(service.anchor(session).as_dict()))


def _read_anchor(path: Path) -> Anchor:
    from liptako.audit.service import Anchor

    try:
        return Anchor.parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        fail(f"{path}: {exc}")
