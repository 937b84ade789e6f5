"""Alembic, driven from code so the CLI and the tests migrate the same way."""

from __future__ import annotations

import functools
from importlib import metadata
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from liptako.core.config import Settings
from liptako.core.db import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations"
# where an installed wheel puts the revisions (pyproject's data-files), under its prefix
INSTALLED_DIR = "share/liptako/migrations"


def migrations_dir() -> Path:
    """The revisions: the checkout's folder, else the copy an installed wheel carries (the
    wheel cannot hold them inside the package while they live beside src/)."""
    if (MIGRATIONS_DIR / "env.py").exists():
        return MIGRATIONS_DIR
    try:
        installed = metadata.distribution("liptako").files or []
    except metadata.PackageNotFoundError:
        installed = []
    for file in installed:
        if file.as_posix().endswith(f"{INSTALLED_DIR}/env.py"):
            return Path(str(file.locate())).resolve().parent
    raise FileNotFoundError(f"migrations: expected {MIGRATIONS_DIR}/env.py in the checkout "
                            f"or {INSTALLED_DIR}/env.py in the installed package")


def alembic_config(settings: Settings) -> Config:
    """An Alembic config pointing at the project's revisions and the settings' database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    cfg.set_main_option(
        "file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s"
    )
    return cfg


def upgrade(settings: Settings, revision: str = "head", *, engine: Engine | None = None) -> None:
    """Migrate the database to ``revision`` (head by default)."""
    cfg = alembic_config(settings)
    own = engine is None
    eng = engine if engine is not None else make_engine(settings.database_url)
    try:
        with eng.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
    finally:
        if own:
            eng.dispose()


def current(settings: Settings) -> tuple[str | None, str | None]:
    """The database's revision and the newest revision the code knows."""
    cfg = alembic_config(settings)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            rev = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    return rev, head


@functools.cache
def code_head() -> str | None:
    """The newest revision the code knows, None without the migrations folder."""
    if not (MIGRATIONS_DIR / "env.py").exists():
        return None
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def unready(engine: Engine) -> str | None:
    """Why the database cannot serve the code now (None: it can): unreachable, or its schema
    at another revision than the code's. On the driver's connection, outside any transaction
    (on SQLite a transaction would wait for the write lock)."""
    driver_error = engine.dialect.loaded_dbapi.Error
    try:
        raw = engine.raw_connection()
        try:
            found = _revision(raw.cursor(), driver_error)
        finally:
            raw.close()
    except (SQLAlchemyError, driver_error) as exc:
        return f"the database is unreachable ({type(getattr(exc, 'orig', None) or exc).__name__})"
    head = code_head()
    if head is not None and found != head:
        return (f"the schema is at revision {found or 'none'}, the code expects {head}: "
                "run `liptako db upgrade`")
    return None


def _revision(cursor: Any, driver_error: type[Exception]) -> str | None:
    """The database's revision (None before the first migration) on a driver's cursor."""
    cursor.execute("SELECT 1")
    try:
        cursor.execute("SELECT version_num FROM alembic_version")
        row = cursor.fetchone()
    except driver_error:  # no version table: never migrated
        row = None
    finally:
        cursor.close()
    return None if row is None else str(row[0])
