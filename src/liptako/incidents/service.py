"""Incident use cases of the registry itself: rows from records, new versions, audited reads.

Recording incidents as a whole (actors resolved, pacts evaluated, audit) is the flow in
:mod:`liptako.obligations.recording`, which calls these.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.auth.releasability import Viewer, audience_text
from liptako.core.errors import RuleViolation
from liptako.incidents import queries
from liptako.incidents.models import Incident, IncidentActor, IncidentVersion
from liptako.incidents.place import Placement
from liptako.incidents.schemas import ActorRef, EventRecord, IncidentFilter, IncidentIn, Marking

SENSITIVE = ("AMBER+STRICT", "RED")
"""Markings whose every read is audited."""


def snapshot(incident: Incident) -> dict[str, Any]:
    """Every column of an incident plus its actors, as JSON-ready values."""
    data: dict[str, Any] = {}
    for attr in inspect(Incident).column_attrs:
        value = getattr(incident, attr.key)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        data[attr.key] = value
    data["actors"] = [{"role": a.role, "raw": a.raw, "actor_id": a.actor_id,
                       "attribution": a.attribution, "period": a.period}
                      for a in incident.actors]
    return data


def report_record(payload: IncidentIn, *, state: str, reporter_id: int | None) -> EventRecord:
    """A national report as a record of the registry: the reporting state's, placed by its
    point, with a new id of its own."""
    try:
        audience = audience_text(payload.audience)
    except ValueError as exc:
        raise RuleViolation(str(exc)) from exc
    perpetrator = payload.perpetrator.actor if payload.perpetrator else None
    return EventRecord(
        line=0, source="national", source_id=f"{state}-{uuid.uuid4().hex[:12]}",
        source_version="1", occurred_on=payload.occurred_on, occurred_until=None,
        date_precision=None, lat=payload.location.lat, lon=payload.location.lon,
        geo_precision=1, iso3=None, event_type=payload.event_type, src_event_type=None,
        src_sub_event_type=None, fatalities=payload.fatalities, fatalities_low=None,
        fatalities_high=None, civilian_targeting=payload.targets_civilians(),
        description=payload.description, sources=payload.source_text or None,
        src_admin=(None, None, None), src_location=payload.place_name,
        actors=(ActorRef("actor1", perpetrator),) if perpetrator else (),
        marking=Marking(tlp=payload.tlp, originator=state, audience=audience,
                        reported=payload.reported_facts() or None, created_by=reporter_id,
                        exercise=payload.exercise))


def _columns(record: EventRecord, placement: Placement) -> dict[str, Any]:
    """The incident columns a record and its placement give (a report's marking included)."""
    columns: dict[str, Any] = {
        "source": record.source, "source_id": record.source_id,
        "source_version": record.source_version, "content_hash": record.content_hash(),
        "occurred_on": record.occurred_on, "occurred_until": record.occurred_until,
        "date_precision": record.date_precision, "lat": record.lat, "lon": record.lon,
        "geo_precision": record.geo_precision, "iso3": record.iso3,
        "admin1_code": placement.admin1_code, "admin1_name": placement.admin1_name,
        "admin2_code": placement.admin2_code, "admin2_name": placement.admin2_name,
        "admin_method": placement.admin_method,
        "outside_country_km": placement.outside_country_km,
        "priogrid_gid": placement.priogrid_gid, "in_liptako_gourma": placement.in_liptako_gourma,
        "src_admin1": record.src_admin[0], "src_admin2": record.src_admin[1],
        "src_admin3": record.src_admin[2], "src_location": record.src_location,
        "event_type": record.event_type, "src_event_type": record.src_event_type,
        "src_sub_event_type": record.src_sub_event_type, "fatalities": record.fatalities,
        "fatalities_low": record.fatalities_low, "fatalities_high": record.fatalities_high,
        "civilian_targeting": record.civilian_targeting, "description": record.description,
        "sources": record.sources, "extra": record.extra or None,
    }
    marking = record.marking
    if marking is None:  # a public dataset's event: open to all, its dataset the originator
        columns.update(tlp="CLEAR", originator=record.source.upper(), audience="",
                       exercise=False)
    else:
        # a report names no country: it is the one its point lies in
        columns.update(iso3=placement.unit_iso3, tlp=marking.tlp, originator=marking.originator,
                       audience=marking.audience, reported=marking.reported,
                       created_by=marking.created_by, exercise=marking.exercise)
    return columns


def new_incident(record: EventRecord, placement: Placement, actors: list[IncidentActor], *,
                 now: dt.datetime) -> Incident:
    """A new incident from a record (for the caller to add to its session)."""
    return Incident(**_columns(record, placement), version=1, actors=actors, created_at=now,
                    updated_at=now)


def new_version(session: Session, incident: Incident, record: EventRecord,
                placement: Placement, actors: list[IncidentActor], *, now: dt.datetime) -> None:
    """Keep the incident as it was as a version, then make it what the record says."""
    session.add(IncidentVersion(incident_id=incident.id, version=incident.version,
                                source_version=incident.source_version, superseded_at=now,
                                snapshot=snapshot(incident)))
    for name, value in _columns(record, placement).items():
        setattr(incident, name, value)
    incident.version += 1
    incident.updated_at = now
    incident.actors = actors


def read_incident(session: Session, viewer: Viewer, incident_id: int, *, actor: audit.Actor,
                  now: dt.datetime) -> Incident:
    """An incident the viewer may see (else NotFound); reading a restricted one is audited."""
    incident = queries.get_incident(session, viewer, incident_id)
    if incident.tlp in SENSITIVE:
        audit.record(session, actor=actor, action="incident.read", target_type="incident",
                     target_id=incident.id, now=now)
    return incident


def read_page(session: Session, viewer: Viewer, flt: IncidentFilter, *, limit: int,
              cursor: str | None, actor: audit.Actor, now: dt.datetime) -> dict[str, Any]:
    """One page of the map's list (see queries.feature_collection); a page that shows
    restricted incidents leaves one audit entry naming them."""
    page = queries.feature_collection(session, viewer, flt, limit=limit, cursor=cursor)
    shown = [f["id"] for f in page["features"] if f["properties"]["tlp"] in SENSITIVE]
    if shown:
        audit.record(session, actor=actor, action="incident.list", target_type="incident",
                     target_id=None, now=now, detail={"incident_ids": shown})
    return page
