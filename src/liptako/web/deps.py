"""Request-scoped dependencies: the settings and one transaction per request.

A request's session does its work in worker threads, a hop at a time (the handler, then the
commit). Were there more sessions than threads, the threads could all be taken by handlers
waiting for a lock or a connection that a session waiting for a thread to commit holds (on
SQLite every transaction is a writer). So a server process runs at most as many sessions at
once as it has threads for them and connections in its pool (``Settings.db_connections``):
the *session gate*. A request beyond that waits, before it holds anything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, FastAPI, Path, Query, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from liptako.core.config import Settings
from liptako.core.errors import Refused


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def install_session_gate(app: FastAPI, places: int) -> None:
    app.state.session_gate = anyio.Semaphore(places)


def _end(session: Session, *, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request owns the transaction: commit when the handler returns or refuses with a
    recorded refusal (core.errors.Refused), else roll back."""
    gate: anyio.Semaphore = request.app.state.session_gate
    async with gate:
        factory: sessionmaker[Session] = request.app.state.session_factory
        session = factory()
        try:
            yield session
        except Refused:  # the refusal's audit entry outlives the answer
            await run_in_threadpool(_end, session, commit=True)
            raise
        except BaseException:
            await run_in_threadpool(_end, session, commit=False)
            raise
        await run_in_threadpool(_end, session, commit=True)


# scope="function": the commit (and its errors) happen before the response is sent, so a
# client told 201 finds its record, and a failed commit is an error response, not a success
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]

# a stored record's number in a path: beyond the database's integer range it names nothing
# (422), rather than reaching the database as a value it refuses
MAX_ID = 2_147_483_647
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
RecordIdFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
