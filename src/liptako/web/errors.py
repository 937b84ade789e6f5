"""One place maps domain errors to HTTP: {"code", "detail"} bodies."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from liptako.auth.login import TooManyAttempts
from liptako.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Unauthenticated,
)

STATUS_BY_ERROR: dict[type[DomainError], int] = {
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


async def domain_error_json(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = status_for(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        {"code": exc.code, "detail": exc.detail}, status_code=status, headers=headers
    )


def _field_path(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form")]
    return ".".join(parts) or "body"


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        # a body that is not JSON: FastAPI names the character where parsing stopped
        {"field": "body" if e.get("type") == "json_invalid"
         else _field_path(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return JSONResponse(
        {"code": "invalid", "detail": detail, "errors": errors}, status_code=422
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error_json)
    app.add_exception_handler(RequestValidationError, _validation_error)
