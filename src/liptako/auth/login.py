"""Password login with rate limiting per user and per address; every failure is audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.auth.models import LoginAttempt, User
from liptako.auth.service import authenticate
from liptako.core.errors import DomainError, Unauthenticated


class TooManyAttempts(DomainError):
    """Too many failed logins for this user or from this address."""

    code = "rate_limited"


def login(session: Session, *, username: str, password: str, address: str,
          max_failures: int, window_seconds: int, now: dt.datetime) -> User:
    """The user for these credentials, or an error; failures count towards a lock-out."""
    since = now - dt.timedelta(seconds=window_seconds)
    recent = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.at >= since,
        or_(LoginAttempt.username == username, LoginAttempt.address == address))) or 0
    if recent >= max_failures:
        audit.record(session, actor=audit.Actor(None, username[:64], None),
                     action="auth.login_blocked", target_type="user", target_id=None,
                     now=now, detail={"address": address})
        raise TooManyAttempts(f"too many failed logins; try again in {window_seconds // 60} "
                              "minutes")
    user = authenticate(session, username=username, password=password)
    if user is None:
        session.add(LoginAttempt(username=username[:64], address=address[:64], at=now))
        audit.record(session, actor=audit.Actor(None, username[:64], None),
                     action="auth.login_failed", target_type="user", target_id=None, now=now,
                     detail={"address": address})
        raise Unauthenticated("login: wrong user name or password")
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
    audit.record(session, actor=audit.Actor(user.id, user.username, user.state),
                 action="auth.login", target_type="user", target_id=user.id, now=now,
                 detail={"address": address})
    return user
