"""Request-scoped dependencies: the settings and one transaction per request.

A request's session does its work in worker threads, a hop at a time (the handler, then the
commit). Were there more sessions than threads, the threads could all be taken by handlers
waiting for a lock or a connection that a session waiting for a thread to commit holds (on
SQLite every transaction is a writer). So a server process runs at most as many sessions at
once as it has threads for them and connections in its pool (``Settings.db_connections``):
the *session gate*. A request beyond that waits, before it holds anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
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


# C0 controls but tab, line feed and carriage return, DEL, lone surrogates (a JSON string may
# carry one as an escape) and the non-characters U+FFFE/U+FFFF: no field of ours holds them,
# PostgreSQL cannot store NUL or a lone surrogate, and XML 1.0 (EDXL-RM, CAP) allows none
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def control_field(value: Any, path: str = "") -> str | None:
    """The path of the first string in a JSON value that holds a control character, if any
    (keys included), as the API names fields: ``perpetrator.actor``, ``items.0.kind``."""
    if isinstance(value, str):
        return (path or "body") if _CONTROL.search(value) else None
    children: Any = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, child in children:
        here = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and _CONTROL.search(key):
            return here
        found = control_field(child, here)
        if found:
            return found
    return None


async def no_control_characters(request: Request) -> None:
    """Refuses a JSON or form body with a control character in any string with 422 naming
    the field, before any handler sees it. An app-wide dependency: it runs once the body is
    read and before the route's own dependencies, and the caller is authenticated before the
    refusal (see ``web.errors``)."""
    kind = request.headers.get("content-type", "")
    if "json" in kind:
        try:
            field = control_field(json.loads(await request.body()))
        except ValueError:  # not JSON: the route's own validation answers
            return
    elif "application/x-www-form-urlencoded" in kind:
        form = await request.form()  # parsed once: the route reads the same form
        field = next((name for name, value in form.multi_items() if _CONTROL.search(name)
                      or (isinstance(value, str) and _CONTROL.search(value))), None)
    else:
        return
    if field is not None:
        raise RequestValidationError([{
            "type": "control_character", "loc": ("body", field),
            "msg": "expected text without control characters (NUL and the like), lone "
                   "surrogates or non-characters"}])
