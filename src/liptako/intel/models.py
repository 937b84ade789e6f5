"""The intelligence tables: analysts' edits over the shipped actor registry (added aliases and
lineage links), stored STIX 2.1 objects (what liptako publishes and what partners send) and
the status of each TAXII 2.1 POST.

The registry itself is data shipped with the code (``data/actors.yaml``); the edit tables hold
what analysts add to it. A removal is soft (``removed_at``): the row stays, so the page and
the audit can say who added and who removed a name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from liptako.core.db import Base


class StixObject(Base):
    """One version of one STIX object, with the marking that says who may read it.

    A version is an object's ``modified`` (its ``created`` when it has none, as marking
    definitions). ``tlp``, ``originator`` and ``audience`` are read by the one releasability
    predicate, as on an incident. ``origin`` says where it came from: ``local`` (published
    from the registry and the incidents) or ``partner`` (imported); ``added_by``,
    ``added_at`` and ``channel`` (publish, api, taxii, cli) keep who sent it and how;
    ``actor_id`` is the canonical actor it describes or was sighted as, when known.
    """

    __tablename__ = "stix_object"
    __table_args__ = (
        UniqueConstraint("stix_id", "version"),
        Index("ix_stix_object_added_at_id", "added_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stix_id: Mapped[str] = mapped_column(String(100), index=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[str] = mapped_column(String(32))  # the RFC 3339 text, millisecond precision
    spec_version: Mapped[str] = mapped_column(String(8), default="2.1")
    added_at: Mapped[dt.datetime]
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    channel: Mapped[str] = mapped_column(String(12))
    origin: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[str | None] = mapped_column(String(64), index=True)
    tlp: Mapped[str] = mapped_column(String(12))
    originator: Mapped[str] = mapped_column(String(32))
    audience: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class TaxiiStatus(Base):
    """The status resource of one TAXII POST: what was asked, and each object's outcome."""

    __tablename__ = "taxii_status"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    collection: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(12))
    total: Mapped[int]
    successes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    failures: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pendings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


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
