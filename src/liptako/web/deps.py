"""Request-scoped dependencies: the settings and one transaction per request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from liptako.core.config import Settings


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """The request owns the transaction: commit when the handler returns, else roll back."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


T = TypeVar("T")


def _transact(scope: AbstractContextManager[Session], work: Callable[[Session], T]) -> T:
    with scope as session:
        return work(session)


async def run_in_transaction(request: Request, work: Callable[[Session], T]) -> T:
    """``work`` in the request's transaction, in one hop to a worker thread (hot paths).

    The same session as :func:`get_session` gives (or what overrides it), with the same
    contract: commit when ``work`` returns, else roll back. Without a thread hop per
    dependency: authentication goes inside ``work``.
    """
    override = request.app.dependency_overrides.get(get_session)
    scope = contextmanager(override)() if override else contextmanager(get_session)(request)
    return await run_in_threadpool(_transact, scope, work)


# scope="function": the commit (and its errors) happen before the response is sent, so a
# client told 201 finds its record, and a failed commit is an error response, not a success
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
