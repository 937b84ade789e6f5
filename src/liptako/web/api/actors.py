"""Threat actors: the canonical actors with their names, lineage and activity as the caller
may see it, and the analysts' edits of names and lineage links."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from liptako.core.clock import utcnow
from liptako.intel import service
from liptako.intel.rules import FAMILIES
from liptako.intel.schemas import (
    ACTOR_ID,
    ActorOut,
    ActorSummary,
    AliasIn,
    AliasOut,
    LinkIn,
    LinkOut,
)
from liptako.web.actor_view import actor_list, actor_out
from liptako.web.deps import RecordId, SessionDep
from liptako.web.security import CurrentPrincipal

router = APIRouter(prefix="/actors", tags=["actors"])
ActorId = Annotated[str, Path(max_length=64, pattern=ACTOR_ID)]
Family = Annotated[str | None, Query(pattern=f"^({'|'.join(FAMILIES)})$")]
Country = Annotated[str | None, Query(pattern="^[A-Z]{3}$")]


@router.get("", response_model=list[ActorSummary])
def list_actors(principal: CurrentPrincipal, session: SessionDep, family: Family = None,
                country: Country = None) -> list[ActorSummary]:
    """The canonical actors the registry ships (not the per-country family members such as
    each state's forces), of a family (group type, or kind for other than armed groups) and
    a home country if given, each with the number of events the caller may see."""
    return actor_list(session, service.registry(session), principal.viewer, family=family,
                      country=country)


@router.get("/{actor_id}", response_model=ActorOut)
def get_actor(actor_id: ActorId, principal: CurrentPrincipal, session: SessionDep) -> ActorOut:
    """An actor, its names, lineage and components, and its and its components' activity
    over the events the caller may see."""
    return actor_out(session, service.registry(session), principal.viewer, actor_id)


@router.post("/{actor_id}/aliases", response_model=AliasOut,
             status_code=status.HTTP_201_CREATED)
def add_alias(actor_id: ActorId, body: AliasIn, principal: CurrentPrincipal,
              session: SessionDep) -> AliasOut:
    """Add a name (analysts and the secretariat); 409 when another actor holds it."""
    row = service.add_alias(session, actor_id, body, actor=principal.actor,
                            roles=tuple(principal.user.roles), now=utcnow())
    return AliasOut(id=row.id, name=row.name, lang=row.lang, source=row.source,
                    valid_from=row.valid_from, valid_to=row.valid_to,
                    added_by=row.created_by_name, added_at=row.created_at)


@router.delete("/{actor_id}/aliases/{alias_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_alias(actor_id: ActorId, alias_id: RecordId, principal: CurrentPrincipal,
                 session: SessionDep) -> None:
    """Remove a name an analyst added (kept, marked removed)."""
    service.remove_alias(session, actor_id, alias_id, actor=principal.actor,
                         roles=tuple(principal.user.roles), now=utcnow())


@router.post("/{actor_id}/lineage", response_model=LinkOut,
             status_code=status.HTTP_201_CREATED)
def add_lineage(actor_id: ActorId, body: LinkIn, principal: CurrentPrincipal,
                session: SessionDep) -> LinkOut:
    """Link a predecessor or successor (analysts and the secretariat)."""
    row = service.add_lineage(session, actor_id, body, actor=principal.actor,
                              roles=tuple(principal.user.roles), now=utcnow())
    return LinkOut(id=row.id, relation=body.relation, actor_id=row.other_id,
                   name=service.registry(session).get(row.other_id).name, on=row.linked_on,
                   added_by=row.created_by_name, added_at=row.created_at)


@router.delete("/{actor_id}/lineage/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_lineage(actor_id: ActorId, link_id: RecordId, principal: CurrentPrincipal,
                   session: SessionDep) -> None:
    """Remove a lineage link an analyst added (kept, marked removed)."""
    service.remove_lineage(session, actor_id, link_id, actor=principal.actor,
                           roles=tuple(principal.user.roles), now=utcnow())
