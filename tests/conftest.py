"""Shared fixtures: a migrated database per backend per run, a rolled-back transaction per test.

Every test that asks for ``session`` (or anything built on it) runs once on SQLite and once on
PostgreSQL when a server answers (``LIPTAKO_TEST_POSTGRES_URL``, else 127.0.0.1:5432). In CI
(``CI=true``) a missing PostgreSQL is an error, never a silent skip.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from liptako.core import migrate
from liptako.core.config import Settings
from liptako.core.db import make_engine

pytest_plugins = ["helpers.web"]

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_server_url() -> str | None:
    url = os.environ.get("LIPTAKO_TEST_POSTGRES_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return DEFAULT_PG
    except OSError:
        if os.environ.get("CI") == "true":
            raise RuntimeError(
                "CI: expected PostgreSQL on 127.0.0.1:5432 (or LIPTAKO_TEST_POSTGRES_URL)"
            ) from None
        return None


PG_SERVER = _postgres_server_url()
BACKENDS = ["sqlite", "postgresql"] if PG_SERVER else ["sqlite"]


class PgDatabases:
    """Creates throw-away databases on the PostgreSQL server and drops them at the end."""

    def __init__(self, server_url: str) -> None:
        self.server = make_url(server_url)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self, template: str | None = None) -> str:
        name = f"liptako_test_{uuid.uuid4().hex[:12]}"
        tmpl = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{tmpl}'))
        self.created.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in reversed(self.created):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases | None]:
    if PG_SERVER is None:
        yield None
        return
    dbs = PgDatabases(PG_SERVER)
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_databases: PgDatabases | None,
) -> str:
    """A freshly migrated database for this run, one per backend."""
    return _migrated(request.param, tmp_path_factory, pg_databases)


def _migrated(backend: str, tmp_path_factory: pytest.TempPathFactory,
              pg_databases: PgDatabases | None) -> str:
    """A new database of ``backend`` ("sqlite" or "postgresql") at the newest revision."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'liptako.db'}"
    else:
        assert pg_databases is not None
        url = pg_databases.create()
    migrate.upgrade(Settings(env="test", database_url=url))
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(env="test", database_url=database_url, secret_key="t" * 40)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    sess = Session(bind=connection, join_transaction_mode="create_savepoint",
                   expire_on_commit=False)
    try:
        yield sess
    finally:
        sess.close()
        outer.rollback()
        connection.close()


@pytest.fixture(scope="session")
def migrated_template(
    database_url: str, tmp_path_factory: pytest.TempPathFactory,
    pg_databases: PgDatabases | None,
) -> str:
    """An empty database of the run's backend migrated once, that fresh databases copy
    (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL): running every
    revision again for each test that commits would cost most of those tests' time."""
    return _migrated(make_url(database_url).get_backend_name(), tmp_path_factory, pg_databases)


@pytest.fixture
def fresh_database_url(
    migrated_template: str, tmp_path: Path, pg_databases: PgDatabases | None
) -> str:
    """An empty, migrated database of the same backend for tests that commit (CLI, server)."""
    if migrated_template.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        with closing(sqlite3.connect(migrated_template.split("///", 1)[1])) as source, \
                closing(sqlite3.connect(url.split("///", 1)[1])) as target:
            source.backup(target)
        return url
    assert pg_databases is not None
    return pg_databases.create(template=make_url(migrated_template).database)
    assert pg_databases is not None
    url = pg_databases.create()
    migrate.upgrade(Settings(env="test", database_url=url))
    return url
