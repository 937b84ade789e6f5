"""Incidents: GeoJSON lists with filters, one record, national reports, stats."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.auth.releasability import audience_list
from liptako.core.clock import utcnow
from liptako.core.errors import NotFound, RuleViolation
from liptako.incidents import queries
from liptako.incidents import service as incidents
from liptako.incidents.models import Incident
from liptako.incidents.schemas import (
    ActorOut,
    IncidentFilter,
    IncidentIn,
    IncidentOut,
    Location,
    VersionOut,
)
from liptako.intel.normalise import normalise
from liptako.obligations import queries as obligation_queries
from liptako.obligations import service as obligations
from liptako.web.deps import SessionDep, SettingsDep, run_in_transaction
from liptako.web.security import Credentials, CurrentPrincipal, Principal, authenticate

router = APIRouter(prefix="/incidents", tags=["incidents"])
stats_router = APIRouter(tags=["incidents"])
REPORTER_ROLES = ("analyst", "liaison", "secretariat")
SENSITIVE = ("AMBER+STRICT", "RED")


def _csv(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


async def incident_filter(
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat")] = None,
    date_from: Annotated[dt.date | None, Query(alias="from")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to")] = None,
    country: Annotated[list[str] | None, Query(description="ISO3, repeat or comma-list")] = None,
    event_type: Annotated[list[str] | None, Query()] = None,
    actor: Annotated[str | None, Query(description="canonical actor id, e.g. jnim")] = None,
    source: Annotated[list[str] | None, Query()] = None,
    tlp: Annotated[list[str] | None, Query()] = None,
) -> IncidentFilter:
    box = None
    if bbox:
        try:
            parts = tuple(float(p) for p in bbox.split(","))
        except ValueError:
            parts = ()
        if len(parts) != 4 or parts[0] > parts[2] or parts[1] > parts[3]:
            raise RuleViolation(f"bbox: expected minLon,minLat,maxLon,maxLat, got {bbox!r}")
        box = (parts[0], parts[1], parts[2], parts[3])
    if date_from and date_to and date_from > date_to:
        raise RuleViolation(f"from: expected a date on or before to ({date_to}), got {date_from}")
    return IncidentFilter(bbox=box, date_from=date_from, date_to=date_to,
                          country=[c.upper() for c in _csv(country)],
                          event_type=_csv(event_type), actor=actor, source=_csv(source),
                          tlp=[t.upper() for t in _csv(tlp)])


FilterDep = Annotated[IncidentFilter, Depends(incident_filter)]


def incident_out(session: Session, incident: Incident, *, new: bool = False) -> IncidentOut:
    """The API's view of an incident (``new``: just created, so no earlier versions)."""
    return IncidentOut(
        id=incident.id, source=incident.source, source_id=incident.source_id,
        source_version=incident.source_version, version=incident.version,
        occurred_on=incident.occurred_on, occurred_until=incident.occurred_until,
        date_precision=incident.date_precision,
        location=None if incident.lat is None or incident.lon is None
        else Location(lat=incident.lat, lon=incident.lon),
        geo_precision=incident.geo_precision, iso3=incident.iso3,
        admin1_code=incident.admin1_code, admin1_name=incident.admin1_name,
        admin2_code=incident.admin2_code, admin2_name=incident.admin2_name,
        admin_method=incident.admin_method, outside_country_km=incident.outside_country_km,
        priogrid_gid=incident.priogrid_gid, in_liptako_gourma=incident.in_liptako_gourma,
        source_place={"admin1": incident.src_admin1, "admin2": incident.src_admin2,
                      "admin3": incident.src_admin3, "location": incident.src_location},
        event_type=incident.event_type, source_event_type=incident.src_event_type,
        source_sub_event_type=incident.src_sub_event_type, fatalities=incident.fatalities,
        fatalities_low=incident.fatalities_low, fatalities_high=incident.fatalities_high,
        civilian_targeting=incident.civilian_targeting, description=incident.description,
        sources=incident.sources, reported=incident.reported, tlp=incident.tlp,
        originator=incident.originator, audience=audience_list(incident.audience),
        created_at=incident.created_at, updated_at=incident.updated_at,
        deleted_at=incident.deleted_at,
        actors=[ActorOut(role=a.role, raw=a.raw, actor_id=a.actor_id,
                         attribution=a.attribution, period=a.period) for a in incident.actors],
        versions=[VersionOut(version=v.version, source_version=v.source_version,
                             superseded_at=v.superseded_at)
                  for v in ([] if new else queries.versions_of(session, incident.id))],
        determinations=obligation_queries.determinations_of(session, incident.id),
    )


@router.get("", response_class=Response, responses={200: {
    "content": {"application/geo+json": {}},
    "description": "A GeoJSON FeatureCollection, with `next` when there are more"}},
            dependencies=[Credentials])
async def list_incidents(request: Request, settings: SettingsDep, flt: FilterDep,
                         limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 500,
                         cursor: str | None = None) -> Response:
    """A GeoJSON FeatureCollection of the incidents the caller may see, newest first."""

    def work(session: Session) -> bytes:  # the map's hot path: one thread hop, one query
        principal = authenticate(request, session, settings)
        features, next_cursor = queries.list_features(session, principal.viewer, flt,
                                                      limit=limit, cursor=cursor)
        body: dict[str, Any] = {"type": "FeatureCollection", "features": features}
        if next_cursor:
            body["next"] = next_cursor
        return orjson.dumps(body)

    return Response(await run_in_transaction(request, work), media_type="application/geo+json")


def read_incident(session: Session, principal: Principal, incident_id: int) -> Incident:
    """An incident the caller may see; reading a restricted one leaves an audit entry."""
    incident = queries.get_incident(session, principal.viewer, incident_id)
    if incident.tlp in SENSITIVE:
        audit.record(session, actor=principal.actor, action="incident.read",
                     target_type="incident", target_id=incident.id, now=utcnow())
    return incident


@router.get("/{incident_id}", response_model=IncidentOut)
def get_incident(incident_id: int, principal: CurrentPrincipal,
                 session: SessionDep) -> IncidentOut:
    """One incident with its actors, earlier versions and charter determinations."""
    return incident_out(session, read_incident(session, principal, incident_id))


@router.get("/{incident_id}/versions/{version}")
def get_version(incident_id: int, version: int, principal: CurrentPrincipal,
                session: SessionDep) -> dict[str, Any]:
    """An earlier version of an incident, exactly as it was stored before it was superseded."""
    read_incident(session, principal, incident_id)
    for old in queries.versions_of(session, incident_id):
        if old.version == version:
            return {"version": old.version, "source_version": old.source_version,
                    "superseded_at": old.superseded_at.isoformat(), "record": old.snapshot}
    raise NotFound(f"incident {incident_id} version {version}: not found")


@router.post("", response_model=IncidentOut, status_code=status.HTTP_201_CREATED,
             dependencies=[Credentials])
async def create_incident(body: IncidentIn, request: Request,
                          settings: SettingsDep) -> IncidentOut:
    """Report an incident for the caller's state (analysts, liaison officers, secretariat)."""

    def work(session: Session) -> IncidentOut:  # one thread hop for the whole transaction
        principal = authenticate(request, session, settings, REPORTER_ROLES)
        links: list[incidents.ActorLink] = []
        if body.perpetrator and body.perpetrator.actor:
            links = [(m.actor_id, m.attribution, m.period)
                     for m in normalise(body.perpetrator.actor, on=body.occurred_on,
                                        source="national")]
        now = utcnow()
        incident = incidents.create_incident(session, body, actor=principal.actor,
                                             state=principal.user.state, now=now,
                                             perpetrator_links=links)
        obligations.evaluate_incidents(session, [incident], pact_ids=settings.pacts,
                                       actor=principal.actor, now=now)
        return incident_out(session, incident, new=True)

    return await run_in_transaction(request, work)


@stats_router.get("/stats")
def stats(principal: CurrentPrincipal, session: SessionDep, flt: FilterDep) -> dict[str, Any]:
    """Counts and fatalities by month and by area for the current filter."""
    return queries.incident_stats(session, principal.viewer, flt)
