"""The incident registry: one row per event, its actors, and its earlier versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from liptako.core.db import Base
from liptako.incidents.rules import FEATURE_FIELDS, actor_ids_text, feature_fragment, lon_band


class Incident(Base):
    """An event from a national report or a public dataset, placed on our own map."""

    __tablename__ = "incident"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_incident_occurred_on_iso3", "occurred_on", "iso3"),
        # the map's page order (newest first), then the box tested on the index entry
        Index("ix_incident_occurred_on_id_lon_lat", "occurred_on", "id", "lon", "lat"),
        # the same within one degree of longitude, for a page of a box read band by band
        Index("ix_incident_lon_band_page", "lon_band", "occurred_on", "id", "lon", "lat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(64))
    source_version: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))

    occurred_on: Mapped[dt.date] = mapped_column(Date)
    occurred_until: Mapped[dt.date | None] = mapped_column(Date)
    date_precision: Mapped[int | None]
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geo_precision: Mapped[int | None]
    iso3: Mapped[str | None] = mapped_column(String(3))
    admin1_code: Mapped[str | None] = mapped_column(String(32), index=True)
    admin1_name: Mapped[str | None] = mapped_column(String(100))
    admin2_code: Mapped[str | None] = mapped_column(String(32))
    admin2_name: Mapped[str | None] = mapped_column(String(100))
    admin_method: Mapped[str | None] = mapped_column(String(16))
    outside_country_km: Mapped[float | None] = mapped_column(Float)
    priogrid_gid: Mapped[int | None]
    in_liptako_gourma: Mapped[bool | None]
    src_admin1: Mapped[str | None] = mapped_column(String(100))
    src_admin2: Mapped[str | None] = mapped_column(String(100))
    src_admin3: Mapped[str | None] = mapped_column(String(100))
    src_location: Mapped[str | None] = mapped_column(String(200))

    event_type: Mapped[str] = mapped_column(String(40), index=True)
    src_event_type: Mapped[str | None] = mapped_column(String(80))
    src_sub_event_type: Mapped[str | None] = mapped_column(String(80))
    fatalities: Mapped[int | None]
    fatalities_low: Mapped[int | None]
    fatalities_high: Mapped[int | None]
    civilian_targeting: Mapped[bool | None]
    description: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # what a national report states about who acted and what was attacked (charter facts)
    reported: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    tlp: Mapped[str] = mapped_column(String(12), default="CLEAR")
    originator: Mapped[str] = mapped_column(String(8))
    # states the record is releasable to beyond its originator, stored as ",BFA,NER," so that
    # one LIKE test filters it the same way on SQLite and PostgreSQL
    audience: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # the canonical ids of its actors (incident_actor), as ",jnim,state.bfa.military,": the
    # map's list reads them with the row instead of one lookup per incident; kept in step by
    # the listener below for ORM changes and by the importers' bulk inserts
    actor_ids: Mapped[str] = mapped_column(Text, default="", server_default="")
    # its map feature as JSON, less its type and id (incidents.rules.feature_fragment): a
    # page of the map joins these; kept in step like actor_ids
    feature: Mapped[str] = mapped_column(Text, default="", server_default="")
    # the whole degree of longitude it lies in (incidents.rules.lon_band); kept like feature
    lon_band: Mapped[int | None]

    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    deleted_at: Mapped[dt.datetime | None]
    deleted_reason: Mapped[str | None] = mapped_column(String(200))

    actors: Mapped[list[IncidentActor]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentActor.id"
    )


class IncidentActor(Base):
    """One actor string of an incident, with the canonical actor it maps to (if any)."""

    __tablename__ = "incident_actor"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    raw: Mapped[str] = mapped_column(String(300))
    actor_id: Mapped[str | None] = mapped_column(String(64), index=True)
    attribution: Mapped[str | None] = mapped_column(String(12))
    period: Mapped[str | None] = mapped_column(String(20))

    incident: Mapped[Incident] = relationship(back_populates="actors")


class IncidentVersion(Base):
    """A superseded state of an incident, kept so that every vintage stays retrievable."""

    __tablename__ = "incident_version"
    __table_args__ = (UniqueConstraint("incident_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"))
    version: Mapped[int]
    source_version: Mapped[str | None] = mapped_column(String(32))
    superseded_at: Mapped[dt.datetime]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


@event.listens_for(Session, "before_flush")
def _keep_derived(session: Session, _context: object, _instances: object) -> None:
    """An incident changed through the ORM gets its ``actor_ids`` (when its actors changed)
    and its map ``feature`` and ``lon_band`` (when what it shows changed) anew."""
    touched = {obj for obj in (*session.new, *session.dirty) if isinstance(obj, Incident)}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, IncidentActor) and "incident" in obj.__dict__ and obj.incident:
            touched.add(obj.incident)
    for incident in touched:
        if "actors" in incident.__dict__:  # loaded or set: never a lazy load here
            incident.actor_ids = actor_ids_text(
                a.actor_id for a in incident.actors if a not in session.deleted)
        state = inspect(incident)
        if state.pending or state.transient or any(
                state.attrs[name].history.has_changes() for name in FEATURE_FIELDS):
            incident.feature = feature_fragment(
                {name: getattr(incident, name) for name in FEATURE_FIELDS})
            incident.lon_band = lon_band(incident.lon)
