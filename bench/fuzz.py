"""No 5xx from bad input: schemathesis against the whole API, 100 examples per operation.

The run of ``tests/web/test_fuzz.py`` (``tests/helpers/fuzz.py``: every operation, every phase,
every check but those it names with its reason) on a bigger budget, as the secretariat's
administrator and as Mali's liaison officer, against the app in this process (ASGI, no
server) on a fresh SQLite database; and on PostgreSQL too when ``LIPTAKO_DATABASE_URL`` names
one (a scratch database is made on that server and dropped at the end). The seeded records are
those of the suite (its cast, one incident per marking, assistance requests at every step);
the fuzzer's own writes are committed, so the second caller meets the first one's records.

Run from the repository root; a few minutes per database::

    .venv/bin/python bench/fuzz.py [--max-examples 100] [--seed 17] [--keep]

Prints one line per database and caller, then a one-line total; exits 1 on any server error,
failed check or error of the run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from rich.console import Console
from rich.progress import Progress, TaskID
from schemathesis.engine import events
from schemathesis.python.asgi import shutdown_lifespans
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from liptako.core import migrate
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory, transaction
from liptako.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the suite's seeding and its schemathesis run

from factories.assistance import seed_assistance  # noqa: E402
from factories.auth import PASSWORD, seed_cast  # noqa: E402
from factories.incidents import seed_markings  # noqa: E402
from helpers.fuzz import EXCLUDED_CHECKS, Tally, fuzz  # noqa: E402

CALLERS = ("admin", "amadou_mli_liaison")
UNIT_PHASES = ("examples", "coverage", "fuzzing")


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="liptako-fuzz-") as tmp:
        yield f"sqlite:///{tmp}/liptako.db"


@contextmanager
def postgres_database(server_url: str, *, keep: bool) -> Iterator[str]:
    """A scratch database on the server of ``server_url``, dropped at the end."""
    server = make_url(server_url)
    name = f"liptako_fuzz_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def seeded_app(url: str) -> FastAPI:
    """The app on a migrated database holding the suite's cast and records."""
    settings = Settings(env="test", database_url=url, secret_key=secrets.token_urlsafe(48),
                        access_token_minutes=240)
    migrate.upgrade(settings)
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        cast = seed_cast(session)
        seed_markings(session)
        seed_assistance(session, cast)
    engine.dispose()
    return create_app(settings)


def bearer(app: FastAPI, username: str) -> dict[str, str]:
    with TestClient(app) as client:
        answer = client.post("/api/v1/auth/token",
                             data={"username": username, "password": PASSWORD})
        answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


class Shown:
    """A progress bar per phase: operations done in the unit phases, scenarios in the
    stateful one."""

    def __init__(self, progress: Progress, label: str, operations: int) -> None:
        self.progress, self.label, self.operations = progress, label, operations
        self.task: TaskID | None = None

    def __call__(self, event: events.EngineEvent) -> None:
        if isinstance(event, events.PhaseStarted) and event.phase.is_enabled:
            name = event.phase.name.value
            if self.task is not None:
                self.progress.remove_task(self.task)
            self.task = self.progress.add_task(
                f"{self.label}: {name}", total=self.operations if name in UNIT_PHASES else None)
        elif isinstance(event, events.ScenarioFinished) and self.task is not None:
            self.progress.advance(self.task)


def run(backend: str, url: str, args: argparse.Namespace, console: Console) -> list[Tally]:
    app = seeded_app(url)
    operations = sum(len(methods) for methods in app.openapi()["paths"].values())
    # every token first: the fuzzer's bad logins soon block logins from this address (429)
    tokens = {caller: bearer(app, caller) for caller in CALLERS}
    tallies = []
    for caller in CALLERS:
        started = time.perf_counter()
        with Progress(console=console, transient=True,
                      disable=not console.is_terminal) as progress:
            shown = Shown(progress, f"{backend} {caller}", operations)
            tally = fuzz(app, caller, tokens[caller], max_examples=args.max_examples,
                         seed=args.seed, progress=shown)
        fewest, least = min(tally.per_operation.items(), key=lambda item: item[1])
        console.print(f"{backend} {tally.summary()} in {time.perf_counter() - started:.0f} s; "
                      f"fewest examples: {least} ({fewest})", highlight=False)
        if not tally.ok:
            console.print(tally.report(), highlight=False, markup=False)
        tallies.append(tally)
    shutdown_lifespans()
    return tallies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-examples", type=int, default=100,
                        help="examples per operation in the fuzzing phase")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    console = Console(soft_wrap=True)
    console.print(f"schemathesis, {args.max_examples} examples per operation, seed {args.seed}; "
                  f"checks left out: {', '.join(sorted(EXCLUDED_CHECKS)) or 'none'}",
                  highlight=False)
    started = time.perf_counter()
    tallies = []
    with sqlite_database() as url:
        tallies += run("sqlite", url, args, console)
    server = os.environ.get("LIPTAKO_DATABASE_URL", "")
    if server.startswith("postgresql"):
        with postgres_database(server, keep=args.keep) as url:
            tallies += run("postgresql", url, args, console)
    else:
        console.print("postgresql: skipped (LIPTAKO_DATABASE_URL names no PostgreSQL database)")
    examples = sum(t.examples for t in tallies)
    server_errors = sum(len(t.server_errors) for t in tallies)
    failures = sum(len(t.failures) for t in tallies)
    errors = sum(len(t.errors) for t in tallies)
    console.print(f"fuzz: {len(tallies)} runs of {max(len(t.operations) for t in tallies)} "
                  f"operations, {examples} examples, {server_errors} server errors, {failures} "
                  f"check failures, {errors} errors in {time.perf_counter() - started:.0f} s",
                  highlight=False)
    return 0 if all(t.ok for t in tallies) else 1


if __name__ == "__main__":
    sys.exit(main())
