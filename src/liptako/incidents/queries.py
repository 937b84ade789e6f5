"""Read side of the registry: every reader goes through the releasability predicate."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, extract, func, or_, select
from sqlalchemy.orm import Session, selectinload

from liptako.auth.releasability import Viewer, visible_clause
from liptako.core.errors import NotFound, RuleViolation
from liptako.incidents.models import Incident, IncidentActor, IncidentVersion
from liptako.incidents.rules import search_words
from liptako.incidents.schemas import IncidentFilter, map_feature

MAX_PAGE = 5000


def registry_stats(session: Session) -> dict[str, Any]:
    """Counts over live (not deleted) events, plus the number of deleted ones (CLI, admin)."""
    live = Incident.deleted_at.is_(None)
    events, fatalities, with_admin1 = session.execute(
        select(func.count(), func.coalesce(func.sum(Incident.fatalities), 0),
               func.count(Incident.admin1_code)).where(live)
    ).one()
    by_country = dict(session.execute(
        select(Incident.iso3, func.count()).where(live).group_by(Incident.iso3)
        .order_by(Incident.iso3)
    ).all())
    by_source = dict(session.execute(
        select(Incident.source, func.count()).where(live).group_by(Incident.source)
    ).all())
    deleted = session.scalar(select(func.count()).where(Incident.deleted_at.is_not(None))) or 0
    outside = session.scalar(select(func.count()).where(
        live, Incident.outside_country_km.is_not(None)))
    return {
        "events": int(events or 0), "fatalities": int(fatalities or 0),
        "by_country": {(k or "unknown"): int(v) for k, v in by_country.items()},
        "by_source": {k: int(v) for k, v in by_source.items()},
        "with_admin1": int(with_admin1), "outside_country": int(outside or 0),
        "deleted": int(deleted or 0),
    }


def filtered(viewer: Viewer, flt: IncidentFilter) -> Select[Incident]:
    """The incidents a viewer may see that match a filter (no order, no limit)."""
    stmt = select(Incident).where(visible_clause(viewer, Incident))
    if not flt.include_deleted:
        stmt = stmt.where(Incident.deleted_at.is_(None))
    if flt.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = flt.bbox
        stmt = stmt.where(Incident.lon.between(min_lon, max_lon),
                          Incident.lat.between(min_lat, max_lat))
    if flt.date_from is not None:
        stmt = stmt.where(Incident.occurred_on >= flt.date_from)
    if flt.date_to is not None:
        stmt = stmt.where(Incident.occurred_on <= flt.date_to)
    for column, values in ((Incident.iso3, flt.country), (Incident.event_type, flt.event_type),
                           (Incident.source, flt.source), (Incident.tlp, flt.tlp)):
        if values:
            stmt = stmt.where(column.in_(values))
    if flt.actor:  # the actor and its sub-groups ("jnim" takes "jnim.katiba_macina")
        prefix = flt.actor.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(exists().where(
            IncidentActor.incident_id == Incident.id,
            or_(IncidentActor.actor_id == flt.actor,
                IncidentActor.actor_id.like(f"{prefix}.%", escape="\\"))))
    # every word, case and accents aside, in the description or a place name ("segou" finds
    # "Ségou"): both sides are folded alike (rules.search_words), so LIKE is the same test on
    # SQLite and PostgreSQL
    for word in search_words(flt.q):
        stmt = stmt.where(Incident.search_text.contains(word, autoescape=True))
    return stmt


def encode_cursor(occurred_on: dt.date, incident_id: int) -> str:
    raw = f"{occurred_on.isoformat()}|{incident_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.date, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, ident = raw.split("|")
        return dt.date.fromisoformat(day), int(ident)
    except (ValueError, UnicodeDecodeError):
        raise RuleViolation("cursor: expected the `next` value of a previous page") from None


# what a map feature shows (schemas.map_feature): a page reads these columns, not whole rows,
# and its actors' canonical ids as one text per incident (NULLs, unresolved names, left out)
_FEATURE_COLUMNS = (Incident.id, Incident.occurred_on, Incident.lat, Incident.lon,
                    Incident.event_type, Incident.fatalities, Incident.iso3,
                    Incident.admin1_name, Incident.admin2_name, Incident.source, Incident.tlp,
                    Incident.exercise, Incident.description,
                    select(func.aggregate_strings(IncidentActor.actor_id, ","))
                    .where(IncidentActor.incident_id == Incident.id)
                    .scalar_subquery().label("actor_ids"))


def feature_collection(session: Session, viewer: Viewer, flt: IncidentFilter, *, limit: int,
                       cursor: str | None = None) -> dict[str, Any]:
    """One page of the map's list, newest first, as a GeoJSON FeatureCollection with ``next``
    (the cursor of the following page) when there are more: one statement, whatever the
    page's size."""
    if not 1 <= limit <= MAX_PAGE:
        raise RuleViolation(f"limit: expected 1 to {MAX_PAGE}, got {limit}")
    stmt = filtered(viewer, flt).with_only_columns(*_FEATURE_COLUMNS)
    if cursor:
        day, ident = decode_cursor(cursor)
        stmt = stmt.where(or_(Incident.occurred_on < day,
                              and_(Incident.occurred_on == day, Incident.id < ident)))
    rows = session.execute(stmt.order_by(Incident.occurred_on.desc(), Incident.id.desc())
                           .limit(limit + 1)).all()
    page = rows[:limit]
    body: dict[str, Any] = {"type": "FeatureCollection", "features": [
        map_feature(row, set((row.actor_ids or "").split(",")) - {""}) for row in page]}
    if len(rows) > limit:
        body["next"] = encode_cursor(page[-1].occurred_on, page[-1].id)
    return body


def get_incident(session: Session, viewer: Viewer, incident_id: int) -> Incident:
    """The incident if the viewer may see it; otherwise exactly as if it did not exist."""
    incident = session.scalar(
        select(Incident).where(Incident.id == incident_id, visible_clause(viewer, Incident))
        .options(selectinload(Incident.actors)))
    if incident is None:
        raise NotFound(f"incident {incident_id}: not found")
    return incident


def versions_of(session: Session, incident_id: int) -> list[IncidentVersion]:
    return list(session.scalars(select(IncidentVersion).where(
        IncidentVersion.incident_id == incident_id).order_by(IncidentVersion.version)))


def incident_stats(session: Session, viewer: Viewer, flt: IncidentFilter) -> dict[str, Any]:
    """Counts and fatalities by month and by admin-1 area for what the viewer may see."""
    base = filtered(viewer, flt).subquery()
    total = session.execute(select(func.count(), func.coalesce(func.sum(base.c.fatalities), 0))
                            ).one()
    year, month = extract("year", base.c.occurred_on), extract("month", base.c.occurred_on)
    by_month: list[Any] = list(session.execute(
        select(year, month, func.count(), func.coalesce(func.sum(base.c.fatalities), 0))
        .group_by(year, month).order_by(year, month)))
    by_area: list[Any] = list(session.execute(
        select(base.c.admin1_code, base.c.admin1_name, base.c.iso3, func.count(),
               func.coalesce(func.sum(base.c.fatalities), 0))
        .group_by(base.c.admin1_code, base.c.admin1_name, base.c.iso3)
        .order_by(func.count().desc())))
    unit = func.coalesce(base.c.admin2_code, base.c.admin1_code)
    by_unit: list[Any] = list(session.execute(
        select(unit, func.count(), func.coalesce(func.sum(base.c.fatalities), 0))
        .where(unit.is_not(None)).group_by(unit)))
    return {
        "events": int(total[0]), "fatalities": int(total[1]),
        "by_unit": [{"unit_code": c, "events": int(n), "fatalities": int(f)}
                    for c, n, f in by_unit],
        "by_month": [{"month": f"{int(y):04d}-{int(m):02d}", "events": int(n),
                      "fatalities": int(f)} for y, m, n, f in by_month],
        "by_area": [{"admin1_code": c, "admin1_name": name, "iso3": iso, "events": int(n),
                     "fatalities": int(f)} for c, name, iso, n, f in by_area],
    }


@dataclass(frozen=True)
class DataPeriod:
    """The months of the map's period (their first days): the first and the latest month
    holding incidents, and ``start``, where the default period begins."""

    first: dt.date
    last: dt.date
    start: dt.date


def data_period(session: Session, viewer: Viewer, *, today: dt.date,
                recent: int = 12) -> DataPeriod | None:
    """The months holding incidents the viewer may see, none after today; the default period
    covers the latest ``recent`` of them, so that it holds data even after a gap (a report
    made today after an import that ended years ago). None when there are no incidents.

    One index seek per month, newest first, rather than grouping the whole table."""
    if recent < 1:
        raise RuleViolation(f"recent: expected at least 1 month, got {recent}")
    shown = (visible_clause(viewer, Incident), Incident.deleted_at.is_(None),
             Incident.occurred_on <= today)
    first = session.scalar(select(func.min(Incident.occurred_on)).where(*shown))
    if first is None:
        return None
    months: list[dt.date] = []
    before = today + dt.timedelta(days=1)
    while len(months) < recent and before > first:
        latest = session.scalar(select(func.max(Incident.occurred_on))
                                .where(*shown, Incident.occurred_on < before))
        if latest is None:
            break
        before = latest.replace(day=1)
        months.append(before)
    return DataPeriod(first=first.replace(day=1), last=months[0], start=months[-1])
