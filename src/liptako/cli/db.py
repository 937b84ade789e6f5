"""`liptako db`: schema migrations."""

from __future__ import annotations

import typer

from liptako.cli.common import settings_of

app = typer.Typer(help="Database schema: migrate and inspect.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context, revision: str = typer.Argument("head")) -> None:
    """Migrate the database named by LIPTAKO_DATABASE_URL to REVISION (default head)."""
    from liptako.core import migrate

    settings = settings_of(ctx, ready=False)
    migrate.upgrade(settings, revision)
    rev, _head = migrate.current(settings)
    typer.echo(f"database at revision {rev}")


@app.command("current")
def current(ctx: typer.Context) -> None:
    """Print the database's revision and the newest one this code knows."""
    from liptako.core import migrate

    rev, head = migrate.current(settings_of(ctx, ready=False))
    state = "up to date" if rev == head else "needs `liptako db upgrade`"
    typer.echo(f"current: {rev or 'none'}\nhead:    {head}\n{state}")
