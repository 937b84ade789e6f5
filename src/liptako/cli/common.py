"""What every command shares: settings from the context, sessions, error exits."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, NoReturn

import typer

from liptako.core.config import Settings

if TYPE_CHECKING:
    from rich.progress import Progress
    from sqlalchemy.orm import Session

    from liptako.auth.models import User


class Format(str, Enum):
    """``--format`` of the commands that print figures: text for people, json for machines."""

    text = "text"
    json = "json"


def settings_of(ctx: typer.Context, *, ready: bool = True) -> Settings:
    """The settings the root callback read; with ``ready``, the database must exist and be
    migrated to the newest revision, else the command stops with one line saying what to run
    (exit 2) instead of creating an empty file or failing on a missing table."""
    import liptako.models  # noqa: F401 - every table mapped before a command uses the ORM

    root = ctx.find_root()
    settings = root.obj
    assert isinstance(settings, Settings), "the root callback sets the settings"
    if ready and not root.meta.get("database_ready"):
        check_ready(settings)
        root.meta["database_ready"] = True
    return settings


def check_ready(settings: Settings) -> None:
    from sqlalchemy.exc import OperationalError

    from liptako.core import migrate

    path = settings.sqlite_path()
    if path is not None and not path.exists():
        fail(f"database {path} does not exist: run `liptako init` (or `liptako db upgrade`) "
             "first, or set LIPTAKO_DATABASE_URL or LIPTAKO_HOME to where it is")
    try:
        revision, head = migrate.current(settings)
    except OperationalError as exc:
        fail(f"database {db_where(settings)}: cannot be opened ({exc.orig})")
    if revision != head:
        fail(f"database {db_where(settings)} is at revision {revision or 'none'}, the code at "
             f"{head}: run `liptako db upgrade`")


def db_where(settings: Settings) -> str:
    """The database the settings name, as a message says it (its file, or its URL without
    the password)."""
    from sqlalchemy import make_url

    return str(settings.sqlite_path() or make_url(settings.database_url)
               .render_as_string(hide_password=True))


@contextmanager
def unit_of_work(settings: Settings) -> Iterator[Session]:
    """One transaction on the configured database, committed when the block ends cleanly."""
    from liptako.core.db import make_engine, make_session_factory, transaction

    engine = make_engine(settings.database_url, echo=settings.sql_echo)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def active_account(session: Session, username: str, option: str) -> User:
    """The account named after ``option``, refused when it is disabled."""
    from liptako.auth.service import find_user
    from liptako.core.errors import RuleViolation

    user = find_user(session, username)
    if not user.is_active:
        raise RuleViolation(f"{option}: expected an active account, got {username!r} (disabled)")
    return user


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error on stderr and exit (2 for bad input)."""
    typer.echo(f"error: {message}", err=True)
    sys.stdout.flush()
    raise typer.Exit(code)


@contextmanager
def progress_bar(label: str) -> Iterator[Progress]:
    """A progress bar on stderr, silent when not on a terminal."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        yield progress
