"""Storage plumbing: the declarative Base, UTC timestamps, engines and sessions."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast

import orjson
from sqlalchemy import (
    ClauseElement,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Row,
    Table,
    create_engine,
    event,
    insert,
    inspect,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value
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


M = TypeVar("M", bound=Base)

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


def json_text(value: Any) -> str:
    """A JSON column's stored text: compact, UTF-8 as it is (orjson: a tenth of the cost of
    the standard library's encoder, which was a twentieth of a report's work), keys that are
    not strings written as strings as the standard library writes them."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str, *, echo: bool = False, pool_size: int = 40) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and the transaction fix."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False},
                               json_serializer=json_text)
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
                         pool_timeout=10, pool_recycle=3600, connect_args={"options": PG_OPTIONS},
                         json_serializer=json_text)


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


# (statement, dialect, parameter style) -> (SQL, default values, positional order)
_Compiled = tuple[str, dict[str, Any], tuple[str, ...] | None]
_COMPILED: dict[tuple[ClauseElement, str, str], _Compiled] = {}


def compiled_args(stmt: ClauseElement, dialect: Dialect,
                  params: dict[str, Any]) -> tuple[str, Any]:
    """The SQL of a *cached* statement for ``dialect`` and its driver arguments.

    ``stmt`` should be a template built once (an ``lru_cache``'d function's result): it is
    compiled once per dialect and parameter style. Values go in as ``params`` (one bound
    parameter per value).
    """
    key = (stmt, dialect.name, dialect.paramstyle)
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


@event.listens_for(Session, "before_flush")
def _number_new_rows(session: Session, _context: object, _instances: object) -> None:
    """On PostgreSQL, give new rows their ids from their table's sequence before the flush.

    Several new rows of one table would otherwise go as one INSERT .. VALUES (..), (..)
    RETURNING id, a statement as long as the batch, which the driver parses anew each time
    (it caches only short statements): for a group commit of 32 reports that parsing was a
    fifth of the work. Numbered first, the rows go as one short INSERT run once per row in
    a pipeline, parsed once (measured 1.40 against 1.83 ms of CPU per report). That is for
    rows the unit of work flushes; rows written past it (:func:`insert_numbered`) go as one
    COPY instead.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    waiting: dict[Any, list[Any]] = {}
    for obj in session.new:
        mapper = inspect(obj).mapper
        key = _serial_key(mapper)
        if key is not None and getattr(obj, key) is None:
            waiting.setdefault(mapper, []).append(obj)
    for mapper, objs in waiting.items():
        if len(objs) < 2:
            continue
        column = mapper.primary_key[0]
        ids = _next_ids(session, column, len(objs))
        if ids is None:  # no sequence behind that key: the INSERT numbers them
            continue
        key = mapper.get_property_by_column(column).key
        for obj, ident in zip(objs, ids, strict=True):
            setattr(obj, key, ident)


def _next_ids(session: Session, column: Column[Any], count: int) -> list[int] | None:
    """``count`` values drawn from the PostgreSQL sequence behind ``column`` (None if none)."""
    ids: list[Any] = list(session.connection().exec_driver_sql(
        f"SELECT nextval(pg_get_serial_sequence('{column.table.name}', "
        f"'{column.name}')) FROM generate_series(1, {count})").scalars())
    return None if None in ids else ids


@functools.cache
def column_keys(model: type[Base]) -> tuple[str, ...]:
    """The attribute names of a model's columns, in table order."""
    return tuple(attr.key for attr in inspect(model).column_attrs)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``, past the unit of work.

    On PostgreSQL they go as one ``COPY .. FROM STDIN``: an INSERT run per row, even in a
    pipeline, costs the driver a send and a read per row (a group commit of 32 reports
    writes 129 rows; as COPYs, 6 % fewer instructions per report, measured). Each value is
    first converted by its column's type, as an INSERT would convert it, and a column left
    out gets the table's own default; a column left out whose default is computed here
    (``Column.default``) makes it an INSERT, which fills it. Elsewhere, one executemany
    INSERT. A failure is raised as SQLAlchemy raises the driver's errors (an
    ``IntegrityError`` for a duplicate key, say).
    """
    if not rows:
        return
    conn = session.connection()
    plan = _copy_plan(table, tuple(rows[0]), conn.dialect) \
        if conn.dialect.name == "postgresql" else None
    if plan is None:
        session.execute(insert(table), rows)
        return
    sql, keys, processors = plan
    driver: Any = conn.connection.driver_connection  # psycopg's connection
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[key] if convert is None else convert(row[key])
                                for key, convert in zip(keys, processors, strict=True)])
    except driver.Error as exc:
        raise DBAPIError.instance(sql, None, exc, type(driver).Error) from exc


_CopyPlan = tuple[str, tuple[str, ...], tuple[Callable[[Any], Any] | None, ...]]


@functools.lru_cache(maxsize=64)
def _copy_plan(table: Table, keys: tuple[str, ...], dialect: Dialect) -> _CopyPlan | None:
    """The COPY statement and the value converters for rows with ``keys``; None when a
    column left out has a default computed on our side."""
    if any(c.default is not None for c in table.columns if c.key not in keys):
        return None
    preparer = dialect.identifier_preparer
    columns = [table.c[key] for key in keys]
    names = ", ".join(preparer.quote(c.name) for c in columns)
    sql = f"COPY {preparer.format_table(table)} ({names}) FROM STDIN"
    return sql, keys, tuple(c.type.dialect_impl(dialect).bind_processor(dialect)
                            for c in columns)


def insert_numbered(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]
                    ) -> list[int]:
    """Insert ``rows`` into a model's table, numbered by its integer key, past the unit of work, and
    return their new ids in the order given (for rows written once and not changed in the same
    transaction: audit-like records, new reports).

    On PostgreSQL the ids are drawn from the sequence first and the rows go with
    :func:`insert_rows` (one COPY); elsewhere one multi-row INSERT .. RETURNING numbers them.
    """
    if not rows:
        return []
    table = cast(Table, model.__table__)
    (key,) = table.primary_key.columns
    if session.get_bind().dialect.name == "postgresql":
        ids = _next_ids(session, key, len(rows))
        if ids is not None:
            insert_rows(session, table, [{**row, key.name: ident}
                                         for row, ident in zip(rows, ids, strict=True)])
            return ids
    numbered = insert(table).returning(key, sort_by_parameter_order=True)
    values: list[Any] = list(session.execute(numbered, list(rows)).scalars())
    return [int(value) for value in values]


def as_stored(session: Session, model: type[M], values: dict[str, Any],
              related: dict[str, Any] | None = None) -> M:
    """The persistent instance of a row written past the unit of work (by
    :func:`insert_numbered`), made without SQL: ``values`` (its key included) go in as loading
    puts them, ``related`` (instances made the same way) as loaded relationships, and it joins
    ``session`` as if it had been read back, without the constructor's attribute events."""
    instance: M = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    for name, value in (related or {}).items():
        set_committed_value(instance, name, value)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def _serial_key(mapper: Any) -> str | None:
    """The attribute of a mapper's single integer key that its table numbers, if any."""
    pk = mapper.primary_key
    if len(pk) != 1 or not isinstance(pk[0].type, Integer):
        return None
    if pk[0] is not pk[0].table._autoincrement_column:
        return None
    key: str = mapper.get_property_by_column(pk[0]).key
    return key
