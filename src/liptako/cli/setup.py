"""`liptako init`: migrate, load the shipped reference data, make sure an admin exists."""

from __future__ import annotations

import typer

from liptako.audit.service import SYSTEM
from liptako.auth import service as auth
from liptako.auth.passwords import random_password
from liptako.cli.common import settings_of, unit_of_work
from liptako.core import migrate
from liptako.core.clock import utcnow


def init(
    ctx: typer.Context,
    admin_username: str = typer.Option("admin", help="Name of the first administrator."),
) -> None:
    """Prepare a database for use; safe to run again (nothing is loaded twice)."""
    settings = settings_of(ctx)
    migrate.upgrade(settings)
    with unit_of_work(settings) as session:
        if auth.count_admins(session) == 0:
            password = random_password()
            auth.create_user(
                session, username=admin_username, password=password, state="SEC",
                roles=["admin", "secretariat"], actor=SYSTEM, now=utcnow(),
                full_name="First administrator",
            )
            typer.echo("")
            typer.echo("A first administrator was created. Log in at http://127.0.0.1:8000 with")
            typer.echo(f"  username: {admin_username}")
            typer.echo(f"  password: {password}")
            typer.echo("This password is shown only once: keep it now.")
            typer.echo("")
        else:
            typer.echo("An administrator already exists: log in with the password given then "
                       "(or create another with `liptako users create`).")
