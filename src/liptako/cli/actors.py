"""`liptako actors`: the canonical actor registry."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from liptako.cli.common import Format, fail

app = typer.Typer(help="Canonical actors: coverage of a file, look-ups.", no_args_is_help=True)



@app.command("coverage")
def coverage(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="ACLED CSV export."),
    format: Format = typer.Option(Format.text, "--format"),
    show: int = typer.Option(20, help="How many unmapped strings to list."),
) -> None:
    """Share of a file's events whose actors all map to a canonical id (target 95 %)."""
    from liptako.intel.coverage import acled_coverage

    try:
        result = acled_coverage(file)
    except (KeyError, ValueError) as exc:
        fail(f"{file}: {exc}")
    if format is Format.json:
        typer.echo(json.dumps({
            "events": result.events, "mapped_events": result.mapped_events,
            "share": round(result.share, 6),
            "unmapped": [{"raw": raw, "events": n} for raw, n in result.unmapped[:show]],
            "associated_unmapped": [{"raw": raw, "events": n}
                                    for raw, n in result.associated_unmapped[:show]],
        }, ensure_ascii=False))
        return
    typer.echo(result.summary())
    for raw, n in result.unmapped[:show]:
        typer.echo(f"  unmapped main actor: {raw} ({n})")


@app.command("resolve")
def resolve(name: str = typer.Argument(..., help="An actor name in any known form."),
            source: str | None = typer.Option(None, help="acled, ucdp, national or press.")
            ) -> None:
    """Show the canonical actors a name maps to."""
    from liptako.intel.actors import ActorRegistry
    from liptako.intel.normalise import normalise

    matches = normalise(name, source=source)
    if not matches:
        fail(f"actor: no canonical actor for {name!r}", code=1)
    registry = ActorRegistry.load()
    for m in matches:
        actor = registry.get(m.actor_id)
        period = f" period {m.period}" if m.period else ""
        typer.echo(f"{m.actor_id}: {actor.name} ({actor.kind}, {m.attribution}{period})")
