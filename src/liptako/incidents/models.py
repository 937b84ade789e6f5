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
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liptako.core.db import Base
from liptako.incidents.rules import search_text


class Incident(Base):
    """An event from a national report or a public dataset, placed on our own map."""

    __tablename__ = "incident"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_incident_occurred_on_iso3", "occurred_on", "iso3"),
        # the map's page order (newest first), then the box tested on the index entry
        Index("ix_incident_occurred_on_id_lon_lat", "occurred_on", "id", "lon", "lat"),
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
    # made during an exercise: shown as EXERCISE everywhere, removed by `liptako exercise clear`
    exercise: Mapped[bool] = mapped_column(default=False, server_default=false())
    # the words of its description and place names as the text search compares them, written
    # on every insert and update (see _fill_search_text)
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    deleted_at: Mapped[dt.datetime | None]
    deleted_reason: Mapped[str | None] = mapped_column(String(200))

    actors: Mapped[list[IncidentActor]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentActor.id"
    )


SEARCHED: tuple[str, ...] = ("description", "src_location", "src_admin1", "src_admin2",
                             "src_admin3", "admin1_name", "admin2_name")
"""The columns the text search reads: the description and the place names, as the source gave
them and as our own map names them."""


@event.listens_for(Incident, "before_insert")
@event.listens_for(Incident, "before_update")
def _fill_search_text(_mapper: object, _connection: object, incident: Incident) -> None:
    incident.search_text = search_text(*(getattr(incident, name) for name in SEARCHED))


class IncidentActor(Base):
    """One actor string of an incident, with the canonical actor it maps to (if any)."""

    __tablename__ = "incident_actor"
    __table_args__ = (
        # an incident's actors, and their canonical ids read from the index alone (the map)
        Index("ix_incident_actor_incident_id_actor_id", "incident_id", "actor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"))
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
