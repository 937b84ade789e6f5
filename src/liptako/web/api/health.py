"""Liveness and database reachability, without authentication."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from liptako.web.deps import run_in_transaction

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


def _ping(session: Session) -> None:
    session.execute(text("SELECT 1"))


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
async def get_health(request: Request) -> Health | JSONResponse:
    """``ok`` when the database answers (one round trip in one worker-thread hop)."""
    try:
        await run_in_transaction(request, _ping)
    except SQLAlchemyError:
        return JSONResponse({"status": "degraded", "database": "unreachable"}, status_code=503)
    return Health(status="ok", database="ok")
