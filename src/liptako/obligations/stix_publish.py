"""Publishing liptako's knowledge as STIX 2.1, and exporting what a reader may see of it.

It spans the actor registry (intel) and the incidents, so it lives in the lowest layer that
sees both. :func:`publish` brings the STIX store up to date: a new version only for an object
whose content or marking changed, a revoked version for one liptako no longer asserts (its
incident deleted, its actor gone); incidents of exercises are never published, as in every
shared output (early warning, alerts).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import shapely
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.audit.service import Actor
from liptako.auth.releasability import Viewer
from liptako.auth.rules import MEMBER_STATES
from liptako.core.adminlevels import levels_of
from liptako.core.geo import admin_index
from liptako.incidents.models import Incident, IncidentActor
from liptako.intel import stix_objects as objects
from liptako.intel.actors import ActorRegistry
from liptako.intel.models import StixObject
from liptako.intel.stix import parse_timestamp, timestamp
from liptako.intel.stix_export import read_bundle
from liptako.intel.stix_objects import Area, Draft, Sighted
from liptako.intel.stix_store import Marking, add_versions, version_key

TIMELESS = ("marking-definition",)  # never versioned, never revoked
ONE_MS = dt.timedelta(milliseconds=1)
PUBLISH_LOCK = 0x5715_0001  # the advisory lock publications take on PostgreSQL


@dataclass(frozen=True)
class Published:
    """What one publication stored: new versions by type, and how many were revocations."""

    stored: Mapping[str, int]
    revoked: int

    @property
    def total(self) -> int:
        return sum(self.stored.values())


@dataclass(frozen=True)
class _Latest:
    version: str
    body: dict[str, Any]
    marking: Marking
    actor_id: str | None


@functools.cache
def _map_areas() -> dict[str, Area]:
    """Every admin-1 area of the shipped map (Burkina's regions are made of provinces), with
    a point inside it: published whatever the incidents, so that a location says nothing of
    an incident its reader may not see."""
    index = admin_index()
    parts: dict[str, list[Any]] = defaultdict(list)
    named: dict[str, tuple[str, str]] = {}
    for unit, polygon in zip(index.units, index.polygons, strict=True):
        levels = levels_of(unit)
        code = levels.admin1_code or unit.code
        parts[code].append(polygon)
        named[code] = (levels.admin1_name or unit.name, unit.iso3)
    areas = {}
    for code, polygons in sorted(parts.items()):
        point = shapely.union_all(polygons).representative_point()
        areas[code] = Area(code, *named[code], lat=point.y, lon=point.x)
    return areas


def _area(code: str | None, name: str | None, iso3: str | None) -> Area | None:
    if not code:
        return None
    return _map_areas().get(code) or Area(code, name or code, iso3 or code[:3])


def _incidents(session: Session, groups: Iterable[str]) -> list[Sighted]:
    """Live, real incidents naming an armed group, with every canonical actor they name."""
    live = (Incident.deleted_at.is_(None), Incident.exercise.is_(False))
    named = select(IncidentActor.incident_id).where(IncidentActor.actor_id.in_(list(groups)))
    chosen = select(Incident.id).where(*live, Incident.id.in_(named))
    sides: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for incident_id, role, actor_id in session.execute(
            select(IncidentActor.incident_id, IncidentActor.role, IncidentActor.actor_id)
            .where(IncidentActor.incident_id.in_(chosen), IncidentActor.actor_id.is_not(None))):
        sides[incident_id].add((objects.SIDES.get(role, 1), str(actor_id)))
    rows = session.execute(select(
        Incident.id, Incident.source, Incident.source_id, Incident.occurred_on,
        Incident.occurred_until, Incident.created_at, Incident.updated_at, Incident.tlp,
        Incident.originator, Incident.audience, Incident.admin1_code, Incident.admin1_name,
        Incident.iso3, Incident.description).where(Incident.id.in_(chosen)).order_by(Incident.id))
    return [Sighted(r.id, r.source, r.source_id, r.occurred_on, r.occurred_until,
                    _aware(r.created_at), _aware(r.updated_at), r.tlp, r.originator,
                    r.audience or "", _area(r.admin1_code, r.admin1_name, r.iso3),
                    r.description, tuple(sorted(sides[r.id])))
            for r in rows]


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def drafts(session: Session, registry: ActorRegistry) -> list[Draft]:
    """Every object liptako asserts now."""
    groups = {a.id: a for a in objects.armed_groups(registry)}
    found = _incidents(session, groups)
    areas = dict(_map_areas())
    # an area off the map is published when an incident everyone may read is there; a
    # restricted incident there is sighted without a place
    areas.update((i.area.code, i.area) for i in found
                 if i.area is not None and i.is_open and i.area.code not in areas)
    incidents = [i if i.area is None or i.area.code in areas else replace(i, area=None)
                 for i in found]
    # one sighting per incident and group, whichever side or sides it stood on
    sightings = [objects.sighting(incident, groups[actor_id]) for incident in incidents
                 for actor_id in sorted({a for _side, a in incident.sides} & groups.keys())]
    out = [*objects.identities(i.originator for i in incidents if i.is_open),
           *(objects.civilians(code) for code in MEMBER_STATES),
           *objects.registry_objects(registry),
           *(objects.location(area) for area in areas.values()),
           *sightings,
           *objects.incident_relationships(incidents, groups),
           *objects.monthly_reports(sightings)]
    return [*out, *objects.statement_markings(out)]


def _latest(session: Session) -> dict[str, _Latest]:
    rows = session.execute(
        select(StixObject.stix_id, StixObject.version, StixObject.body, StixObject.tlp,
               StixObject.originator, StixObject.audience, StixObject.actor_id)
        .where(StixObject.origin == "local").order_by(StixObject.stix_id, StixObject.version))
    return {r.stix_id: _Latest(r.version, r.body, Marking(r.tlp, r.originator, r.audience),
                               r.actor_id) for r in rows}


def _content(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("created", "modified")}


def _after(moment: dt.datetime, previous: _Latest | None) -> dt.datetime:
    """``moment``, or just after the version it replaces if that is not earlier."""
    if previous is not None and version_key(timestamp(moment)) <= previous.version:
        return parse_timestamp(previous.version) + ONE_MS
    return moment


def _versioned(draft: Draft, previous: _Latest | None, now: dt.datetime) -> dict[str, Any]:
    modified = _after(draft.modified or now, previous)
    created = draft.created or (parse_timestamp(previous.body["created"]) if previous
                                else modified)
    return {**draft.body, "created": timestamp(created),
            "modified": timestamp(max(modified, created))}


def changes(wanted: list[Draft], latest: Mapping[str, _Latest], now: dt.datetime
            ) -> list[tuple[dict[str, Any], Marking, str | None]]:
    """The new versions: changed or new drafts, then revocations of what is no longer
    asserted."""
    out: list[tuple[dict[str, Any], Marking, str | None]] = []
    for draft in wanted:
        previous = latest.get(draft.body["id"])
        if draft.body["type"] in TIMELESS:
            if previous is None:
                out.append((draft.body, draft.marking, None))
            continue
        if previous is not None and previous.marking == draft.marking \
                and _content(previous.body) == draft.body:
            continue
        out.append((_versioned(draft, previous, now), draft.marking, draft.actor_id))
    asserted = {d.body["id"] for d in wanted}
    for stix_id, previous in sorted(latest.items()):
        if stix_id in asserted or previous.body.get("type") in TIMELESS \
                or previous.body.get("revoked"):
            continue
        body = {**previous.body, "revoked": True,
                "modified": timestamp(_after(now, previous))}
        out.append((body, previous.marking, previous.actor_id))
    return out


def publish(session: Session, *, registry: ActorRegistry, actor: Actor, now: dt.datetime
            ) -> Published:
    """Bring the STIX store up to date with the registry and the incidents; audited when
    anything was stored."""
    new = changes(drafts(session, registry), _latest(session), now)
    if not new:
        return Published({}, 0)
    if session.get_bind().dialect.name == "postgresql":
        # one publication at a time (two readers' exports at once): the second waits for the
        # first to commit, then finds what it stored (SQLite's transactions are serial)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLISH_LOCK})
        new = changes(drafts(session, registry), _latest(session), now)
        if not new:
            return Published({}, 0)
    add_versions(session, new, origin="local", channel="publish", added_by=actor.id, now=now)
    done = Published(dict(sorted(Counter(body["type"] for body, _m, _a in new).items())),
                     sum(1 for body, _m, _a in new if body.get("revoked")))
    audit.record(session, actor=actor, action="stix.publish", target_type="stix_store",
                         target_id=None, now=now,
                         detail={"stored": dict(done.stored), "revoked": done.revoked})
    return done


def export_bundle(session: Session, viewer: Viewer, *, registry: ActorRegistry,
                  by: Actor, now: dt.datetime, actor_id: str | None = None,
                  since: dt.datetime | None = None) -> dict[str, Any]:
    """Publish what changed, then the bundle of what the reader may see (about one actor,
    added after ``since``); an actor the registry does not know: UnknownActor (404)."""
    if actor_id is not None:
        registry.get(actor_id)
    publish(session, registry=registry, actor=by, now=now)
    return read_bundle(session, viewer, actor_id=actor_id, since=since)
