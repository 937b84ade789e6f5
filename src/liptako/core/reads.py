"""Reads on PostgreSQL straight from the event loop, for the API's hottest read path.

A small pool of asynchronous psycopg connections per server process, in autocommit and
read-only: one round trip per read (no BEGIN/COMMIT), no worker-thread hop, no ORM. It runs
the same cached statements as :func:`liptako.core.db.execute_compiled`, compiled for the
PostgreSQL dialect, so both paths return the same rows, except that text arrives as its
UTF-8 bytes, undecoded: what these reads return is passed on to the client as stored (a page
of the map's features is 50 kB of text, which decoded and encoded again cost a sixth of the
request). SQLite has no such pool: its reads take the worker-thread path.
"""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection, AsyncRawCursor
from psycopg.pq import Format
from psycopg.types.string import ByteaBinaryLoader
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import ClauseElement
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.engine import make_url

from liptako.core.db import PG_OPTIONS, compiled_args

# the engine's own dialect, the same SQL as the worker-thread path, with PostgreSQL's own
# placeholders ($1, ..): the driver sends the statement as it is, where it would otherwise
# rewrite its %(name)s placeholders, anew each time for a statement over 4 kB (a page of a box
# read band by band is one)
_DIALECT = psycopg.dialect(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]


class _ReadConnection(AsyncConnection[tuple[Any, ...]]):
    """A pool connection with the one cursor its reads run on (binary results: numbers and
    dates arrive without text to parse; text as its bytes; statements with $n placeholders),
    made once, not per read."""

    reader: AsyncRawCursor[tuple[Any, ...]]


async def _configure(conn: _ReadConnection) -> None:
    # bytea's binary loader gives a value's bytes as they come (psycopg's C version of it)
    for name in ("text", "varchar", "bpchar"):
        conn.adapters.register_loader(name, ByteaBinaryLoader)
    conn.reader = AsyncRawCursor(conn)
    conn.reader.format = Format.BINARY


class AsyncReads:
    """A pool of read-only autocommit connections; ``open`` and ``close`` on the event loop."""

    def __init__(self, database_url: str, *, size: int) -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self.pool: AsyncConnectionPool[_ReadConnection] = AsyncConnectionPool(
            url.render_as_string(hide_password=False), min_size=min(2, size), max_size=size,
            connection_class=_ReadConnection, open=False, timeout=10, configure=_configure,
            kwargs={"autocommit": True,
                    "options": f"{PG_OPTIONS} -c default_transaction_read_only=on"})

    async def open(self) -> None:
        """Start connecting in the background: a server starts while its database is down."""
        await self.pool.open(wait=False)

    async def close(self) -> None:
        await self.pool.close()

    async def rows(self, stmt: ClauseElement, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The statement's rows; text columns as UTF-8 bytes."""
        sql, args = compiled_args(stmt, _DIALECT, params)
        # taken and given back by hand: the pool's context manager would also open and end a
        # transaction block around the read, which autocommit makes a no-op that costs a lock
        # (a pool connection broken meanwhile is still replaced when it comes back)
        conn = await self.pool.getconn()
        try:
            cursor = await conn.reader.execute(sql, args, prepare=True)
            return await cursor.fetchall()
        finally:
            await self.pool.putconn(conn)
