"""The read side of the actor registry: the actors a list shows, an actor's names and
lineage (shipped and added by analysts), its components and its lineage over time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from liptako.intel.actors import Actor, ActorRegistry
from liptako.intel.models import ActorAlias, ActorLink
from liptako.intel.rules import family
from liptako.intel.schemas import AliasOut, LinkOut


@dataclass(frozen=True)
class Step:
    """One change in a lineage: ``before`` became (part of) ``after`` on ``on``."""

    before: str
    after: str
    on: dt.date | None


def added_aliases(session: Session, actor_id: str) -> list[ActorAlias]:
    """The names analysts added to the actor and did not remove, oldest first."""
    return list(session.scalars(select(ActorAlias).where(
        ActorAlias.actor_id == actor_id, ActorAlias.removed_at.is_(None))
        .order_by(ActorAlias.id)))


def added_links(session: Session, actor_id: str) -> list[ActorLink]:
    """The lineage links analysts added on either side of the actor and did not remove."""
    return list(session.scalars(select(ActorLink).where(
        or_(ActorLink.actor_id == actor_id, ActorLink.other_id == actor_id),
        ActorLink.removed_at.is_(None)).order_by(ActorLink.id)))


def listed(registry: ActorRegistry, *, family_: str | None = None,
           country: str | None = None) -> list[Actor]:
    """The canonical actors the registry ships (its explicit actors, not the per-country
    family members it makes on demand), of a family and a home country if given, by name."""
    shipped = ActorRegistry.load().actors
    return sorted((registry.get(actor_id) for actor_id in shipped
                   if (family_ is None or family(shipped[actor_id]) == family_)
                   and (country is None or shipped[actor_id].state == country)),
                  key=lambda a: a.name.casefold())


def components(registry: ActorRegistry, actor_id: str) -> list[Actor]:
    """The actors whose parent is this one, by name."""
    return sorted((a for a in registry.actors.values() if a.parent == actor_id),
                  key=lambda a: a.name.casefold())


def lineage_chain(registry: ActorRegistry, actor_id: str) -> list[Step]:
    """Every change that led to the actor or followed from it, through its predecessors'
    predecessors and its successors' successors, in order of date (undated last)."""
    steps: set[Step] = set()
    for relation in ("predecessor", "successor"):
        seen, todo = {actor_id}, [actor_id]
        while todo:
            current = todo.pop()
            for link in registry.lineage(current):
                if link.relation != relation:
                    continue
                before, after = (link.actor_id, current) if relation == "predecessor" else \
                    (current, link.actor_id)
                steps.add(Step(before, after, link.on))
                if link.actor_id not in seen:
                    seen.add(link.actor_id)
                    todo.append(link.actor_id)
    return sorted(steps, key=lambda s: (s.on is None, s.on or dt.date.min, s.after, s.before))


def aliases_out(actor_id: str, added: list[ActorAlias]) -> list[AliasOut]:
    """The shipped names (no id) then those analysts added."""
    shipped = ActorRegistry.load().get(actor_id).aliases
    return [AliasOut(id=None, name=a.name, lang=a.lang, source=a.source,
                     valid_from=a.valid_from, valid_to=a.valid_to) for a in shipped] + [
        AliasOut(id=row.id, name=row.name, lang=row.lang, source=row.source,
                 valid_from=row.valid_from, valid_to=row.valid_to,
                 added_by=row.created_by_name, added_at=row.created_at) for row in added]


def lineage_out(registry: ActorRegistry, actor_id: str,
                added: list[ActorLink]) -> list[LinkOut]:
    """The actor's predecessors and successors, whichever side declared them, each with the
    analyst's row that added it, if one did; by date."""
    rows: dict[tuple[str, str], ActorLink] = {}
    for row in added:
        if row.actor_id == actor_id:
            rows[(row.relation, row.other_id)] = row
        else:
            inverse = "successor" if row.relation == "predecessor" else "predecessor"
            rows[(inverse, row.actor_id)] = row
    out = []
    for link in registry.lineage(actor_id):
        made = rows.get((link.relation, link.actor_id))
        out.append(LinkOut(id=made.id if made else None, relation=link.relation,
                           actor_id=link.actor_id, name=registry.get(link.actor_id).name,
                           on=link.on, added_by=made.created_by_name if made else None,
                           added_at=made.created_at if made else None))
    return sorted(out, key=lambda x: (x.on is None, x.on or dt.date.min, x.actor_id))
