"""Who is calling: bearer tokens (access or API), or the page session cookie with CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from liptako.assistance.service import Caller
from liptako.audit.service import Actor
from liptako.auth import tokens
from liptako.auth.models import User
from liptako.auth.releasability import Viewer
from liptako.core.clock import utcnow
from liptako.core.config import Settings
from liptako.core.errors import PermissionDenied, Unauthenticated
from liptako.web.deps import SessionDep, SettingsDep

SESSION_COOKIE = "liptako_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user: User
    via: str  # "bearer", "api_token" or "cookie"
    csrf: str | None = None

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.user.id, self.user.state, tuple(self.user.roles))

    @property
    def actor(self) -> Actor:
        return Actor(self.user.id, self.user.username, self.user.state)

    def has_role(self, *roles: str) -> bool:
        return bool(set(roles) & set(self.user.roles))


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="liptako-session")


def make_session_cookie(settings: Settings, user: User) -> tuple[str, str]:
    """The signed cookie value and its CSRF token."""
    csrf = secrets.token_urlsafe(24)
    value = _serializer(settings).dumps({"uid": user.id, "csrf": csrf,
                                         "epoch": user.session_epoch})
    return value, csrf


def read_session_cookie(settings: Settings, value: str) -> dict[str, Any] | None:
    try:
        data = _serializer(settings).loads(value, max_age=settings.session_hours * 3600)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _active(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("token: its user is unknown or inactive")
    return user


def principal_or_none(request: Request, session: Session, settings: Settings) -> Principal | None:
    token = _bearer(request)
    if token is not None:
        if token.startswith(tokens.API_TOKEN_PREFIX):
            return Principal(tokens.user_for_api_token(session, token, now=utcnow()), "api_token")
        claims = tokens.read_access_token(token, secret=settings.secret_key, now=utcnow())
        return Principal(_active(session, claims.user_id), "bearer")
    cookie = request.cookies.get(SESSION_COOKIE)
    data = read_session_cookie(settings, cookie) if cookie else None
    if data is None:
        return None
    user = session.get(User, int(data.get("uid", 0)))
    if user is None or not user.is_active or data.get("epoch") != user.session_epoch:
        return None  # gone, disabled, or signed out since this cookie was issued
    return Principal(user, "cookie", str(data.get("csrf", "")))


def authenticate(request: Request, session: Session, settings: Settings) -> Principal:
    """The caller, or Unauthenticated; a session cookie must come with its CSRF header on a
    request that changes anything."""
    principal = principal_or_none(request, session, settings)
    if principal is None:
        raise Unauthenticated("authentication: expected a bearer token or a session")
    if principal.via == "cookie" and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not principal.csrf or not secrets.compare_digest(sent, principal.csrf):
            raise PermissionDenied("csrf: expected the X-CSRF-Token header of this session")
    request.state.principal = principal
    return principal


# Declares the bearer token of the OAuth2 password flow in the OpenAPI document; the token is
# read by ``authenticate``, beside the pages' session cookie.
BEARER = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def current_principal(request: Request, session: SessionDep, settings: SettingsDep,
                      _declared: Annotated[str | None, Depends(BEARER)]) -> Principal:
    return authenticate(request, session, settings)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def _needs_principal(dependant: Dependant) -> bool:
    return dependant.call is current_principal or any(
        _needs_principal(d) for d in dependant.dependencies)


async def authenticate_first(request: Request) -> None:
    """Authenticate the caller of a route that needs one when its request is refused before
    the route's dependencies ran (FastAPI reads a JSON body first): a caller without valid
    credentials then hears 401 (or 403 for a missing CSRF header), as on any other request,
    rather than what is wrong with its body. Raises what ``authenticate`` raises."""
    route = request.scope.get("route")
    if (getattr(request.state, "principal", None) is not None
            or not isinstance(route, APIRoute) or not _needs_principal(route.dependant)):
        return
    async with request.app.state.session_gate:
        await run_in_threadpool(_authenticate, request)


def _authenticate(request: Request) -> None:
    with request.app.state.session_factory() as session:  # read only: rolled back on close
        authenticate(request, session, request.app.state.settings)


def check_roles(principal: Principal, roles: tuple[str, ...]) -> None:
    if not principal.has_role(*roles):
        raise PermissionDenied(f"role: expected one of {', '.join(roles)}")


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only callers holding one of ``roles``."""

    async def check(principal: CurrentPrincipal) -> Principal:
        check_roles(principal, roles)
        return principal

    return check


def caller(principal: Principal) -> Caller:
    """The caller as the assistance workflow knows it."""
    return Caller(principal.actor, tuple(principal.user.roles))


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
