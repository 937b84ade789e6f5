"""Incidents: GeoJSON lists with filters, one record, national reports, stats."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from liptako.audit import service as audit
from liptako.auth.releasability import audience_list
from liptako.core.clock import utcnow
from liptako.core.config import Settings
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
from liptako.incidents.service import NewReport
from liptako.intel.normalise import normalise
from liptako.obligations import queries as obligation_queries
from liptako.obligations import service as obligations
from liptako.obligations.models import StoredDetermination
from liptako.web.batching import BatchWork, GroupCommit
from liptako.web.deps import SessionDep, async_reads, run_in_transaction
from liptako.web.routing import PlainRoute
from liptako.web.security import (
    CurrentPrincipal,
    Principal,
    authenticate,
    credentials,
    remembered_viewer,
)

router = APIRouter(prefix="/incidents", tags=["incidents"])
stats_router = APIRouter(tags=["incidents"])
REPORTER_ROLES = ("analyst", "liaison", "secretariat")
SENSITIVE = ("AMBER+STRICT", "RED")


def _csv(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def build_filter(*, bbox: str | None, date_from: dt.date | None, date_to: dt.date | None,
                 country: list[str] | None, event_type: list[str] | None, actor: str | None,
                 source: list[str] | None, tlp: list[str] | None) -> IncidentFilter:
    """The filter of the list and the stats, from the query's values (422 when off)."""
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
                          event_type=_csv(event_type), actor=actor or None,
                          source=_csv(source), tlp=[t.upper() for t in _csv(tlp)])


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
    return build_filter(bbox=bbox, date_from=date_from, date_to=date_to, country=country,
                        event_type=event_type, actor=actor, source=source, tlp=tlp)


def _one(query: QueryParams, name: str) -> str | None:
    values = query.getlist(name)
    if len(values) > 1:
        raise RuleViolation(f"{name}: expected one value, got {len(values)}")
    return values[0] if values else None


def _date(query: QueryParams, name: str) -> dt.date | None:
    value = _one(query, name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RuleViolation(f"{name}: expected a date YYYY-MM-DD, got {value!r}") from None


def list_arguments(query: QueryParams) -> tuple[IncidentFilter, int, str | None]:
    """The list's filter, page size and cursor, read straight from the query string.

    The hot path parses its own parameters (the declared ones cost more than the query they
    filter); they are documented in OpenAPI by :data:`LIST_PARAMETERS`.
    """
    raw_limit = _one(query, "limit")
    try:
        limit = int(raw_limit) if raw_limit is not None else DEFAULT_PAGE
    except ValueError:
        limit = 0
    if not 1 <= limit <= queries.MAX_PAGE:
        raise RuleViolation(f"limit: expected a whole number from 1 to {queries.MAX_PAGE}, "
                            f"got {raw_limit!r}")
    flt = build_filter(bbox=_one(query, "bbox"), date_from=_date(query, "from"),
                       date_to=_date(query, "to"), country=query.getlist("country"),
                       event_type=query.getlist("event_type"), actor=_one(query, "actor"),
                       source=query.getlist("source"), tlp=query.getlist("tlp"))
    return flt, limit, _one(query, "cursor") or None


def _parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


_TEXT, _TEXTS = {"type": "string"}, {"type": "array", "items": {"type": "string"}}
DEFAULT_PAGE = 500
LIST_PARAMETERS = [
    _parameter("bbox", "minLon,minLat,maxLon,maxLat", _TEXT),
    _parameter("from", "first day (YYYY-MM-DD)", {"type": "string", "format": "date"}),
    _parameter("to", "last day (YYYY-MM-DD)", {"type": "string", "format": "date"}),
    _parameter("country", "ISO3, repeat or comma-list", _TEXTS),
    _parameter("event_type", "repeat or comma-list", _TEXTS),
    _parameter("actor", "canonical actor id, e.g. jnim (its sub-groups too)", _TEXT),
    _parameter("source", "acled, ucdp, national; repeat or comma-list", _TEXTS),
    _parameter("tlp", "TLP marking; repeat or comma-list", _TEXTS),
    _parameter("limit", f"features per page, 1 to {queries.MAX_PAGE}",
               {"type": "integer", "minimum": 1, "maximum": queries.MAX_PAGE,
                "default": DEFAULT_PAGE}),
    _parameter("cursor", "the `next` value of the previous page", _TEXT),
]


FilterDep = Annotated[IncidentFilter, Depends(incident_filter)]


def incident_out(session: Session, incident: Incident, *, new: bool = False,
                 determinations: list[dict[str, Any]] | None = None) -> IncidentOut:
    """The API's view of an incident (``new``: just created, so no earlier versions;
    ``determinations``: already read, else they are read here)."""
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
        determinations=obligation_queries.determinations_of(session, incident.id)
        if determinations is None else determinations,
    )


async def list_incidents(request: Request) -> Response:
    """A GeoJSON FeatureCollection of the incidents the caller may see, newest first."""
    settings: Settings = request.app.state.settings
    await credentials(request, settings)  # 401 before the parameters are looked at
    flt, limit, cursor = list_arguments(request.query_params)
    reads = async_reads(request)
    viewer = remembered_viewer(request, settings) if reads else None
    if reads and viewer:  # PostgreSQL, a caller seen moments ago: no thread, one round trip
        stmt, params = queries.page_query(viewer, flt, limit=limit, cursor=cursor)
        body = queries.page_body(await reads.rows(stmt, params), limit)
    else:
        def work(session: Session) -> bytes:  # one thread hop, one query (and the account)
            caller = authenticate(request, session, settings, recent=True)
            return queries.feature_collection(session, caller.viewer, flt, limit=limit,
                                              cursor=cursor)

        body = await run_in_transaction(request, work)
    return Response(body, media_type="application/geo+json")


router.add_api_route("", list_incidents, methods=["GET"], route_class_override=PlainRoute,
                     response_class=Response, openapi_extra={"parameters": LIST_PARAMETERS},
                     responses={200: {"content": {"application/geo+json": {}},
                                      "description": "A GeoJSON FeatureCollection, with "
                                      "`next` when there are more"}})


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


REPORT_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/IncidentIn"}}}}}
"""The report's body in OpenAPI (the handler validates it itself: see :func:`report_body`)."""


def report_body(raw: bytes) -> IncidentIn:
    """A report's JSON body, validated in one pass from the bytes; errors as FastAPI gives
    them for a declared body (422, each with its field)."""
    try:
        return IncidentIn.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()],
            body=raw) from None


async def create_incident(request: Request) -> Response:
    """Report an incident for the caller's state (analysts, liaison officers, secretariat).

    Reports that arrive together are written in one transaction (a group commit), each with
    its own audit entry; the answer comes once that transaction has committed.
    """
    await credentials(request, request.app.state.settings)  # 401 before the body is read
    body = report_body(await request.body())
    batches: GroupCommit[ReportJob, NewReport, IncidentOut] = request.app.state.report_batches
    stored = await batches.submit(ReportJob(request, body))
    # the record was built as an IncidentOut already: serialised once, not checked again
    return Response(stored.model_dump_json(), status_code=status.HTTP_201_CREATED,
                    media_type="application/json")


router.add_api_route("", create_incident, methods=["POST"], route_class_override=PlainRoute,
                     response_model=IncidentOut, status_code=status.HTTP_201_CREATED,
                     openapi_extra=REPORT_BODY)


@dataclass(frozen=True)
class ReportJob:
    request: Request
    body: IncidentIn


def check_report(session: Session, job: ReportJob) -> NewReport:
    """Who reports, whether they may, and the canonical actors their perpetrator names."""
    settings: Settings = job.request.app.state.settings
    principal = authenticate(job.request, session, settings, REPORTER_ROLES, recent=True)
    body = job.body
    links: tuple[incidents.ActorLink, ...] = ()
    if body.perpetrator and body.perpetrator.actor:
        links = tuple((m.actor_id, m.attribution, m.period)
                      for m in normalise(body.perpetrator.actor, on=body.occurred_on,
                                         source="national"))
    return NewReport(body, principal.actor, principal.user.state, links)


def write_reports(session: Session, reports: Sequence[NewReport], *,
                  pact_ids: Sequence[str]) -> list[IncidentOut]:
    """Store checked reports, evaluate them against the pacts, and answer each."""
    now = utcnow()
    made = incidents.create_incidents(session, reports, now=now)
    by_actor: dict[audit.Actor, list[Incident]] = {}
    for report, incident in zip(reports, made, strict=True):
        by_actor.setdefault(report.actor, []).append(incident)
    stored: list[StoredDetermination] = []
    for actor, theirs in by_actor.items():  # the evaluation is audited as theirs
        obligations.evaluate_incidents(session, theirs, pact_ids=pact_ids, actor=actor,
                                       now=now, new=True, stored=stored)
    found = obligation_queries.determinations_out(
        sorted(stored, key=lambda d: (d.incident_id, d.pact_id)))
    return [incident_out(session, i, new=True, determinations=found.get(i.id, []))
            for i in made]


def report_batches(app: FastAPI, settings: Settings) -> GroupCommit[ReportJob, NewReport,
                                                                    IncidentOut]:
    work = BatchWork(check=check_report, write=functools.partial(write_reports,
                                                                 pact_ids=settings.pacts))
    return GroupCommit(app, work)


@stats_router.get("/stats")
def stats(principal: CurrentPrincipal, session: SessionDep, flt: FilterDep) -> dict[str, Any]:
    """Counts and fatalities by month and by area for the current filter."""
    return queries.incident_stats(session, principal.viewer, flt)
