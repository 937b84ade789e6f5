"""Charter facts of a stored incident, derived from its data and the recorded decisions.

National reports state perpetrator and target; for imported events they come from the
canonical actors: the perpetrator from ``actor1``, the target from the event type and
``actor2``. What the data cannot say stays unknown, so the engine names it as missing.
"""

from __future__ import annotations

from typing import Any

from liptako.incidents.models import Incident
from liptako.intel.actors import ActorRegistry

VIOLENT = ("battle", "explosion_remote_violence", "violence_against_civilians")
AES = ("BFA", "MLI", "NER")


def _merge(candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Fields on which every candidate actor agrees (compound "A and/or B" attributions)."""
    if not candidates:
        return None
    merged = {}
    for key in ("kind", "group_type", "state", "actor"):
        values = {c.get(key) for c in candidates}
        merged[key] = values.pop() if len(values) == 1 else None
    if merged["actor"] is None:
        merged.pop("actor")
    return {k: v for k, v in merged.items() if v is not None} or None


def _actor_facts(incident: Incident, registry: ActorRegistry, role: str) -> list[dict[str, Any]]:
    out = []
    for link in incident.actors:
        if link.role == role and link.actor_id and registry.has(link.actor_id):
            out.append(registry.get(link.actor_id).charter_facts())
    return out


def _target(incident: Incident, registry: ActorRegistry) -> dict[str, Any] | None:
    if incident.event_type == "violence_against_civilians":
        return {"kind": "civilians"}
    kinds = set()
    party = None
    for link in incident.actors:
        if link.role != "actor2" or not link.actor_id or not registry.has(link.actor_id):
            continue
        actor = registry.get(link.actor_id)
        if actor.kind == "civilians":
            kinds.add("civilians")
        elif actor.kind == "state":
            kinds.add("state_forces")
            party = actor.state
        else:
            kinds.add("other")
    if len(kinds) != 1 or "other" in kinds:
        return None  # an armed group, a mix, or nobody: the data do not say
    kind = kinds.pop()
    return {"kind": kind, "party": party} if party else {"kind": kind}


def derive_facts(incident: Incident, registry: ActorRegistry,
                 classifications: dict[str, bool] | None = None) -> dict[str, Any]:
    """The FACTS.json object of CHARTER_CONTRACT.md for one stored incident."""
    facts: dict[str, Any] = {"id": str(incident.id),
                             "occurred_on": incident.occurred_on.isoformat()}
    if incident.lat is not None and incident.lon is not None:
        facts["location"] = {"lat": incident.lat, "lon": incident.lon}
    elif incident.iso3:
        facts["location"] = {"country": incident.iso3}
    reported = dict(incident.reported or {})
    perpetrator = reported.get("perpetrator") or _merge(_actor_facts(incident, registry,
                                                                     "actor1"))
    if perpetrator:
        facts["perpetrator"] = perpetrator
    target = reported.get("target") or _target(incident, registry)
    if target:
        facts["target"] = target
    default_acts = ["armed_attack"] if incident.event_type in VIOLENT else []
    facts["acts"] = reported.get("acts", default_acts)
    for key in ("launched_from", "host_permitted"):
        if key in reported:
            facts[key] = reported[key]
    if classifications:
        facts["classification"] = dict(classifications)
    return facts
