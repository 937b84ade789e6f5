"""Incident use cases shared by the importers, the API and the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.audit.rules import digest
from liptako.auth.releasability import audience_text
from liptako.core.adminlevels import levels_of
from liptako.core.db import as_stored, column_keys, insert_numbered
from liptako.core.errors import RuleViolation
from liptako.core.geo import AdminUnit, admin_index, in_named_area, prio_grid_gids
from liptako.incidents.models import Incident, IncidentActor
from liptako.incidents.rules import with_derived
from liptako.incidents.schemas import IncidentIn


def snapshot(incident: Incident) -> dict[str, Any]:
    """Every column of an incident plus its actors, as JSON-ready values."""
    data: dict[str, Any] = {}
    for key in column_keys(Incident):
        value = getattr(incident, key)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        data[key] = value
    data["actors"] = [{"role": a.role, "raw": a.raw, "actor_id": a.actor_id,
                       "attribution": a.attribution, "period": a.period}
                      for a in incident.actors]
    return data


ActorLink = tuple[str, str, str | None]  # canonical id, attribution, period


@dataclass(frozen=True)
class NewReport:
    """One national report to record: what was reported, by whom, for which state, and the
    canonical actors the caller resolved the perpetrator's name to (the intelligence domain
    does that; this one only stores them)."""

    payload: IncidentIn
    actor: audit.Actor
    state: str
    perpetrator_links: tuple[ActorLink, ...] = ()


def create_incident(session: Session, payload: IncidentIn, *, actor: audit.Actor,
                    state: str, now: dt.datetime,
                    perpetrator_links: list[ActorLink] | None = None) -> Incident:
    """Record a national report: placed on our map, marked, audited."""
    report = NewReport(payload, actor, state, tuple(perpetrator_links or ()))
    return create_incidents(session, [report], now=now)[0]


def create_incidents(session: Session, reports: Sequence[NewReport], *,
                     now: dt.datetime) -> list[Incident]:
    """Record national reports together: one audit entry each.

    The rows are written with two executemany INSERTs (incidents, then their actors), past the
    unit of work and its bookkeeping; the incidents returned are in ``session`` as if read
    back, holding exactly what was stored.
    """
    lats = [r.payload.location.lat for r in reports]
    lons = [r.payload.location.lon for r in reports]
    index = admin_index()  # every point placed at once
    places = zip(index.assign(lats, lons).tolist(), prio_grid_gids(lats, lons).tolist(),
                 in_named_area("liptako_gourma", lats, lons).tolist(), strict=True)
    made = [_new_rows(report, now, index.units[k] if k >= 0 else None, gid, zone)
            for report, (k, gid, zone) in zip(reports, places, strict=True)]
    ids = insert_numbered(session, Incident, [row for row, _actors in made])
    links = [{**actor, "incident_id": ident}
             for ident, (_row, actors) in zip(ids, made, strict=True) for actor in actors]
    link_ids = iter(insert_numbered(session, IncidentActor, links))
    incidents = []
    for report, ident, (row, actors) in zip(reports, ids, made, strict=True):
        theirs = [as_stored(session, IncidentActor,
                            {**actor, "incident_id": ident, "id": next(link_ids)})
                  for actor in actors]
        incident = as_stored(session, Incident, {**row, "id": ident}, {"actors": theirs})
        incidents.append(incident)
        audit.record(session, actor=report.actor, action="incident.create",
                     target_type="incident", target_id=ident, now=now,
                     after=snapshot(incident))
    return incidents


def _new_rows(report: NewReport, now: dt.datetime, unit: AdminUnit | None, gid: int,
              in_zone: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A report's incident row (every column but its id) and its actor rows."""
    payload, state = report.payload, report.state
    levels = levels_of(unit)
    try:
        audience = audience_text(payload.audience)
    except ValueError as exc:
        raise RuleViolation(str(exc)) from exc
    row: dict[str, Any] = dict.fromkeys(column_keys(Incident))
    del row["id"]
    row.update(
        source="national", source_id=f"{state}-{uuid.uuid4().hex[:12]}", source_version="1",
        version=1, occurred_on=payload.occurred_on, lat=payload.location.lat,
        lon=payload.location.lon, geo_precision=1, iso3=unit.iso3 if unit else None,
        admin1_code=levels.admin1_code, admin1_name=levels.admin1_name,
        admin2_code=levels.admin2_code, admin2_name=levels.admin2_name,
        admin_method="point" if unit else None, priogrid_gid=gid, in_liptako_gourma=in_zone,
        src_location=payload.place_name, event_type=payload.event_type,
        fatalities=payload.fatalities, civilian_targeting=_targets_civilians(payload),
        description=payload.description, reported=payload.reported_facts() or None,
        tlp=payload.tlp, originator=state, audience=audience, created_by=report.actor.id,
        created_at=now, updated_at=now, content_hash=digest(payload.model_dump(mode="json")),
    )
    perpetrator = payload.perpetrator.actor if payload.perpetrator else None
    actors = []
    if perpetrator:
        links: list[ActorLink | None] = list(report.perpetrator_links) or [None]
        for link in links:
            actor_id, attribution, period = link if link else (None, None, None)
            actors.append({"role": "actor1", "raw": perpetrator[:300], "actor_id": actor_id,
                           "attribution": attribution, "period": period})
    return with_derived(row, (a["actor_id"] for a in actors)), actors


def _targets_civilians(payload: IncidentIn) -> bool:
    return payload.event_type == "violence_against_civilians" or (
        payload.target is not None and payload.target.kind == "civilians")
