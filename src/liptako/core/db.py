"""Storage plumbing: the declarative Base, UTC timestamps, engines and sessions."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import orjson
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
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


def _postgresql_on_begin(statement_ms: int) -> Callable[[Any], None]:
    def on_begin(conn: Any) -> None:
        # A lock wait fails after 5 s instead of piling requests up, a statement after
        # ``statement_ms`` (0: never). Set per transaction, not as a connection option: a
        # pooler in transaction mode (PgBouncer) refuses startup options and hands each
        # transaction another server connection.
        # (on the driver's own cursor: a transaction begun for a streamed read would
        # otherwise run it on a server-side cursor, which takes only queries)
        dbapi_error = conn.dialect.loaded_dbapi.Error
        try:
            cursor = conn.connection.cursor()
            try:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
                if statement_ms:
                    cursor.execute(f"SET LOCAL statement_timeout = {int(statement_ms)}")
            finally:
                cursor.close()
        except dbapi_error as exc:
            # the driver's own error, as SQLAlchemy would have wrapped it (a connection the
            # database cut since the pool handed it out is an OperationalError, as anywhere)
            raise DBAPIError.instance("SET LOCAL", None, exc, dbapi_error,
                                      dialect=conn.dialect) from exc
    return on_begin


DISK_FULL_SQLSTATE = "53100"


# what SQLite says when it cannot serve just now, as against a question it cannot answer
# ("no such table", a syntax error), which it raises with the same exception class
_SQLITE_UNAVAILABLE = ("database is locked", "database table is locked", "unable to open",
                       "disk i/o error", "database or disk is full", "readonly database")


def database_unavailable(error: BaseException) -> bool:
    """Whether a database error says the database cannot serve just now (a refused or cut
    connection, a timeout, a lock, a full disk) rather than that the code asked it something
    wrong: SQLite's "no such table" (a missed migration, a bug) is the server's fault."""
    orig = getattr(error, "orig", None)
    if isinstance(orig, sqlite3.Error):
        return any(m in str(orig).lower() for m in _SQLITE_UNAVAILABLE)
    return True


def storage_full(error: BaseException) -> bool:
    """Whether a database error says its storage is full: SQLite's SQLITE_FULL ("database or
    disk is full"), PostgreSQL's disk_full."""
    orig = getattr(error, "orig", None)
    return (getattr(orig, "sqlstate", None) == DISK_FULL_SQLSTATE
            or "database or disk is full" in str(orig or error))


def json_text(value: Any) -> str:
    """A JSON column's stored text: compact, UTF-8 as it is, keys that are not strings
    written as strings as the standard library writes them."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10, max_overflow: int = 5,
                prepared_statements: bool = False, connect_timeout: int = 10,
                statement_timeout: float = 0, pre_ping: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and the transaction fix.

    On PostgreSQL the pool holds ``pool_size`` connections and opens at most
    ``max_overflow`` more under a burst. Server-side prepared statements stay off unless
    asked for: a pooler in transaction mode hands each transaction another server
    connection, where a statement prepared on the last one does not exist. Opening a
    connection gives up after ``connect_timeout`` seconds, a statement after
    ``statement_timeout`` (0: never); with ``pre_ping`` each connection is tested as the pool
    hands it out.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False},
                               json_serializer=json_text)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    # Without the ping a connection found dead fails its request, and the pool then drops
    # every connection older than it.
    connect_args: dict[str, Any] = {"connect_timeout": connect_timeout}
    if not prepared_statements:
        connect_args["prepare_threshold"] = None
    engine = create_engine(url, echo=echo, pool_size=pool_size, max_overflow=max_overflow,
                           pool_recycle=3600, pool_pre_ping=pre_ping, connect_args=connect_args,
                           json_serializer=json_text)
    event.listen(engine, "begin", _postgresql_on_begin(round(statement_timeout * 1000)))
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that do not expire objects on commit: what a request or command read stays
    readable after its transaction ends."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


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


