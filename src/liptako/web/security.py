"""Who is calling: bearer tokens (access or API), or the page session cookie with CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from liptako.audit.service import Actor
from liptako.auth import tokens
from liptako.auth.models import User
from liptako.auth.recent import RecentCallers, UserFacts
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
    return _serializer(settings).dumps({"uid": user.id, "csrf": csrf}), csrf


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


def _recent(request: Request) -> RecentCallers:
    recent: RecentCallers = request.app.state.recent_callers
    return recent


def _claims(request: Request, token: str, settings: Settings) -> tokens.AccessClaims:
    """A bearer token's claims: verified once per process, its expiry checked every time."""
    recent = _recent(request)
    claims = recent.claims(token)
    if claims is None:
        claims = tokens.read_access_token(token, secret=settings.secret_key, now=utcnow())
        recent.remember_claims(token, claims)
    elif claims.expires_at <= utcnow():
        raise Unauthenticated("token: expired, log in again")
    return claims


def _recent_claims(request: Request, settings: Settings) -> tokens.AccessClaims | None:
    token = _bearer(request)
    if token is None or token.startswith(tokens.API_TOKEN_PREFIX):
        return None
    claims: tokens.AccessClaims | None = getattr(request.state, "access_claims", None)
    return claims or _claims(request, token, settings)


def _remembered_facts(request: Request, settings: Settings) -> UserFacts | None:
    """What the process remembers of the bearer caller's account, or None."""
    claims = _recent_claims(request, settings)
    return _recent(request).user(claims.user_id) if claims else None


def remembered_principal(request: Request, settings: Settings) -> Principal | None:
    """The bearer caller if the process remembers its account (no database), else None."""
    facts = _remembered_facts(request, settings)
    return Principal(facts.as_user(), "bearer") if facts else None


def remembered_viewer(request: Request, settings: Settings) -> Viewer | None:
    """What :func:`remembered_principal` gives a reader, without building its account
    object (an ORM instance: two thirds of the cost of that lookup), for the hot read path."""
    facts = _remembered_facts(request, settings)
    return Viewer(facts.id, facts.state, facts.roles) if facts else None


def _recent_bearer(request: Request, session: Session, settings: Settings) -> Principal | None:
    """The bearer caller from the process's memory of recent users (hot paths), its account
    read and remembered when it is not there; None for other callers."""
    found = remembered_principal(request, settings)
    claims = None if found else _recent_claims(request, settings)
    if claims is None:
        return found
    facts = UserFacts.of(_active(session, claims.user_id))
    _recent(request).remember_user(facts)
    return Principal(facts.as_user(), "bearer")


def principal_or_none(request: Request, session: Session, settings: Settings) -> Principal | None:
    token = _bearer(request)
    if token is not None:
        if token.startswith(tokens.API_TOKEN_PREFIX):
            return Principal(tokens.user_for_api_token(session, token, now=utcnow()), "api_token")
        claims = _recent_claims(request, settings)  # read by `credentials` first, if it ran
        if claims is None:  # not reached: a bearer token other than an API token has claims
            raise Unauthenticated("token: expected a valid bearer token")
        return Principal(_active(session, claims.user_id), "bearer")
    cookie = request.cookies.get(SESSION_COOKIE)
    data = read_session_cookie(settings, cookie) if cookie else None
    if data is None:
        return None
    user = session.get(User, int(data.get("uid", 0)))
    if user is None or not user.is_active:
        return None
    return Principal(user, "cookie", str(data.get("csrf", "")))


async def credentials(request: Request, settings: SettingsDep) -> None:
    """The checks of :func:`current_principal` that need no database, on the event loop.

    For handlers that authenticate inside :func:`liptako.web.deps.run_in_transaction`: a
    caller without valid credentials gets 401 before its body or parameters are validated.
    """
    token = _bearer(request)
    if token is not None:
        if not token.startswith(tokens.API_TOKEN_PREFIX):
            request.state.access_claims = _claims(request, token, settings)
        return
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or read_session_cookie(settings, cookie) is None:
        raise Unauthenticated("authentication: expected a bearer token or a session")


Credentials = Depends(credentials)


def authenticate(request: Request, session: Session, settings: Settings,
                 roles: tuple[str, ...] = (), *, recent: bool = False) -> Principal:
    """The caller (401 if none, 403 on a missing CSRF header or, when ``roles`` is given,
    a role outside it); for handlers that run their whole transaction in one thread hop.

    ``recent``: a bearer caller's account may come from the process's memory of recent
    users (``LIPTAKO_AUTH_CACHE_SECONDS``; see :mod:`liptako.auth.recent`): for the hot paths.
    """
    found = _recent_bearer(request, session, settings) if recent else None
    principal = found or current_principal(request, session, settings)
    if roles:
        check_roles(principal, roles)
    return principal


def current_principal(request: Request, session: SessionDep,
                      settings: SettingsDep) -> Principal:
    principal = principal_or_none(request, session, settings)
    if principal is None:
        raise Unauthenticated("authentication: expected a bearer token or a session")
    if principal.via == "cookie" and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not principal.csrf or not secrets.compare_digest(sent, principal.csrf):
            raise PermissionDenied("csrf: expected the X-CSRF-Token header of this session")
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def check_roles(principal: Principal, roles: tuple[str, ...]) -> None:
    if not principal.has_role(*roles):
        raise PermissionDenied(f"role: expected one of {', '.join(roles)}")


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only callers holding one of ``roles``."""

    async def check(principal: CurrentPrincipal) -> Principal:
        check_roles(principal, roles)
        return principal

    return check
