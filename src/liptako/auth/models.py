"""Users and machine tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from liptako.core.db import Base


class User(Base):
    """A person bound to one member state (or the secretariat) with one or more roles."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(3))
    roles: Mapped[list[str]] = mapped_column(JSON)
    full_name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime]
    # page sessions issued before the last logout or password change are refused
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")


class ApiToken(Base):
    """A named, revocable token for a machine; only its hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]


class LoginThrottle(Base):
    """Login attempts counted under one key (an address, an account from an address, an
    account anywhere) since ``window_start``: reserved before the password is checked, so
    that concurrent attempts cannot pass the limit."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int]
    window_start: Mapped[dt.datetime]
