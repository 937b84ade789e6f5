"""Health (the process answers and so does its database: the API contract's fixed point) and
readiness (it can serve: the database answers in time and its schema is the code's), without
authentication."""

from __future__ import annotations

import anyio
from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from liptako.core import migrate
from liptako.core.config import Settings
from liptako.web.deps import SessionDep

router = APIRouter(tags=["health"])
# how long a load balancer should wait before asking a node that is not ready again
RETRY_AFTER_SECONDS = 10


class Health(BaseModel):
    status: str
    database: str


class Ready(BaseModel):
    status: str
    reason: str | None = None


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def get_health(session: SessionDep) -> Health | JSONResponse:
    """``ok`` when the database answers a query."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        session.rollback()
        return JSONResponse({"status": "degraded", "database": "unreachable"}, status_code=503,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return Health(status="ok", database="ok")


@router.get("/ready", response_model=Ready, responses={503: {"model": Ready}})
async def get_ready(request: Request) -> Ready | JSONResponse:
    """``ready`` when the database answers within the settings' timeout and its schema is
    the code's newest revision; else 503 with the reason and ``Retry-After``."""
    settings: Settings = request.app.state.settings
    reason: str | None
    # a thread left waiting on a database that does not answer is abandoned, not awaited
    with anyio.move_on_after(settings.ready_timeout_seconds) as waited:
        reason = await to_thread.run_sync(migrate.unready, request.app.state.engine,
                                          abandon_on_cancel=True)
    if waited.cancelled_caught:
        reason = f"the database did not answer within {settings.ready_timeout_seconds:g} s"
    if reason is not None:
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return Ready(status="ready")
