"""What liptako publishes in STIX 2.1, built from plain values: the actor registry, the member
states and sources, and the incidents attributed to armed groups.

Pure: each builder returns :class:`Draft` objects (a body without its version timestamps,
the marking it is released under, the actor it is about); :mod:`liptako.obligations.
stix_publish` compares them with the store and stores a new version only when one changed.

Choices the specification leaves open:

- a non-state armed group is a ``threat-actor``; a *component* of one (an id under its
  parent's, such as ``jnim.macina`` in ``jnim``) is an ``intrusion-set`` ``attributed-to``
  its parent; an affiliate (JNIM of AQIM) stays a threat-actor, ``related-to`` its parent.
- lineage (a successor and its predecessor) is ``related-to`` with a description saying
  which succeeded which: ``derived-from`` is about where *information* comes from (and must
  not stand in for versioning), not about one group becoming another.
- areas of operation are ``located-at`` from threat-actors only (the relationship the
  specification suggests for them; it suggests none such for intrusion-sets).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from liptako.auth.releasability import TLP_LEVELS
from liptako.auth.rules import MEMBER_STATES, SECRETARIAT
from liptako.intel.actors import Actor, ActorRegistry
from liptako.intel.stix import (
    SPEC_VERSION,
    TLP2_CREATED,
    TLP2_IDS,
    statement_marking,
    stix_id,
    timestamp,
)
from liptako.intel.stix_store import OPEN_LEVELS, STATE_NAMES, Marking

GROUP_KINDS = ("non_state_armed_group", "criminal_group")
THREAT_ACTOR_TYPES = {"jihadist": ["terrorist"], "criminal_group": ["crime-syndicate"]}
SOURCE_NAMES = {"ACLED": "Armed Conflict Location & Event Data (ACLED)",
                "UCDP": "Uppsala Conflict Data Program (UCDP)"}
ALPHA2 = {"MLI": "ML", "BFA": "BF", "NER": "NE", "DZA": "DZ", "MRT": "MR", "SEN": "SN",
          "GIN": "GN", "CIV": "CI", "GHA": "GH", "TGO": "TG", "BEN": "BJ", "NGA": "NG",
          "TCD": "TD", "LBY": "LY"}
REGISTRY_MARKING = Marking("CLEAR", SECRETARIAT)
SIDES = {"actor1": 1, "assoc_actor_1": 1, "actor2": 2, "assoc_actor_2": 2}


@dataclass(frozen=True)
class Draft:
    """An object as liptako would publish it now, without its version timestamps.

    The publisher stamps them: ``created`` is this one, else the first version's; ``modified``
    is this one (a sighting's: its incident's last change), else the time of publishing,
    and always later than the stored version it replaces.
    """

    body: dict[str, Any]
    marking: Marking
    actor_id: str | None = None
    created: dt.datetime | None = None
    modified: dt.datetime | None = None


@dataclass(frozen=True)
class Area:
    """An admin-1 area: the place of a sighting and of an area of operations."""

    code: str
    name: str
    iso3: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Sighted:
    """One live, real incident with the canonical actors it names, by side (1 or 2)."""

    incident_id: int
    source: str
    source_id: str
    occurred_on: dt.date
    occurred_until: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    tlp: str
    originator: str
    audience: str
    area: Area | None
    description: str | None
    sides: tuple[tuple[int, str], ...] = field(default=())

    @property
    def is_open(self) -> bool:
        return self.tlp in OPEN_LEVELS


def _base(stix_type: str, object_id: str, marking: Marking) -> dict[str, Any]:
    refs = [TLP2_IDS[marking.tlp]]
    if marking.tlp not in OPEN_LEVELS:
        refs.append(statement_marking(marking.originator, marking.audience,
                                      created=TLP2_CREATED)["id"])
    return {"type": stix_type, "spec_version": SPEC_VERSION, "id": object_id,
            "object_marking_refs": refs}


def identity_id(code: str) -> str:
    return stix_id("identity", code)


def identities(originators: Iterable[str]) -> list[Draft]:
    """The member states, the secretariat, and every other originator (a dataset)."""
    out = []
    for code in sorted({*MEMBER_STATES, SECRETARIAT, *originators}):
        body = _base("identity", identity_id(code), REGISTRY_MARKING)
        if code in MEMBER_STATES:
            body.update(name=STATE_NAMES[code], identity_class="organization",
                        sectors=["government-national"],
                        description=f"{STATE_NAMES[code]}, member state of the AES")
        elif code == SECRETARIAT:
            body.update(name="AES Secretariat", identity_class="organization",
                        sectors=["government"])
        else:
            body.update(name=SOURCE_NAMES.get(code, code), identity_class="organization",
                        description=f"Source of public event data ({code})")
        out.append(Draft(body, REGISTRY_MARKING))
    return out


def civilians_id(iso3: str) -> str:
    return stix_id("identity", "civilians", iso3)


def civilians(iso3: str) -> Draft:
    body = _base("identity", civilians_id(iso3), REGISTRY_MARKING)
    body.update(name=f"Civilians ({STATE_NAMES.get(iso3, iso3)})", identity_class="class")
    return Draft(body, REGISTRY_MARKING)


def armed_groups(registry: ActorRegistry) -> list[Actor]:
    """The registry's armed groups, each published as a threat-actor or an intrusion-set."""
    return sorted((a for a in registry.actors.values() if a.kind in GROUP_KINDS),
                  key=lambda a: a.id)


def is_component(actor: Actor) -> bool:
    return actor.parent is not None and actor.id.startswith(f"{actor.parent}.")


def actor_object_id(actor: Actor) -> str:
    kind = "intrusion-set" if is_component(actor) else "threat-actor"
    return stix_id(kind, actor.id)


def _aliases(actor: Actor) -> list[str]:
    return sorted({a.name for a in actor.aliases} - {actor.name})


def actor_object(actor: Actor) -> Draft:
    """A threat-actor, or an intrusion-set for a component; external reference = its id."""
    object_id = actor_object_id(actor)
    body = _base(object_id.split("--")[0], object_id, REGISTRY_MARKING)
    body.update(name=actor.name, created_by_ref=identity_id(SECRETARIAT),
                external_references=[{"source_name": "liptako", "external_id": actor.id}])
    if actor.description:
        body["description"] = actor.description
    if aliases := _aliases(actor):
        body["aliases"] = aliases
    if body["type"] == "threat-actor":
        types = THREAT_ACTOR_TYPES.get(actor.group_type or actor.kind)
        if types:
            body["threat_actor_types"] = types
    if actor.valid_from:
        body["first_seen"] = timestamp(actor.valid_from)
    if actor.valid_to:
        body["last_seen"] = timestamp(actor.valid_to)
    return Draft(body, REGISTRY_MARKING, actor_id=actor.id)


def relationship(kind: str, source: str, target: str, marking: Marking, *,
                 actor_id: str | None, **extra: Any) -> Draft:
    body = _base("relationship", stix_id("relationship", kind, source, target), marking)
    body.update(relationship_type=kind, source_ref=source, target_ref=target, **extra)
    return Draft(body, marking, actor_id=actor_id)


def registry_objects(registry: ActorRegistry) -> list[Draft]:
    """The armed groups, their parents (components, affiliates) and their lineage."""
    groups = {a.id: a for a in armed_groups(registry)}
    out = [actor_object(a) for a in groups.values()]
    sec = identity_id(SECRETARIAT)
    for actor in groups.values():
        source = actor_object_id(actor)
        parent = groups.get(actor.parent or "")
        if parent is not None:
            component = is_component(actor)
            kind = "attributed-to" if component else "related-to"
            words = "a component of" if component else "an affiliate of"
            out.append(relationship(kind, source, actor_object_id(parent), REGISTRY_MARKING,
                                    actor_id=actor.id, created_by_ref=sec,
                                    description=f"{actor.name} is {words} {parent.name}"))
        for link in registry.lineage(actor.id):
            before = groups.get(link.actor_id)
            if link.relation != "predecessor" or before is None:
                continue
            when = f" on {link.on.isoformat()}" if link.on else ""
            out.append(relationship(
                "related-to", source, actor_object_id(before), REGISTRY_MARKING,
                actor_id=actor.id, created_by_ref=sec,
                description=f"successor: {actor.name} succeeded {before.name}{when}"))
    return out


def location_id(code: str) -> str:
    return stix_id("location", code)


def location(area: Area) -> Draft:
    body = _base("location", location_id(area.code), REGISTRY_MARKING)
    body.update(name=area.name, administrative_area=area.name,
                external_references=[{"source_name": "liptako-admin", "external_id": area.code}])
    if area.iso3 in ALPHA2:
        body["country"] = ALPHA2[area.iso3]
    if area.lat is not None and area.lon is not None:
        body.update(latitude=round(area.lat, 4), longitude=round(area.lon, 4))
    if "country" not in body and "latitude" not in body:
        body["region"] = "western-africa"
    return Draft(body, REGISTRY_MARKING)


def sighting_id(incident: Sighted, actor_id: str) -> str:
    return stix_id("sighting", incident.source, incident.source_id, actor_id)


def sighting(incident: Sighted, actor: Actor) -> Draft:
    """The incident as a sighting of the actor, under the incident's own marking."""
    marking = Marking(incident.tlp, incident.originator, incident.audience)
    body = _base("sighting", sighting_id(incident, actor.id), marking)
    until = incident.occurred_until or incident.occurred_on
    body.update(sighting_of_ref=actor_object_id(actor), count=1,
                first_seen=timestamp(incident.occurred_on),
                last_seen=timestamp(max(until, incident.occurred_on)),
                created_by_ref=identity_id(incident.originator),
                external_references=[{"source_name": incident.source.lower(),
                                      "external_id": incident.source_id}])
    if incident.area is not None:
        body["where_sighted_refs"] = [location_id(incident.area.code)]
    if incident.description:
        body["description"] = incident.description
    return Draft(body, marking, actor_id=actor.id, created=incident.created_at,
                 modified=max(incident.updated_at, incident.created_at))


def target_ids(incident: Sighted, side: int) -> set[str]:
    """The identities the other side of the incident stands for: a member state's forces,
    or civilians of a country."""
    out = set()
    for other_side, actor_id in incident.sides:
        if other_side == side:
            continue
        head, _, rest = actor_id.partition(".")
        code = rest.split(".")[0].upper()
        if head == "state" and code in MEMBER_STATES:
            out.add(identity_id(code))
        elif head == "civilians" and code in MEMBER_STATES:
            out.add(civilians_id(code))
    return out


def _open_marking(incidents: Sequence[Sighted]) -> Marking:
    tlp = max((i.tlp for i in incidents), key=TLP_LEVELS.index)
    return Marking(tlp, SECRETARIAT)


def _span(incidents: Sequence[Sighted]) -> dict[str, str]:
    first = min(i.occurred_on for i in incidents)
    last = max((i.occurred_until or i.occurred_on) for i in incidents)
    return {"start_time": timestamp(first),
            "stop_time": timestamp(max(last, first) + dt.timedelta(days=1))}


def incident_relationships(incidents: Iterable[Sighted], groups: Mapping[str, Actor]
                           ) -> list[Draft]:
    """Areas of operation (located-at) and targets, from incidents everyone may see only:
    a restricted incident never shows through a relationship anyone else can read."""
    areas: dict[tuple[str, str], list[Sighted]] = defaultdict(list)
    targets: dict[tuple[str, str], list[Sighted]] = defaultdict(list)
    for incident in incidents:
        if not incident.is_open:
            continue
        for side, actor_id in incident.sides:
            actor = groups.get(actor_id)
            if actor is None:
                continue
            if incident.area is not None and not is_component(actor):
                areas[actor_id, location_id(incident.area.code)].append(incident)
            for target in target_ids(incident, side):
                targets[actor_id, target].append(incident)
    sec = identity_id(SECRETARIAT)
    out = []
    for kind, pairs in (("located-at", areas), ("targets", targets)):
        for (actor_id, target), found in sorted(pairs.items()):
            out.append(relationship(
                kind, actor_object_id(groups[actor_id]), target, _open_marking(found),
                actor_id=actor_id, created_by_ref=sec, **_span(found),
                description=f"{len(found)} incident(s) everyone may read"))
    return out


def monthly_reports(sightings: Iterable[Draft]) -> list[Draft]:
    """One report per month over the sightings everyone may read."""
    months: dict[str, list[Draft]] = defaultdict(list)
    for drafted in sightings:
        if drafted.marking.tlp in OPEN_LEVELS:
            months[drafted.body["first_seen"][:7]].append(drafted)
    sec = identity_id(SECRETARIAT)
    out = []
    for month, found in sorted(months.items()):
        marking = Marking(max((d.marking.tlp for d in found), key=TLP_LEVELS.index),
                          SECRETARIAT)
        body = _base("report", stix_id("report", "sightings", month), marking)
        modified = max(d.modified for d in found if d.modified is not None)
        body.update(name=f"Armed groups sighted in {month} (incidents everyone may read)",
                    report_types=["threat-report"], created_by_ref=sec,
                    published=timestamp(modified),
                    object_refs=sorted(d.body["id"] for d in found))
        out.append(Draft(body, marking, modified=modified))
    return out


def statement_markings(drafts: Iterable[Draft]) -> list[Draft]:
    """The statement markings the drafts use, each readable by the states it names only:
    that a state shares something with another is no one else's business. (The secretariat
    reads AMBER objects without being named: a bundle gives it their statements with them,
    :func:`liptako.intel.stix_export.read_bundle`.)"""
    seen: dict[str, Draft] = {}
    for drafted in drafts:
        marking = drafted.marking
        if marking.tlp in OPEN_LEVELS:
            continue
        body = statement_marking(marking.originator, marking.audience, created=TLP2_CREATED)
        seen.setdefault(body["id"], Draft(body, Marking("AMBER+STRICT", marking.originator,
                                                        marking.audience)))
    return list(seen.values())
