"""An actor as the API and its page show it: the registry in effect (:mod:`liptako.intel`)
and what the events the reader may see say of it (:mod:`liptako.incidents.activity`), put
together once for both."""

from __future__ import annotations

from sqlalchemy.orm import Session

from liptako.auth.releasability import Viewer
from liptako.incidents import activity as incident_activity
from liptako.intel import queries
from liptako.intel.actors import ActorRegistry
from liptako.intel.schemas import (
    ActivityOut,
    ActorOut,
    ActorSummary,
    AreaOut,
    IncidentRef,
    MonthOut,
    TargetOut,
)


def actor_list(session: Session, registry: ActorRegistry, viewer: Viewer, *,
               family: str | None, country: str | None) -> list[ActorSummary]:
    """The shipped canonical actors of a family and home country, with the number of events
    the reader may see for each (its own, not its components')."""
    counts = incident_activity.events_by_actor(session, viewer)
    return [ActorSummary(id=a.id, name=a.name, kind=a.kind, group_type=a.group_type,
                         state=a.state, parent=a.parent, events=counts.get(a.id, 0))
            for a in queries.listed(registry, family_=family, country=country)]


def actor_out(session: Session, registry: ActorRegistry, viewer: Viewer,
              actor_id: str) -> ActorOut:
    """The actor (unknown: NotFound), its names, lineage, components and its activity with
    its components', as the reader may see it."""
    actor = registry.get(actor_id)
    parts = queries.components(registry, actor_id)
    found = incident_activity.actor_activity(session, viewer, [actor_id, *(p.id for p in parts)])
    targets = []
    for other, n in found.targets:
        known = registry.get(other) if registry.has(other) else None
        targets.append(TargetOut(actor_id=other, name=known.name if known else other,
                                 kind=known.kind if known else "unknown", events=n))
    return ActorOut(
        id=actor.id, name=actor.name, kind=actor.kind, group_type=actor.group_type,
        state=actor.state, parent=actor.parent, valid_from=actor.valid_from,
        valid_to=actor.valid_to, description=actor.description,
        aliases=queries.aliases_out(actor_id, queries.added_aliases(session, actor_id)),
        lineage=queries.lineage_out(registry, actor_id, queries.added_links(session, actor_id)),
        components=[p.id for p in parts],
        activity=ActivityOut(
            events=found.events, fatalities=found.fatalities,
            months=[MonthOut.model_validate(m) for m in found.months],
            areas=[AreaOut.model_validate(a) for a in found.areas], targets=targets,
            latest=[IncidentRef.model_validate(i) for i in found.latest]))
