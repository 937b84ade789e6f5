"""Analysts' edits of the actor registry (names and lineage links), and the registry in
effect: the shipped one with those edits. Each edit checks who acts, validates, stores,
records one audit entry and flushes; the caller owns the transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from liptako.intel import actors_loader, rules
from liptako.intel.actors import ActorRegistry, Alias, LineageLink, Relation, UnknownActor
from liptako.intel.models import ActorAlias, ActorLink
from liptako.intel.schemas import AliasIn, LinkIn


def registry(session: Session) -> ActorRegistry:
    """The registry in effect: the shipped one with the aliases and lineage links analysts
    added and did not remove (a new registry; the shipped one stays cached as it is).

    The same edits give the same registry object, so the importers' and the matcher's
    caches (kept per registry) hold while the edits do not change.
    """
    alias_rows = tuple(session.execute(
        select(*ALIAS_FIELDS).where(ActorAlias.removed_at.is_(None)).order_by(ActorAlias.id)))
    link_rows = tuple(session.execute(
        select(*LINK_FIELDS).where(ActorLink.removed_at.is_(None)).order_by(ActorLink.id)))
    if not alias_rows and not link_rows:
        return ActorRegistry.load()
    key = (alias_rows, link_rows)
    found = _IN_EFFECT.get(key)
    if found is None:
        found = _with_edits(alias_rows, link_rows)
        _IN_EFFECT.clear()  # the edits only grow or shrink: an older set is not asked again
        _IN_EFFECT[key] = found
    return found


ALIAS_FIELDS = (ActorAlias.actor_id, ActorAlias.name, ActorAlias.lang, ActorAlias.source,
                ActorAlias.valid_from, ActorAlias.valid_to)
LINK_FIELDS = (ActorLink.actor_id, ActorLink.relation, ActorLink.other_id, ActorLink.linked_on)
_IN_EFFECT: dict[tuple[Any, ...], ActorRegistry] = {}


def _with_edits(alias_rows: tuple[Any, ...], link_rows: tuple[Any, ...]) -> ActorRegistry:
    base = ActorRegistry.load()
    aliases: dict[str, list[Alias]] = defaultdict(list)
    links: dict[str, list[LineageLink]] = defaultdict(list)
    held: dict[str, list[Alias]] = {}
    for actor_id, name, lang, source, valid_from, valid_to in alias_rows:
        alias = Alias(name=name, lang=lang, source=source, valid_from=valid_from,
                      valid_to=valid_to)
        same = held.setdefault(alias.key, [a for _, a in base.lookup(alias.name)])
        # two edits made at once can clash (each checked before the other was stored): the
        # older stands; an edit of an actor the shipped data no longer has is left out
        if base.has(actor_id) and not any(actors_loader.overlaps(alias, a) for a in same):
            same.append(alias)
            aliases[actor_id].append(alias)
    for actor_id, relation, other_id, linked_on in link_rows:
        if base.has(actor_id) and base.has(other_id):
            kind: Relation = "predecessor" if relation == "predecessor" else "successor"
            links[actor_id].append(LineageLink(kind, other_id, linked_on))
    return actors_loader.with_edits(base, {k: tuple(v) for k, v in aliases.items()},
                                    {k: tuple(v) for k, v in links.items()})


def _editor(actor: audit.Actor, roles: tuple[str, ...], action: str) -> None:
    if not rules.may_edit(roles, actor.state):
        raise PermissionDenied(f"{action}: expected an analyst or the secretariat, got a "
                               f"{actor.state} {'/'.join(roles) or 'user without a role'}")


def _known(current: ActorRegistry, actor_id: str, field: str = "actor") -> None:
    if not current.has(actor_id):
        raise UnknownActor(f"{field}: no actor has the id {actor_id!r}")


def _period(alias: Alias) -> str:
    start = alias.valid_from.isoformat() if alias.valid_from else "the start"
    end = alias.valid_to.isoformat() if alias.valid_to else "now"
    return f"from {start} to {end}"


def add_alias(session: Session, actor_id: str, payload: AliasIn, *, actor: audit.Actor,
              roles: tuple[str, ...], now: dt.datetime) -> ActorAlias:
    """An analyst adds a name to an actor; refused when another actor (or this one) already
    holds a name that matches the same strings in an overlapping period."""
    _editor(actor, roles, "actor alias")
    current = registry(session)
    _known(current, actor_id)
    try:
        alias = Alias(name=payload.name, lang=payload.lang, source=payload.source,
                      valid_from=payload.valid_from, valid_to=payload.valid_to)
    except ValueError as exc:
        raise RuleViolation(f"actor {actor_id}: {exc}") from None
    for holder, held in current.lookup(alias.name):
        if actors_loader.overlaps(alias, held):
            whose = "this actor" if holder == actor_id else \
                f"{holder} ({current.get(holder).name})"
            raise Conflict(f"alias {alias.name!r}: {whose} already has the name "
                           f"{held.name!r} {_period(held)}; expected a name no actor holds "
                           "in an overlapping period",
                           reason="alias_own" if holder == actor_id else "alias_held",
                           params={"name": held.name, "holder": current.get(holder).name})
    row = ActorAlias(actor_id=actor_id, name=alias.name, lang=alias.lang, source=alias.source,
                     valid_from=alias.valid_from, valid_to=alias.valid_to,
                     created_by=actor.id, created_by_name=actor.name, created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="actor.alias_add", target_type="actor",
                 target_id=actor_id, now=now, after=_alias_snapshot(row))
    return row


def remove_alias(session: Session, actor_id: str, alias_id: int, *, actor: audit.Actor,
                 roles: tuple[str, ...], now: dt.datetime) -> ActorAlias:
    """An analyst removes a name an analyst added (the shipped names stay); the row is
    kept, marked removed."""
    _editor(actor, roles, "actor alias")
    row = session.get(ActorAlias, alias_id)
    if row is None or row.actor_id != actor_id or row.removed_at is not None:
        raise NotFound(f"actor {actor_id}: no alias {alias_id} added by an analyst and not "
                       "removed (shipped names cannot be removed)")
    row.removed_by, row.removed_by_name, row.removed_at = actor.id, actor.name, now
    session.flush()
    audit.record(session, actor=actor, action="actor.alias_remove", target_type="actor",
                 target_id=actor_id, now=now, before=_alias_snapshot(row),
                 detail={"alias_id": row.id})
    return row


def add_lineage(session: Session, actor_id: str, payload: LinkIn, *, actor: audit.Actor,
                roles: tuple[str, ...], now: dt.datetime) -> ActorLink:
    """An analyst links an actor to a predecessor or successor (renaming, merger,
    dissolution); refused for the actor itself or a link it already has."""
    _editor(actor, roles, "actor lineage")
    current = registry(session)
    _known(current, actor_id)
    _known(current, payload.other_id, "other_id")
    if payload.other_id == actor_id:
        raise RuleViolation(f"other_id: expected another actor than {actor_id} itself",
                            reason="lineage_self")
    for link in current.lineage(actor_id):
        if link.actor_id == payload.other_id:
            raise Conflict(f"actor {actor_id}: {payload.other_id} is already its "
                           f"{link.relation}; expected a link it does not have",
                           reason="lineage_exists", params={"other": payload.other_id})
    row = ActorLink(actor_id=actor_id, relation=payload.relation, other_id=payload.other_id,
                    linked_on=payload.on, created_by=actor.id, created_by_name=actor.name,
                    created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="actor.lineage_add", target_type="actor",
                 target_id=actor_id, now=now, after=_link_snapshot(row))
    return row


def remove_lineage(session: Session, actor_id: str, link_id: int, *, actor: audit.Actor,
                   roles: tuple[str, ...], now: dt.datetime) -> ActorLink:
    """An analyst removes a link an analyst added, from either of its actors' side."""
    _editor(actor, roles, "actor lineage")
    row = session.scalar(select(ActorLink).where(
        ActorLink.id == link_id, ActorLink.removed_at.is_(None),
        or_(ActorLink.actor_id == actor_id, ActorLink.other_id == actor_id)))
    if row is None:
        raise NotFound(f"actor {actor_id}: no lineage link {link_id} added by an analyst and "
                       "not removed (shipped links cannot be removed)")
    row.removed_by, row.removed_by_name, row.removed_at = actor.id, actor.name, now
    session.flush()
    audit.record(session, actor=actor, action="actor.lineage_remove", target_type="actor",
                 target_id=row.actor_id, now=now, before=_link_snapshot(row),
                 detail={"link_id": row.id})
    return row


def _alias_snapshot(row: ActorAlias) -> dict[str, Any]:
    return {"id": row.id, "actor_id": row.actor_id, "name": row.name, "lang": row.lang,
            "source": row.source, "valid_from": _day(row.valid_from),
            "valid_to": _day(row.valid_to)}


def _link_snapshot(row: ActorLink) -> dict[str, Any]:
    return {"id": row.id, "actor_id": row.actor_id, "relation": row.relation,
            "other_id": row.other_id, "on": _day(row.linked_on)}


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
