"""The read side of an actor's activity: what the events a reader may see say about a set of
canonical actors (an actor and its components). The actors are given by id; which ids make
up an actor is the registry's business (:mod:`liptako.intel`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, case, distinct, extract, func, select
from sqlalchemy.orm import Session, aliased

from liptako.auth.releasability import Viewer, visible_clause
from liptako.incidents.models import Incident, IncidentActor

MONTHS = 36
SIDE_ONE = ("actor1", "assoc_actor_1")


@dataclass(frozen=True)
class Month:
    month: dt.date
    events: int
    fatalities: int


@dataclass(frozen=True)
class Area:
    admin1_code: str | None
    admin1_name: str | None
    iso3: str | None
    events: int
    fatalities: int


@dataclass(frozen=True)
class Activity:
    """All the events the reader may see (totals, areas, the other side, the latest) and,
    per month, the ``MONTHS`` up to the newest of them (months without one at zero)."""

    events: int
    fatalities: int
    months: list[Month]
    areas: list[Area]
    targets: list[tuple[str, int]]
    latest: list[Incident]


def _real(viewer: Viewer) -> tuple[ColumnElement[bool], ...]:
    """Events that count: not deleted, not made during an exercise, releasable to the
    reader."""
    return (Incident.deleted_at.is_(None), Incident.exercise.is_(False),
            visible_clause(viewer, Incident))


def _involving(ids: Collection[str]) -> ColumnElement[bool]:
    return Incident.id.in_(select(IncidentActor.incident_id)
                           .where(IncidentActor.actor_id.in_(list(ids))))


def events_by_actor(session: Session, viewer: Viewer) -> dict[str, int]:
    """The number of events the reader may see for every canonical actor id, in one query."""
    rows = session.execute(
        select(IncidentActor.actor_id, func.count(distinct(IncidentActor.incident_id)))
        .join(Incident, Incident.id == IncidentActor.incident_id)
        .where(IncidentActor.actor_id.is_not(None), *_real(viewer))
        .group_by(IncidentActor.actor_id))
    return {str(actor_id): int(n) for actor_id, n in rows}


def actor_activity(session: Session, viewer: Viewer, ids: Collection[str], *,
                   top: int = 8, latest: int = 10) -> Activity:
    """What the events of any of ``ids`` that the reader may see say, in five queries."""
    where = (*_real(viewer), _involving(ids))
    dead = func.coalesce(Incident.fatalities, 0)
    events, fatalities, newest = session.execute(
        select(func.count(Incident.id), func.coalesce(func.sum(dead), 0),
               func.max(Incident.occurred_on)).where(*where)).one()
    if not events:
        return Activity(0, 0, [], [], [], [])
    return Activity(int(events), int(fatalities), _months(session, where, newest),
                    _areas(session, where, top), _targets(session, viewer, ids, top),
                    list(session.scalars(select(Incident).where(*where)
                                         .order_by(Incident.occurred_on.desc(),
                                                   Incident.id.desc()).limit(latest))))


def _shift(month: dt.date, k: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + k
    return dt.date(index // 12, index % 12 + 1, 1)


def _months(session: Session, where: tuple[ColumnElement[bool], ...],
            newest: dt.date) -> list[Month]:
    last = newest.replace(day=1)
    first = _shift(last, 1 - MONTHS)
    year = extract("year", Incident.occurred_on).cast(Integer)
    month = extract("month", Incident.occurred_on).cast(Integer)
    rows = session.execute(
        select(year, month, func.count(Incident.id),
               func.coalesce(func.sum(func.coalesce(Incident.fatalities, 0)), 0))
        .where(*where, Incident.occurred_on >= first).group_by(year, month))
    counts = {dt.date(int(y), int(m), 1): (int(n), int(d)) for y, m, n, d in rows}
    return [Month(day, *counts.get(day, (0, 0)))
            for day in (_shift(first, k) for k in range(MONTHS))]


def _areas(session: Session, where: tuple[ColumnElement[bool], ...], top: int) -> list[Area]:
    n = func.count(Incident.id)
    rows = session.execute(
        select(Incident.admin1_code, Incident.admin1_name, Incident.iso3, n,
               func.coalesce(func.sum(func.coalesce(Incident.fatalities, 0)), 0))
        .where(*where)
        .group_by(Incident.admin1_code, Incident.admin1_name, Incident.iso3)
        .order_by(n.desc(), Incident.admin1_code).limit(top))
    return [Area(code, name, iso3, int(k), int(d)) for code, name, iso3, k, d in rows]


def _targets(session: Session, viewer: Viewer, ids: Collection[str],
             top: int) -> list[tuple[str, int]]:
    """The canonical actors most often on the other side of the events: (id, events)."""
    ours, theirs = aliased(IncidentActor), aliased(IncidentActor)

    def side(row: type[IncidentActor]) -> ColumnElement[int]:
        return case((row.role.in_(SIDE_ONE), 1), else_=2)

    n = func.count(distinct(theirs.incident_id))
    rows = session.execute(
        select(theirs.actor_id, n)
        .join(ours, ours.incident_id == theirs.incident_id)
        .join(Incident, Incident.id == theirs.incident_id)
        .where(ours.actor_id.in_(list(ids)), theirs.actor_id.is_not(None),
               theirs.actor_id.not_in(list(ids)), side(ours) != side(theirs), *_real(viewer))
        .group_by(theirs.actor_id).order_by(n.desc(), theirs.actor_id).limit(top))
    return [(str(actor_id), int(k)) for actor_id, k in rows]
