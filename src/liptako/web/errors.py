"""One place maps errors to HTTP: {"code", "detail"} bodies, with "errors" for invalid fields.

A request refused before its route's dependencies ran (a body that is not JSON, a control
character) is authenticated first, so that a caller without valid credentials hears 401.

A database that cannot be reached (down, restarting, a connection cut, a timeout) is 503 with
``Retry-After``: the request did nothing and may be sent again. Storage that is full (SQLite's
"database or disk is full", PostgreSQL's disk_full) is 507: nothing of the request was kept.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from liptako.auth.login import TooManyAttempts
from liptako.core.db import database_unavailable, storage_full
from liptako.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Unauthenticated,
)
from liptako.web.routes import methods_at
from liptako.web.security import authenticate_first

log = logging.getLogger(__name__)


class FieldError(BaseModel):
    field: str = Field(description="the field, as a dotted path: perpetrator.actor, items.0.kind")
    message: str


class ErrorOut(BaseModel):
    """The body of every error answer."""

    code: str = Field(description="stable: unauthenticated, permission_denied, not_found, "
                      "conflict, invalid, rule_violation, rate_limited, ...")
    detail: str = Field(description="for people: what was expected and what arrived")
    errors: list[FieldError] = Field(default_factory=list,
                                     description="422 for invalid input only: each bad field")


ERROR_DESCRIPTIONS = {
    401: "Not authenticated: no valid bearer token or session (`WWW-Authenticate: Bearer`)",
    403: "Authenticated, but the caller's role or state may not do this (or a session "
         "without its CSRF header)",
    404: "No such record, or one the caller may not see (the same answer)",
    409: "The request clashes with the record's current state",
    422: "Invalid input: `errors` names each bad field; or a rule of the domain refused it",
    429: "Too many failed attempts from this address or for this account; try later",
    503: "The database cannot be reached just now; try again after `Retry-After` seconds",
    507: "The server's storage is full; nothing of the request was kept",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI declarations of the error answers ``statuses``, all with ``ErrorOut``."""
    return {status: {"model": ErrorOut, "description": ERROR_DESCRIPTIONS[status]}
            for status in statuses}


class NotAcceptable(DomainError):
    """The client accepts no media type this resource speaks."""

    code = "not_acceptable"


class UnsupportedMediaType(DomainError):
    """The body is not in the media type this resource takes."""

    code = "unsupported_media_type"


TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"


def _reply(request: Request, body: dict[str, Any], status: int,
           headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The error as JSON; under /taxii2, as TAXII 2.1's error message resource (3.6.1)."""
    if request.url.path.startswith("/taxii2"):
        return JSONResponse({"title": body.get("code", "error"), "description": body["detail"],
                             "http_status": str(status)}, status_code=status, headers=headers,
                            media_type=TAXII_MEDIA_TYPE)
    return JSONResponse(body, status_code=status, headers=headers)


STATUS_BY_ERROR: dict[type[DomainError], int] = {
    NotAcceptable: 406,
    UnsupportedMediaType: 415,
    TooManyAttempts: 429,
    NotFound: 404,
    Conflict: 409,
    RuleViolation: 422,
    PermissionDenied: 403,
    Unauthenticated: 401,
}


def status_for(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


async def domain_error_json(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = status_for(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return _reply(request, {"code": exc.code, "detail": exc.detail}, status, headers)


def _field_path(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form")]
    return ".".join(parts) or "body"


async def validation_error_json(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    try:
        await authenticate_first(request)
    except DomainError as refusal:
        return await domain_error_json(request, refusal)
    errors = [
        # a body that is not JSON: FastAPI names the character where parsing stopped
        {"field": "body" if e.get("type") == "json_invalid"
         else _field_path(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return _reply(request, {"code": "invalid", "detail": detail, "errors": errors}, 422)


CODE_BY_STATUS = {404: "not_found", 405: "method_not_allowed"}


async def http_error_json(request: Request, exc: Exception) -> JSONResponse:
    """The framework's own refusals (no such route, a method the route does not take, a body
    it could not read) in the same body as ours."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:  # a body that is not UTF-8, a form without its boundary: 422
        return await validation_error_json(request, RequestValidationError([
            {"type": "body_unreadable", "loc": ("body",), "msg": str(exc.detail)}]))
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": ", ".join(methods_at(request.app, request.url.path))}
    return _reply(request, {"code": CODE_BY_STATUS.get(exc.status_code, "error"),
                            "detail": str(exc.detail)}, exc.status_code, headers)


# what the database raises when it cannot be reached or does not answer in time (psycopg's
# OperationalError covers a refused or cut connection, a statement or lock timeout, an
# administrator's shutdown; SQLAlchemy's TimeoutError is a pool with no connection to give)
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError,
                                                 DisconnectionError, PoolTimeout)
RETRY_AFTER_SECONDS = 5


def database_refusal(exc: Exception) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The status, body and headers that tell a caller about a database error."""
    if storage_full(exc):
        return 507, {"code": "storage_full", "detail": "the server's storage is full: "
                     "nothing of this request was kept; an operator must free space"}, {}
    return 503, {"code": "database_unavailable", "detail": "the database cannot be reached "
                 f"just now; try again in {RETRY_AFTER_SECONDS} seconds"}, {
        "Retry-After": str(RETRY_AFTER_SECONDS)}


def database_refusal_logged(request: Request, exc: Exception
                            ) -> tuple[int, dict[str, Any], dict[str, str]]:
    """``database_refusal``, with a line in the log for the operator (no traceback: the
    cause is outside the app). An error that is the server's own (SQLite's "no such table")
    goes on as the 500 it is, with its traceback."""
    if not database_unavailable(exc):
        raise exc
    status, body, headers = database_refusal(exc)
    log.warning("%s %s: %d %s: %s", request.method, request.url.path, status, body["code"],
                str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300])
    return status, body, headers


async def database_error_json(request: Request, exc: Exception) -> JSONResponse:
    status, body, headers = database_refusal_logged(request, exc)
    return _reply(request, body, status, headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error_json)
    app.add_exception_handler(RequestValidationError, validation_error_json)
    app.add_exception_handler(HTTPException, http_error_json)
    for error in DATABASE_ERRORS:
        app.add_exception_handler(error, database_error_json)
