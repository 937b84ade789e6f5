"""User use cases. Each flushes and audits; the caller commits."""

from __future__ import annotations

import datetime as dt
import functools
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.auth.models import User
from liptako.auth.passwords import NO_PASSWORD, hash_password, random_password, verify_password
from liptako.auth.rules import (
    check_password,
    check_roles,
    check_state,
    management_refusal,
)
from liptako.core.errors import Conflict, NotFound, Refused, RuleViolation


def create_user(
    session: Session,
    *,
    username: str,
    password: str | None,
    state: str,
    roles: list[str],
    actor: audit.Actor,
    now: dt.datetime,
    full_name: str | None = None,
) -> User:
    """Create a user bound to one state (or SEC) with its roles.

    ``actor`` is the administrator (the system, from the CLI on the server, may create any
    account): one that may not manage such an account is refused, and the refusal is
    recorded (the caller commits it before answering). An account created without a
    password cannot be logged in to until it is given one.
    """
    try:
        state_code, role_list = check_state(state), check_roles(roles)
        if password is not None:
            check_password(password, username)
    except ValueError as exc:
        raise RuleViolation(str(exc)) from exc
    refusal = None if actor.state is None else management_refusal(actor.state, state_code,
                                                                  role_list)
    if refusal is not None:
        audit.record(session, actor=actor, action="user.create.refused", target_type="user",
                     target_id=None, now=now,
                     detail={"username": username, "state": state_code, "roles": role_list,
                             "reason": refusal})
        raise Refused(refusal)
    if not username or len(username) > 64:
        raise RuleViolation(f"username: expected 1 to 64 characters, got {username!r}")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"username: {username!r} is already taken")
    user = User(
        username=username, state=state_code,
        password_hash=NO_PASSWORD if password is None else hash_password(password),
        roles=role_list, full_name=full_name, created_at=now, is_active=True, locale="fr",
    )
    session.add(user)
    session.flush()
    audit.record(
        session, actor=actor, action="user.create", target_type="user", target_id=user.id,
        now=now, after={"username": username, "state": state_code, "roles": role_list},
    )
    return user


def set_password(session: Session, *, user: User, password: str, actor: audit.Actor,
                 now: dt.datetime) -> None:
    """Give an account a new password; its page sessions end (its access tokens run out)."""
    try:
        check_password(password, user.username)
    except ValueError as exc:
        raise RuleViolation(str(exc)) from exc
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    audit.record(session, actor=actor, action="user.password", target_type="user",
                 target_id=user.id, now=now)


def managed_user(session: Session, user_id: int, *, actor: audit.Actor, action: str,
                 now: dt.datetime) -> User:
    """An account the administrator manages: a member state's administrator, its own state's
    accounts without the secretariat's roles; the secretariat's, every account; the system
    (the CLI on the server), any. Unknown: NotFound; another's: refused, and the refusal
    recorded (``<action>.refused``; the caller commits it)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id}: not found")
    refusal = None if actor.state is None else management_refusal(actor.state, user.state,
                                                                  list(user.roles))
    if refusal is not None:
        audit.record(session, actor=actor, action=f"{action}.refused", target_type="user",
                     target_id=user.id, now=now, detail={"reason": refusal})
        raise Refused(refusal)
    return user


def set_active(session: Session, *, user: User, active: bool, actor: audit.Actor,
               now: dt.datetime) -> User:
    """Disable an account (its page sessions and tokens stop at once) or enable it again.
    An administrator does not disable their own account, nor the last active administrator."""
    if not active and user.id == actor.id:
        raise Conflict(f"user {user.id}: an administrator does not disable their own account")
    if not active and "admin" in user.roles and user.is_active and count_admins(session) <= 1:
        raise Conflict(f"user {user.id}: the last active administrator stays active")
    if user.is_active == active:
        return user
    user.is_active = active
    if not active:
        user.session_epoch += 1
    audit.record(session, actor=actor, action="user.enable" if active else "user.disable",
                 target_type="user", target_id=user.id, now=now,
                 before={"active": not active}, after={"active": active})
    return user


def reset_password(session: Session, *, user: User, actor: audit.Actor,
                   now: dt.datetime) -> str:
    """A new random password for an account, returned once to be handed over (never stored
    in clear); its page sessions end."""
    clear = random_password()
    set_password(session, user=user, password=clear, actor=actor, now=now)
    return clear


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"username: no account {username!r}")
    return user


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with these credentials, else None. An unknown name costs a password
    check too (against a hash of nothing), and so does an account without a password, so
    that timing tells neither which names exist nor which have a password."""
    user = session.scalar(select(User).where(User.username == username))
    usable = user is not None and user.password_hash != NO_PASSWORD
    checked = verify_password(user.password_hash if user and usable else _dummy_hash(),
                              password)
    return user if user is not None and usable and user.is_active and checked else None


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(24))


def count_admins(session: Session) -> int:
    users = session.scalars(select(User).where(User.is_active.is_(True))).all()
    return sum(1 for u in users if "admin" in u.roles)


def list_users(session: Session, *, state: str | None = None) -> list[User]:
    """Every user, or those of one state."""
    stmt = select(User).order_by(User.username)
    if state is not None:
        stmt = stmt.where(User.state == state)
    return list(session.scalars(stmt))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0
