"""Analysts' edits over the shipped actor registry: added aliases and lineage links.

The registry itself is data shipped with the code (``data/actors.yaml``); these tables hold
what analysts add to it. A removal is soft (``removed_at``): the row stays, so the page and
the audit can say who added and who removed a name.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from liptako.core.db import Base


class ActorAlias(Base):
    """A name an analyst added to a canonical actor, in one language, maybe for a time."""

    __tablename__ = "actor_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(300))
    lang: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    removed_by_name: Mapped[str | None] = mapped_column(String(64))
    removed_at: Mapped[dt.datetime | None]


class ActorLink(Base):
    """A predecessor or successor an analyst added to a canonical actor, and its date."""

    __tablename__ = "actor_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    relation: Mapped[str] = mapped_column(String(12))
    other_id: Mapped[str] = mapped_column(String(64), index=True)
    linked_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    removed_by_name: Mapped[str | None] = mapped_column(String(64))
    removed_at: Mapped[dt.datetime | None]
