"""`liptako users`: accounts."""

from __future__ import annotations

from pathlib import Path

import typer

from liptako.cli.common import fail, settings_of, unit_of_work
from liptako.core.errors import DomainError

app = typer.Typer(help="User accounts: create, list, set a password.", no_args_is_help=True)


@app.command("create")
def create(
    ctx: typer.Context,
    username: str = typer.Option(..., help="Login name."),
    state: str = typer.Option(..., help="Member state ISO3 (BFA, MLI, NER) or SEC."),
    role: list[str] = typer.Option(..., help="Role; repeat for several."),
    password_file: Path = typer.Option(..., help="File whose first line is the password."),
    full_name: str | None = typer.Option(None, help="Display name."),
) -> None:
    """Create a user; the password is read from a file, never from the command line."""
    from liptako.audit.service import SYSTEM
    from liptako.auth import service as auth
    from liptako.core.clock import utcnow

    password = _password(password_file)
    try:
        with unit_of_work(settings_of(ctx)) as session:
            user = auth.create_user(
                session, username=username, password=password, state=state, roles=role,
                actor=SYSTEM, now=utcnow(), full_name=full_name,
            )
            typer.echo(f"created user {user.username} ({user.state}: {', '.join(user.roles)})")
    except DomainError as exc:
        fail(exc.detail)


@app.command("set-password")
def set_password(
    ctx: typer.Context,
    username: str = typer.Option(..., help="Login name."),
    password_file: Path = typer.Option(..., help="File whose first line is the password."),
) -> None:
    """Give an account a new password (read from a file); its page sessions end."""
    from liptako.audit.service import SYSTEM
    from liptako.auth import service as auth
    from liptako.core.clock import utcnow

    password = _password(password_file)
    try:
        with unit_of_work(settings_of(ctx)) as session:
            user = auth.find_user(session, username)
            auth.set_password(session, user=user, password=password, actor=SYSTEM,
                              now=utcnow())
    except DomainError as exc:
        fail(exc.detail)
    typer.echo(f"password of {username} changed; its page sessions are ended")


@app.command("reset-password")
def reset_password(
    ctx: typer.Context,
    username: str = typer.Option(..., help="Login name."),
) -> None:
    """Give an account a new random password, printed once (a forgotten administrator's
    password, on the server); its page sessions end."""
    from liptako.audit.service import SYSTEM
    from liptako.auth import service as auth
    from liptako.core.clock import utcnow

    try:
        with unit_of_work(settings_of(ctx)) as session:
            user = auth.find_user(session, username)
            clear = auth.reset_password(session, user=user, actor=SYSTEM, now=utcnow())
    except DomainError as exc:
        fail(exc.detail)
    typer.echo(f"new password of {username} (shown once): {clear}")


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List users with their state and roles."""
    from liptako.auth import service as auth
    from liptako.auth.passwords import NO_PASSWORD

    with unit_of_work(settings_of(ctx)) as session:
        for user in auth.list_users(session):
            status = "" if user.is_active else " (inactive)"
            status += " (no password)" if user.password_hash == NO_PASSWORD else ""
            typer.echo(f"{user.username:<24} {user.state:<4} {','.join(user.roles)}{status}")


def _password(path: Path) -> str:
    """The first line of a password file."""
    try:
        return path.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError) as exc:
        fail(f"--password-file {path}: expected a readable file with a password ({exc})")
