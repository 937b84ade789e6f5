"""Password login, throttled; every failure is audited.

Attempts are counted under three keys, each reserved by one conditional statement *before*
the password is checked, so that concurrent attempts cannot pass a limit together:

- an address: at most ``max_failures`` attempts in the window, whatever the accounts;
- an account from an address: the same limit, so that a stranger locking an account from
  elsewhere does not lock its owner out of their usual address;
- an account from anywhere: no limit, but a delay that grows with the attempts beyond it
  (a distributed guesser is slowed; the owner still gets in).

A successful login releases what it reserved. Unknown and known user names cost the same
(a password is checked against a dummy hash).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import cast

from sqlalchemy import Table, case, delete, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.auth.models import LoginThrottle, User
from liptako.auth.service import authenticate
from liptako.core.errors import DomainError, Unauthenticated

MAX_DELAY_SECONDS = 8.0


class TooManyAttempts(DomainError):
    """Too many failed logins for this user or from this address."""

    code = "rate_limited"


def login(session: Session, *, username: str, password: str, address: str,
          max_failures: int, window_seconds: int, now: dt.datetime,
          sleep: Callable[[float], None] = time.sleep) -> User:
    """The user for these credentials, or an error (the caller commits either way: the
    attempts reserved and the audit entries must outlive a refusal)."""
    since = now - dt.timedelta(seconds=window_seconds)
    name, place = username[:64], address[:64]
    keys = (f"address:{place}", f"account:{name}|{place}")
    if any(_reserve(session, key, now, since, max_failures) is None for key in keys):
        audit.record(session, actor=audit.Actor(None, name, None),
                     action="auth.login_blocked", target_type="user", target_id=None,
                     now=now, detail={"address": address})
        raise TooManyAttempts(f"too many failed logins; try again in {window_seconds // 60} "
                              "minutes")
    anywhere = _reserve(session, f"account:{name}", now, since, None) or 0
    sleep(delay_after(anywhere, max_failures))
    user = authenticate(session, username=username, password=password)
    if user is None:
        audit.record(session, actor=audit.Actor(None, name, None),
                     action="auth.login_failed", target_type="user", target_id=None, now=now,
                     detail={"address": address})
        raise Unauthenticated("login: wrong user name or password")
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(
        (keys[1], f"account:{name}"))))
    session.execute(update(LoginThrottle).where(LoginThrottle.key == keys[0])
                    .values(attempts=LoginThrottle.attempts - 1))
    audit.record(session, actor=audit.Actor(user.id, user.username, user.state),
                 action="auth.login", target_type="user", target_id=user.id, now=now,
                 detail={"address": address})
    return user


def delay_after(attempts: int, max_failures: int) -> float:
    """Seconds to wait before checking the ``attempts``-th password of an account: none up
    to the limit, then doubling from a quarter of a second, at most MAX_DELAY_SECONDS.

    >>> [delay_after(n, 5) for n in (5, 6, 7, 20)]
    [0.0, 0.25, 0.5, 8.0]
    """
    if attempts <= max_failures:
        return 0.0
    return min(0.25 * 2.0 ** (attempts - max_failures - 1), MAX_DELAY_SECONDS)


def _reserve(session: Session, key: str, now: dt.datetime, since: dt.datetime,
             limit: int | None) -> int | None:
    """Count one more attempt under ``key`` (a new window once the last is over) and return
    the count, or None when the limit was already reached: one statement, so concurrent
    attempts take their turns on the key's row."""
    table = cast(Table, LoginThrottle.__table__)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    fresh = table.c.window_start < since
    stmt = dialect.insert(table).values(key=key, attempts=1, window_start=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"attempts": case((fresh, 1), else_=table.c.attempts + 1),
              "window_start": case((fresh, literal(now, table.c.window_start.type)),
                                   else_=table.c.window_start)},
        where=None if limit is None else (fresh | (table.c.attempts < limit)),
    ).returning(table.c.attempts)
    found = session.execute(stmt).scalar_one_or_none()
    return None if found is None else int(found)
