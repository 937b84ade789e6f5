"""Read side of the registry: every reader goes through the releasability predicate."""

from __future__ import annotations

import base64
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    exists,
    extract,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, selectinload

from liptako.auth.releasability import (
    Viewer,
    visible_clause,
    visible_params,
    visible_shape,
    visible_template,
)
from liptako.core.db import execute_compiled
from liptako.core.errors import NotFound, RuleViolation
from liptako.incidents.models import Incident, IncidentActor, IncidentVersion
from liptako.incidents.rules import lon_band
from liptako.incidents.schemas import IncidentFilter

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


class _Shape(NamedTuple):
    """What a filtered statement's SQL depends on (its values are bound parameters)."""

    secretariat: bool
    acts: bool
    include_deleted: bool
    bbox: bool
    date_from: bool
    date_to: bool
    lists: tuple[int, int, int, int]  # how many countries, event types, sources, TLPs
    actor: bool


_LISTS = ((Incident.iso3, "country"), (Incident.event_type, "event_type"),
          (Incident.source, "source"), (Incident.tlp, "tlp"))


def _like_prefix(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"


def _shape(viewer: Viewer, flt: IncidentFilter) -> tuple[_Shape, dict[str, Any]]:
    secretariat, acts = visible_shape(viewer)
    params: dict[str, Any] = visible_params(viewer)
    if flt.bbox is not None:
        params.update(zip(("min_lon", "min_lat", "max_lon", "max_lat"), flt.bbox, strict=True))
    if flt.date_from is not None:
        params["date_from"] = flt.date_from
    if flt.date_to is not None:
        params["date_to"] = flt.date_to
    lists = []
    for _column, name in _LISTS:
        values = getattr(flt, name)
        params.update({f"filter_{name}_{i}": v for i, v in enumerate(values)})
        lists.append(len(values))
    if flt.actor:
        params["actor"], params["actor_prefix"] = flt.actor, _like_prefix(flt.actor)
    shape = _Shape(secretariat, acts, flt.include_deleted, flt.bbox is not None,
                   flt.date_from is not None, flt.date_to is not None,
                   (lists[0], lists[1], lists[2], lists[3]), bool(flt.actor))
    return shape, params


@functools.lru_cache(maxsize=512)
def _filtered_template(shape: _Shape) -> Select[Incident]:
    stmt = select(Incident).where(
        visible_template(Incident, secretariat=shape.secretariat, acts=shape.acts))
    if not shape.include_deleted:
        stmt = stmt.where(Incident.deleted_at.is_(None))
    if shape.bbox:
        stmt = stmt.where(Incident.lon.between(bindparam("min_lon"), bindparam("max_lon")),
                          Incident.lat.between(bindparam("min_lat"), bindparam("max_lat")))
    if shape.date_from:
        stmt = stmt.where(Incident.occurred_on >= bindparam("date_from"))
    if shape.date_to:
        stmt = stmt.where(Incident.occurred_on <= bindparam("date_to"))
    for (column, name), count in zip(_LISTS, shape.lists, strict=True):
        if count:
            stmt = stmt.where(column.in_([bindparam(f"filter_{name}_{i}") for i in range(count)]))
    if shape.actor:
        stmt = stmt.where(exists().where(
            IncidentActor.incident_id == Incident.id,
            or_(IncidentActor.actor_id == bindparam("actor"),
                IncidentActor.actor_id.like(bindparam("actor_prefix"), escape="\\"))))
    return stmt


def filtered(viewer: Viewer, flt: IncidentFilter) -> Select[Incident]:
    """The incidents a viewer may see that match a filter (no order, no limit)."""
    shape, params = _shape(viewer, flt)
    return _filtered_template(shape).params(params)


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


# a page's rows: id, day (for the cursor) and the stored feature fragment (page_body makes
# each a whole feature: put together here rather than by the database, whose share of a page
# is the larger)
FEATURE_COLUMNS = (Incident.id, cast(Incident.occurred_on, String), Incident.feature)


MAX_BANDS = 8
"""A box spanning up to this many degrees of longitude is read band by band."""


def _page_rows(stmt: Any, cursor: bool) -> Any:
    """``stmt`` past the cursor (if any), in page order, one page long."""
    if cursor:
        stmt = stmt.where(or_(Incident.occurred_on < bindparam("cursor_day"),
                              and_(Incident.occurred_on == bindparam("cursor_day"),
                                   Incident.id < bindparam("cursor_id"))))
    return (stmt.order_by(Incident.occurred_on.desc(), Incident.id.desc())
            .limit(bindparam("page_rows", type_=Integer)))


@functools.lru_cache(maxsize=512)
def _page_template(shape: _Shape, cursor: bool, bands: int) -> Select[Any]:
    """One page of the filtered incidents; with ``bands``, read as that many bands of a degree
    of longitude (``band_0``, ..): each band walks its own entries of the band index in page
    order and the database merges them, taking from each only what the page needs, instead of
    walking every entry of the period to test each against the box."""
    filtered_ = _filtered_template(shape)
    if not bands:
        plain: Select[Any] = _page_rows(filtered_.with_only_columns(*FEATURE_COLUMNS), cursor)
        return plain
    columns = (Incident.id, Incident.occurred_on, Incident.feature)
    parts = [_page_rows(filtered_.with_only_columns(*columns)
                        .where(Incident.lon_band == bindparam(f"band_{i}", type_=Integer)),
                        cursor).subquery(f"band_{i}")
             for i in range(bands)]
    merged = union_all(*[select(*part.c) for part in parts]).subquery("page")
    page: Select[Any] = (select(merged.c.id, cast(merged.c.occurred_on, String), merged.c.feature)
                         .order_by(merged.c.occurred_on.desc(), merged.c.id.desc())
                         .limit(bindparam("page_rows", type_=Integer)))
    return page


def page_query(viewer: Viewer, flt: IncidentFilter, *, limit: int,
               cursor: str | None = None) -> tuple[Select[Any], dict[str, Any]]:
    """The cached statement of one page of the map's list and its values (one row more than
    ``limit``, to tell whether there is a next page); rows go to :func:`page_body`."""
    if not 1 <= limit <= MAX_PAGE:
        raise RuleViolation(f"limit: expected 1 to {MAX_PAGE}, got {limit}")
    shape, params = _shape(viewer, flt)
    if cursor:
        params["cursor_day"], params["cursor_id"] = decode_cursor(cursor)
    params["page_rows"] = limit + 1
    bands = 0
    if flt.bbox is not None:
        first, last = lon_band(flt.bbox[0]), lon_band(flt.bbox[2])
        if first is not None and last is not None and 0 <= last - first < MAX_BANDS:
            bands = last - first + 1
            params.update({f"band_{i}": first + i for i in range(bands)})
    return _page_template(shape, bool(cursor), bands), params


_FEATURE_HEAD = b'{"type":"Feature","id":'


def page_body(rows: Sequence[Any], limit: int) -> bytes:
    """The page's rows (id, day and stored feature fragment, the last two as UTF-8 bytes) as a
    GeoJSON FeatureCollection (JSON bytes), ``next`` when more: each fragment (see
    rules.feature_fragment: it opens with a brace) after its type and id, never decoded."""
    parts = [b'{"type":"FeatureCollection","features":[']
    for ident, _day, fragment in rows[:limit]:
        parts += (_FEATURE_HEAD, b"%d," % ident, fragment[1:], b",")
    if len(parts) > 1:
        parts.pop()  # the last comma
    parts.append(b"]")
    if len(rows) > limit:
        last = rows[limit - 1]
        day = dt.date.fromisoformat(last[1].decode())
        parts.append(b',"next":"' + encode_cursor(day, last[0]).encode() + b'"')
    parts.append(b"}")
    return b"".join(parts)


def feature_collection(session: Session, viewer: Viewer, flt: IncidentFilter, *, limit: int,
                       cursor: str | None = None) -> bytes:
    """One page of the map's list, read in one query on the session (see :func:`page_query`).

    The statement is built once per filter shape and cached; values go in as parameters.
    """
    stmt, params = page_query(viewer, flt, limit=limit, cursor=cursor)
    rows: Sequence[Any] = execute_compiled(session, stmt, params)
    return page_body([(row[0], row[1].encode(), row[2].encode()) for row in rows], limit)


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
