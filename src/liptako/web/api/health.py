"""Liveness (the process answers) and readiness (it can serve: the database answers and its
schema is the code's), without authentication."""

from __future__ import annotations

import anyio
from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from liptako.core import migrate
from liptako.core.config import Settings

router = APIRouter(tags=["health"])
# how long a load balancer should wait before asking a node that is not ready again
RETRY_AFTER_SECONDS = 10


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    reason: str | None = None


@router.get("/health", response_model=Health)
async def get_health() -> Health:
    """``ok`` while the process answers. It does not touch the database: a database outage
    must not make a supervisor restart every server (that is what ``/ready`` tells)."""
    return Health(status="ok")


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
