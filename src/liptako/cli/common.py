"""What every command shares: settings from the context, sessions, error exits."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory, transaction


def settings_of(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    settings = root.obj
    assert isinstance(settings, Settings), "the root callback sets the settings"
    return settings


@contextmanager
def unit_of_work(settings: Settings) -> Iterator[Session]:
    """One transaction on the configured database, committed when the block ends cleanly."""
    engine = make_engine(settings.database_url, echo=settings.sql_echo)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error on stderr and exit (2 for bad input)."""
    typer.echo(f"error: {message}", err=True)
    sys.stdout.flush()
    raise typer.Exit(code)


@contextmanager
def progress_bar(label: str) -> Iterator[Progress]:
    """A progress bar on stderr, silent when not on a terminal."""
    console = Console(stderr=True)
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        yield progress
