"""Stored STIX 2.1 objects (what liptako publishes and what partners send) and the status of
each TAXII 2.1 POST."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
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
