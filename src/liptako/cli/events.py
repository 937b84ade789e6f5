"""`liptako events`: the incident registry."""

from __future__ import annotations

import json

import typer

from liptako.cli.common import Format, settings_of, unit_of_work

app = typer.Typer(help="The incident registry.", no_args_is_help=True)



@app.command("stats")
def stats(ctx: typer.Context, format: Format = typer.Option(Format.text, "--format")) -> None:
    """Counts of live events, fatalities, per country, placed on an admin unit, deleted."""
    from liptako.incidents.queries import registry_stats

    with unit_of_work(settings_of(ctx)) as session:
        figures = registry_stats(session)
    if format is Format.json:
        typer.echo(json.dumps(figures, sort_keys=True))
        return
    typer.echo(f"events {figures['events']}, fatalities {figures['fatalities']}, "
               f"with admin-1 {figures['with_admin1']}, deleted {figures['deleted']}")
    for iso3, n in figures["by_country"].items():
        typer.echo(f"  {iso3}: {n}")
