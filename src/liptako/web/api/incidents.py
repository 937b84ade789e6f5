"""Incidents: GeoJSON lists with filters, one record, national reports, stats."""

from __future__ import annotations

import re
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse, Response
from pydantic import Field

from liptako.auth.releasability import TLP_LEVELS
from liptako.core.clock import Day, utcnow
from liptako.core.errors import NotFound, RuleViolation
from liptako.incidents import queries
from liptako.incidents import service as incidents
from liptako.incidents.rules import EVENT_TYPES, REPORTERS, SOURCES
from liptako.incidents.schemas import IncidentFilter, IncidentIn, IncidentOut
from liptako.obligations import recording
from liptako.obligations.queries import incident_out, mark_charter
from liptako.reports import exports
from liptako.web.deps import RecordId, SessionDep, SettingsDep
from liptako.web.downloads import RESPONSES, FormatQuery, download
from liptako.web.security import CurrentPrincipal, Principal, require_roles

router = APIRouter(tags=["incidents"])
ReporterDep = Annotated[Principal, Depends(require_roles(*REPORTERS))]
DEFAULT_PAGE = 500


def _listing(one: str) -> str:
    """The pattern of a filter value: one of ``one`` (a regex), or a comma-list of them."""
    return rf"^ *({one}) *(, *({one}) *)*$"


# the list filters name what they take, so that an unknown value is refused (422)
Countries = list[Annotated[str, Field(pattern=_listing("[A-Za-z]{3}"))]] | None
EventTypes = list[Annotated[str, Field(pattern=_listing("|".join(EVENT_TYPES)))]] | None
Sources = list[Annotated[str, Field(pattern=_listing("|".join(SOURCES)))]] | None
Tlps = list[Annotated[str, Field(pattern=_listing("|".join(
    re.escape(t) for tlp in TLP_LEVELS for t in (tlp, tlp.lower()))))]] | None


NUMBER = r"-?[0-9]+(\.[0-9]+)?"


def _csv(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4 or parts[0] > parts[2] or parts[1] > parts[3]:
        raise RuleViolation(f"bbox: expected minLon,minLat,maxLon,maxLat, got {text!r}")
    return parts[0], parts[1], parts[2], parts[3]


async def incident_filter(
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat",
                                      pattern=rf"^{NUMBER}(,{NUMBER}){{3}}$")] = None,
    date_from: Annotated[Day | None, Query(alias="from", description="first day")] = None,
    date_to: Annotated[Day | None, Query(alias="to", description="last day")] = None,
    country: Annotated[Countries, Query(description="ISO3, repeat or comma-list")] = None,
    event_type: Annotated[EventTypes, Query(description="repeat or comma-list")] = None,
    actor: Annotated[str | None, Query(description="canonical actor id, e.g. jnim "
                                       "(its sub-groups too)",
                                       pattern=r"^[a-z0-9_.\-]{1,100}$")] = None,
    source: Annotated[Sources, Query(description="acled, ucdp, national; repeat "
                                     "or comma-list")] = None,
    tlp: Annotated[Tlps, Query(description="TLP marking; repeat or comma-list")] = None,
    q: Annotated[str | None, Query(
        max_length=200, description="text search: incidents whose description or place "
        "names (the source's location and admin names, our admin-1 and admin-2 names) hold "
        "every word of q, whatever the case and accents (segou finds Ségou); a word matches "
        "inside a longer one (tillab finds Tillabéri). Combines with the other filters and, "
        "like them, only ever reads what the caller may see")] = None,
) -> IncidentFilter:
    """The filters of the list and the stats, from the query (422 when one is off)."""
    if date_from and date_to and date_from > date_to:
        raise RuleViolation(f"from: expected a date on or before to ({date_to}), got {date_from}")
    return IncidentFilter(bbox=_bbox(bbox), date_from=date_from, date_to=date_to,
                          country=[c.upper() for c in _csv(country)],
                          event_type=_csv(event_type), actor=actor or None,
                          source=_csv(source), tlp=[t.upper() for t in _csv(tlp)],
                          q=q or None)


FilterDep = Annotated[IncidentFilter, Depends(incident_filter)]


class GeoJSONResponse(JSONResponse):
    """GeoJSON, written by orjson (a page of the map is thousands of small values)."""

    media_type = "application/geo+json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


@router.get("/incidents", response_class=Response,  # errors stay application/json
            responses={200: {"content": {GeoJSONResponse.media_type: {}},
                             "description": "A GeoJSON FeatureCollection, with `next` when "
                                            "there are more"}})
def list_incidents(
    principal: CurrentPrincipal, flt: FilterDep, session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE,
                                description="features per page")] = DEFAULT_PAGE,
    cursor: Annotated[str | None, Query(description="the `next` value of the previous "
                                        "page", pattern=r"^[A-Za-z0-9_\-]{1,200}=*$")] = None,
) -> GeoJSONResponse:
    """The incidents the caller may see, newest first, as GeoJSON features; each says the
    Charter articles its incident engages (`engaged`) and those still undetermined."""
    page = incidents.read_page(session, principal.viewer, flt, limit=limit, cursor=cursor,
                               actor=principal.actor, now=utcnow())
    return GeoJSONResponse(mark_charter(session, page))


@router.get("/incidents/export", response_class=Response, responses=RESPONSES)
def export_incidents(principal: CurrentPrincipal, flt: FilterDep, session: SessionDep,
                     fmt: FormatQuery = "csv") -> Response:
    """Every incident of the map for the same filters (no paging), as CSV with an HXL
    hashtag row, GeoJSON or XLSX; only what the caller may see; each export is audited."""
    now = utcnow()
    return download(fmt, "liptako-incidents", now, lambda out: exports.export_incidents(
        session, principal.viewer, flt, fmt=fmt, out=out, actor=principal.actor, now=now))


@router.post("/incidents", response_model=IncidentOut, status_code=status.HTTP_201_CREATED)
def create_incident(body: IncidentIn, principal: ReporterDep, session: SessionDep,
                    settings: SettingsDep) -> IncidentOut:
    """Report an incident for the caller's state (analysts, liaison officers, secretariat)."""
    incident = recording.record_report(session, body, actor=principal.actor,
                                       state=principal.user.state, pact_ids=settings.pacts,
                                       now=utcnow())
    return incident_out(session, incident)


@router.get("/incidents/{incident_id}", response_model=IncidentOut)
def get_incident(incident_id: RecordId, principal: CurrentPrincipal,
                 session: SessionDep) -> IncidentOut:
    """One incident with its actors, earlier versions and charter determinations."""
    incident = incidents.read_incident(session, principal.viewer, incident_id,
                                       actor=principal.actor, now=utcnow())
    return incident_out(session, incident)


@router.get("/incidents/{incident_id}/versions/{version}")
def get_version(incident_id: RecordId, version: RecordId, principal: CurrentPrincipal,
                session: SessionDep) -> dict[str, Any]:
    """An earlier version of an incident, exactly as it was stored before it was superseded."""
    incidents.read_incident(session, principal.viewer, incident_id, actor=principal.actor,
                            now=utcnow())
    for old in queries.versions_of(session, incident_id):
        if old.version == version:
            return {"version": old.version, "source_version": old.source_version,
                    "superseded_at": old.superseded_at.isoformat(), "record": old.snapshot}
    raise NotFound(f"incident {incident_id} version {version}: not found")


@router.get("/stats")
def stats(principal: CurrentPrincipal, session: SessionDep, flt: FilterDep) -> dict[str, Any]:
    """Counts and fatalities by month and by area for the current filter."""
    return queries.incident_stats(session, principal.viewer, flt)
