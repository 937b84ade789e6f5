"""Short-lived signed access tokens for people, and named hashed tokens for machines."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.auth.models import ApiToken, User
from liptako.auth.rules import management_refusal
from liptako.core.errors import NotFound, Refused, Unauthenticated

ALGORITHM = "HS256"
API_TOKEN_PREFIX = "lpt_"  # noqa: S105 - a prefix, not a secret
AUDIENCE = "liptako-api"


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    expires_at: dt.datetime


def issue_access_token(user: User, *, secret: str, minutes: int, now: dt.datetime) -> str:
    """A signed token naming the user; the user's state and roles are read fresh per request."""
    payload = {"sub": str(user.id), "aud": AUDIENCE, "iat": int(now.timestamp()),
               "exp": int((now + dt.timedelta(minutes=minutes)).timestamp()),
               "jti": secrets.token_hex(8)}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def read_access_token(token: str, *, secret: str, now: dt.datetime) -> AccessClaims:
    """The claims of a token this system signed; 401 for any other, an expired one, or one
    whose ``sub`` or ``exp`` is missing or malformed (a signing key shared elsewhere must not
    turn a bad claim into a server error)."""
    try:
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE,
                             options={"verify_exp": False, "require": ["sub", "exp"]})
        user_id, expires_at = int(payload["sub"]), int(payload["exp"])
        expires = dt.datetime.fromtimestamp(expires_at, dt.UTC)
    except (jwt.PyJWTError, TypeError, ValueError, OverflowError, OSError) as exc:
        raise Unauthenticated("token: expected a valid bearer token") from exc
    if expires <= now:
        raise Unauthenticated("token: expired, log in again")
    if not 1 <= user_id <= 2_147_483_647:
        raise Unauthenticated("token: expected a valid bearer token")
    return AccessClaims(user_id=user_id, expires_at=expires)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(session: Session, *, user: User, name: str, actor: audit.Actor,
                     now: dt.datetime) -> tuple[ApiToken, str]:
    """A new machine token; the clear value is returned once and only its hash is kept."""
    clear = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_hash(clear), created_at=now)
    session.add(token)
    session.flush()
    audit.record(session, actor=actor, action="api_token.create", target_type="api_token",
                 target_id=token.id, now=now, after={"name": name, "user_id": user.id})
    return token, clear


def user_for_api_token(session: Session, clear: str, *, now: dt.datetime) -> User:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(clear)))
    if token is None or token.revoked_at is not None:
        raise Unauthenticated("token: unknown or revoked API token")
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("token: its user is inactive")
    token.last_used_at = now
    return user


def revoke_api_token(session: Session, *, token_id: int, owner: User, actor: audit.Actor,
                     now: dt.datetime) -> ApiToken:
    """Revoke a token: the caller's own, or as an administrator one of an account it manages
    (another's is refused, and the refusal recorded: the caller commits it)."""
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != owner.id and "admin" not in owner.roles):
        raise NotFound(f"api token {token_id}: not found")
    holder = session.get(User, token.user_id) if token.user_id != owner.id else owner
    refusal = None if holder is None else management_refusal(owner.state, holder.state, [])
    if refusal is not None:
        audit.record(session, actor=actor, action="api_token.revoke.refused",
                     target_type="api_token", target_id=token.id, now=now,
                     detail={"reason": refusal})
        raise Refused(refusal)
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record(session, actor=actor, action="api_token.revoke", target_type="api_token",
                     target_id=token.id, now=now)
    return token


def list_api_tokens(session: Session, *, owner: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == owner.id)
                                .order_by(ApiToken.id)))
