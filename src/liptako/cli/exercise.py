"""`liptako exercise`: load the command-post exercise again, or clear it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import typer

from liptako.cli.common import fail, progress_bar, settings_of, unit_of_work
from liptako.core.errors import DomainError

if TYPE_CHECKING:
    from liptako.core.config import Settings
    from liptako.exercise import service as exercise

app = typer.Typer(help="The command-post exercise `liptako init` loads: load it again, clear it.",
                  no_args_is_help=True)


def load(settings: Settings) -> exercise.Loaded:
    """Play the exercise's script in one transaction, with a progress bar."""
    from liptako.core.clock import utcnow
    from liptako.exercise import scenario
    from liptako.exercise import service as exercise

    with unit_of_work(settings) as session, progress_bar(f"exercise {scenario.NAME}") as bar:
        task = bar.add_task("exercise", total=exercise.steps())
        return exercise.load_exercise(session, pact_ids=settings.pacts, now=utcnow(),
                                      advance=lambda: bar.advance(task))


def summary(loaded: exercise.Loaded) -> str:
    """What loading made, in one line."""
    from liptako.exercise import scenario

    return (f"exercise {scenario.NAME}: {loaded.reports} reports, {loaded.decisions} "
            f"classification decisions ({loaded.pending} awaiting a second person of the "
            f"secretariat), {loaded.requests} requests for assistance")


def accounts_hint() -> None:
    from liptako.exercise import service as exercise

    typer.echo(f"The exercise is played by {len(exercise.ACCOUNTS)} accounts "
               f"({', '.join(exercise.ACCOUNTS)}) that have no password; give one to log in "
               "as a player: `liptako users set-password --username exercise-mli-liaison "
               "--password-file FILE` to act for Mali. `liptako exercise clear` removes the "
               "exercise.")


@app.command("load")
def load_command(ctx: typer.Context) -> None:
    """Load the exercise (every record marked EXERCISE); refused while one is stored."""
    started = time.monotonic()
    try:
        loaded = load(settings_of(ctx))
    except DomainError as exc:
        fail(exc.detail)
    typer.echo(f"{summary(loaded)}; {time.monotonic() - started:.1f}s")
    accounts_hint()


@app.command("clear")
def clear(ctx: typer.Context) -> None:
    """Remove the exercise's incidents, requests and all that hangs from them, and only them;
    the audit chain keeps its entries and records the clearing."""
    from liptako.audit.service import SYSTEM
    from liptako.core.clock import utcnow
    from liptako.exercise import service as exercise

    started = time.monotonic()
    with unit_of_work(settings_of(ctx)) as session, progress_bar("clearing") as bar:
        task = bar.add_task("clearing", total=exercise.removal_steps())
        removed = exercise.clear_exercise(session, actor=SYSTEM, now=utcnow(),
                                          advance=lambda: bar.advance(task))
    done = ", ".join(f"{name} {n}" for name, n in reversed(removed.items()) if n) \
        or "nothing to remove"
    typer.echo(f"exercise cleared: {done}; {time.monotonic() - started:.1f}s")
