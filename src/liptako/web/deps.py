"""Request-scoped dependencies: the settings and one transaction per request.

Every request that holds a database session first takes a place at the app's *session gate*,
which has as many places as the server has worker threads (and the pool has connections for
at least that many sessions). A session's work runs in worker threads, a hop at a time; without
the gate, requests that hold a connection can wait for a free thread to commit while every
thread waits for a free connection, and the server stalls until the pool times out. With it,
each session needs one thread at a time and at most as many sessions exist as threads, so one
thread is always free for a session that holds a connection or a lock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from liptako.core.config import Settings
from liptako.core.reads import AsyncReads


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def install_session_gate(app: FastAPI, places: int) -> None:
    app.state.session_gate = anyio.Semaphore(places)


def _gate(app: FastAPI) -> anyio.Semaphore:
    gate: anyio.Semaphore = app.state.session_gate
    return gate


def _finish(session: Session, commit: bool) -> None:
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
    """The request owns the transaction: commit when the handler returns, else roll back."""
    async with _gate(request.app):
        factory: sessionmaker[Session] = request.app.state.session_factory
        session = factory()
        try:
            yield session
        except BaseException:
            await run_in_threadpool(_finish, session, False)
            raise
        await run_in_threadpool(_finish, session, True)


T = TypeVar("T")


@contextmanager
def _own_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    session = factory()
    try:
        yield session
    except BaseException:
        _finish(session, False)
        raise
    _finish(session, True)


def _transact(scope: AbstractContextManager[Session], work: Callable[[Session], T]) -> T:
    with scope as session:
        return work(session)


def _override(app: FastAPI) -> Callable[..., Iterator[Session]] | None:
    """The session a test put in place of :func:`get_session`, if any."""
    override: Callable[..., Iterator[Session]] | None = app.dependency_overrides.get(
        get_session)
    return override


def transaction_scope(app: FastAPI) -> AbstractContextManager[Session]:
    """A transaction as a context manager, for work done in one thread hop: the app's own
    session, or the one a test put in place of :func:`get_session`."""
    override = _override(app)
    if override is not None:
        return contextmanager(override)()
    return _own_transaction(app.state.session_factory)


def async_reads(request: Request) -> AsyncReads | None:
    """The process's event-loop reads (PostgreSQL, while the app runs), unless a test put its
    own session in place of the app's: then every read goes through that session."""
    if _override(request.app) is not None:
        return None
    reads: AsyncReads | None = getattr(request.app.state, "async_reads", None)
    return reads


async def run_in_transaction(request: Request, work: Callable[[Session], T]) -> T:
    """``work`` in the request's transaction, in one hop to a worker thread (hot paths).

    The same contract as :func:`get_session`: commit when ``work`` returns, else roll back,
    through the same gate. Without a thread hop per dependency: authentication goes inside
    ``work``.
    """
    return await run_in_app_transaction(request.app, work)


async def run_in_app_transaction(app: FastAPI, work: Callable[[Session], T]) -> T:
    """:func:`run_in_transaction` for work that is not one request's (group commits)."""
    async with _gate(app):
        return await run_in_threadpool(_transact, transaction_scope(app), work)


# scope="function": the commit (and its errors) happen before the response is sent, so a
# client told 201 finds its record, and a failed commit is an error response, not a success
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
