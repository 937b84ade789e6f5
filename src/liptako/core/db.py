"""Storage plumbing: the declarative Base, UTC timestamps, engines and sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import ClauseElement, DateTime, Engine, MetaData, Row, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite keeps no zone; PostgreSQL keeps ``timestamptz``. Naive values are refused so that
    local times never slip in unnoticed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"expected a timezone-aware datetime, got naive {value!r}")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """The one declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and begins too late; take it over.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    # IMMEDIATE: take the write lock at the start. A deferred transaction that read first
    # cannot upgrade to writing once another has committed meanwhile ("database is locked",
    # with no wait); SQLite has one writer at a time either way.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


# A lock wait fails after 5 s instead of piling requests up.
PG_OPTIONS = "-c lock_timeout=5s"


def make_engine(url: str, *, echo: bool = False, pool_size: int = 40) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and the transaction fix."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    # Prepared statements get PostgreSQL's own choice of a custom or a generic plan: with the
    # page-order index, the generic plan of the map's query reads the same rows as a custom
    # one and saves planning on every request. The pool has room for the server's sessions.
    # No ping before each checkout (a round trip per request on the hot paths): a connection
    # found dead fails its request, and SQLAlchemy then drops every pooled connection older
    # than it, so a database restart costs one failed request per server process.
    return create_engine(url, echo=echo, pool_size=pool_size, max_overflow=10,
                         pool_timeout=10, pool_recycle=3600, connect_args={"options": PG_OPTIONS})


# a session option: audit entries are sealed into the chain at commit (see liptako.audit)
AUDIT_AT_COMMIT = "liptako.audit_at_commit"


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that do not expire objects on commit (the request owns the transaction) and
    seal their audit entries into the chain at commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True,
                        info={AUDIT_AT_COMMIT: True})


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# (statement, dialect) -> (SQL, default values, positional order)
_COMPILED: dict[tuple[ClauseElement, str], tuple[str, dict[str, Any], tuple[str, ...] | None]] = {}


def compiled_args(stmt: ClauseElement, dialect: Dialect,
                  params: dict[str, Any]) -> tuple[str, Any]:
    """The SQL of a *cached* statement for ``dialect`` and its driver arguments.

    ``stmt`` should be a template built once (an ``lru_cache``'d function's result): it is
    compiled once per dialect. Values go in as ``params`` (one bound parameter per value).
    """
    key = (stmt, dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        compiled = stmt.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("execute_compiled: expanding IN parameters need their values at "
                             "compile time; use one bindparam per value")
        positions = getattr(compiled, "positiontup", None)
        if len(_COMPILED) >= 2048:
            _COMPILED.clear()
        found = _COMPILED[key] = (compiled.string, dict(compiled.params),
                                  tuple(positions) if positions else None)
    sql, defaults, order = found
    values = {**defaults, **params}
    return sql, tuple(values[name] for name in order) if order else values


def execute_compiled(session: Session, stmt: ClauseElement,
                     params: dict[str, Any]) -> Sequence[Row[Any]]:
    """Rows of a *cached* statement run as its compiled SQL, past the ORM (hot read paths).

    See :func:`compiled_args`; columns come back as the driver gives them (on SQLite, dates
    are ISO strings).
    """
    conn = session.connection()
    sql, args = compiled_args(stmt, conn.dialect, params)
    return conn.exec_driver_sql(sql, args).all()
