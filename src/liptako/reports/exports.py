"""Exports of incidents and assistance requests as CSV (with HXL hashtags), GeoJSON and XLSX.

An export holds what the caller may see and nothing else: incidents are read through the
map's own query (:func:`liptako.incidents.queries.filtered`, the releasability predicate
and the filters of ``GET /api/v1/incidents``), requests through the list's visibility
(:func:`liptako.assistance.queries.visible_requests_clause`). Rows are read in chunks by
keyset (the last row's key bounds the next chunk), never all at once, and written as they
come (:mod:`liptako.reports.writers`): memory does not grow with the number of rows.

The HXL hashtags (hxlstandard.org, HXL 1.1) use the core dictionary where it has the term
(#event, #date, #country, #adm1, #adm2, #loc, #geo, #affected+killed, #org, #description,
#status, #activity, #meta) and attributes of our own where it has none (+perpetrator,
+target, +tlp, +exercise, +deadline, +requesting), as HXL allows.

Each export leaves one audit entry: who exported what, in which format, with which
filters, how many rows, and how many of them restricted (AMBER+STRICT or RED).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import IO, Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from liptako.assistance.models import AssistanceRequest, LineItem
from liptako.assistance.queries import visible_requests_clause
from liptako.audit import service as audit
from liptako.auth.releasability import Viewer
from liptako.incidents import queries as incident_queries
from liptako.incidents.activity import SIDE_ONE
from liptako.incidents.models import Incident, IncidentActor
from liptako.incidents.schemas import IncidentFilter
from liptako.reports.writers import FORMATS, Column, write

CHUNK = 1000
SENSITIVE = ("AMBER+STRICT", "RED")


def _actors(side_one: bool) -> Any:
    """The actor names of one side of an incident, as one text."""
    role = IncidentActor.role.in_(SIDE_ONE) if side_one else IncidentActor.role.not_in(SIDE_ONE)
    return (select(func.aggregate_strings(IncidentActor.raw, "; "))
            .where(IncidentActor.incident_id == Incident.id, role).scalar_subquery())


def _incident_columns() -> list[tuple[Column, Any]]:
    return [
        (Column("id", "#event+id"), Incident.id),
        (Column("occurred_on", "#date+occurred"), Incident.occurred_on),
        (Column("country", "#country+code"), Incident.iso3),
        (Column("admin1_code", "#adm1+code"), Incident.admin1_code),
        (Column("admin1_name", "#adm1+name"), Incident.admin1_name),
        (Column("admin2_code", "#adm2+code"), Incident.admin2_code),
        (Column("admin2_name", "#adm2+name"), Incident.admin2_name),
        (Column("location", "#loc+name"), Incident.src_location),
        (Column("lat", "#geo+lat"), Incident.lat),
        (Column("lon", "#geo+lon"), Incident.lon),
        (Column("event_type", "#event+type"), Incident.event_type),
        (Column("fatalities", "#affected+killed"), Incident.fatalities),
        # ACLED's first side (actor1 and its associates), a national report's perpetrator
        (Column("perpetrators", "#org+perpetrator"), _actors(side_one=True)),
        (Column("targets", "#org+target"), _actors(side_one=False)),
        (Column("description", "#description"), Incident.description),
        (Column("source", "#meta+source"), Incident.source),
        (Column("source_id", "#meta+source_id"), Incident.source_id),
        (Column("tlp", "#meta+tlp"), Incident.tlp),
        (Column("exercise", "#meta+exercise"), Incident.exercise),
    ]


INCIDENT_COLUMNS: tuple[Column, ...] = tuple(c for c, _ in _incident_columns())


def _first_item(column: Any) -> Any:
    """A column of the request's first line item that has coordinates."""
    return (select(column).where(LineItem.request_id == AssistanceRequest.id,
                                 LineItem.lat.is_not(None), LineItem.lon.is_not(None))
            .order_by(LineItem.position, LineItem.id).limit(1).scalar_subquery())


def _request_columns() -> list[tuple[Column, Any]]:
    places = (select(func.aggregate_strings(LineItem.place, "; "))
              .where(LineItem.request_id == AssistanceRequest.id).scalar_subquery())
    return [
        (Column("id", "#activity+id"), AssistanceRequest.id),
        (Column("message_id", "#activity+code"), AssistanceRequest.message_id),
        (Column("title", "#activity+name"), AssistanceRequest.title),
        (Column("requesting_state", "#country+code+requesting"),
         AssistanceRequest.requesting_state),
        (Column("pact", "#meta+pact"), AssistanceRequest.pact_id),
        (Column("article", "#meta+article"), AssistanceRequest.article),
        (Column("status", "#status"), AssistanceRequest.status),
        (Column("deadline_at", "#date+deadline"), AssistanceRequest.deadline_at),
        (Column("submitted_at", "#date+submitted"), AssistanceRequest.submitted_at),
        (Column("closed_at", "#date+closed"), AssistanceRequest.closed_at),
        (Column("situation", "#description"), AssistanceRequest.situation),
        (Column("places", "#loc+name"), places),
        (Column("lat", "#geo+lat"), _first_item(LineItem.lat)),
        (Column("lon", "#geo+lon"), _first_item(LineItem.lon)),
        (Column("tlp", "#meta+tlp"), AssistanceRequest.tlp),
        (Column("exercise", "#meta+exercise"), AssistanceRequest.exercise),
        (Column("created_at", "#date+created"), AssistanceRequest.created_at),
    ]


REQUEST_COLUMNS: tuple[Column, ...] = tuple(c for c, _ in _request_columns())


def incident_rows(session: Session, viewer: Viewer, flt: IncidentFilter, *,
                  chunk: int = CHUNK) -> Iterator[Sequence[Any]]:
    """The incidents of the map for ``flt`` (what the viewer may see), newest first as on the
    map, as rows of ``INCIDENT_COLUMNS``; read ``chunk`` at a time."""
    exprs = [e for _, e in _incident_columns()]
    base = incident_queries.filtered(viewer, flt).with_only_columns(*exprs)
    after: tuple[dt.date, int] | None = None
    while True:
        stmt = base
        if after is not None:
            day, ident = after
            stmt = stmt.where(or_(Incident.occurred_on < day,
                                  and_(Incident.occurred_on == day, Incident.id < ident)))
        rows = session.execute(stmt.order_by(Incident.occurred_on.desc(), Incident.id.desc())
                               .limit(chunk)).all()
        yield from rows
        if len(rows) < chunk:
            return
        after = rows[-1][1], rows[-1][0]


def _request_query(viewer: Viewer, status: str | None, state: str | None) -> Select[Any]:
    where: list[ColumnElement[bool]] = [visible_requests_clause(viewer)]
    if status:
        where.append(AssistanceRequest.status == status)
    if state:
        where.append(AssistanceRequest.requesting_state == state)
    return select(*[e for _, e in _request_columns()]).where(*where)


def request_rows(session: Session, viewer: Viewer, *, status: str | None = None,
                 state: str | None = None, chunk: int = CHUNK) -> Iterator[Sequence[Any]]:
    """The requests of the list (what the viewer may see: drafts its own state's only),
    newest first, as rows of ``REQUEST_COLUMNS``; read ``chunk`` at a time."""
    base = _request_query(viewer, status, state)
    last: int | None = None
    while True:
        stmt = base if last is None else base.where(AssistanceRequest.id < last)
        rows = session.execute(stmt.order_by(AssistanceRequest.id.desc()).limit(chunk)).all()
        yield from rows
        if len(rows) < chunk:
            return
        last = rows[-1][0]


class _Counted:
    """Rows passed through, counting those with a restricted marking."""

    def __init__(self, rows: Iterator[Sequence[Any]], tlp_index: int) -> None:
        self.rows, self.tlp_index, self.restricted = rows, tlp_index, 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            if row[self.tlp_index] in SENSITIVE:
                self.restricted += 1
            yield row


def _tlp_index(columns: Sequence[Column]) -> int:
    return [c.name for c in columns].index("tlp")


def export_incidents(session: Session, viewer: Viewer, flt: IncidentFilter, *, fmt: str,
                     out: IO[bytes], actor: audit.Actor, now: dt.datetime,
                     chunk: int = CHUNK) -> int:
    """Write the map's incidents for ``flt`` to ``out`` in ``fmt``; one audit entry; the
    number of rows."""
    rows = _Counted(incident_rows(session, viewer, flt, chunk=chunk),
                    _tlp_index(INCIDENT_COLUMNS))
    count = write(fmt, out, INCIDENT_COLUMNS, rows, title="incidents")
    audit.record(session, actor=actor, action="incident.export", target_type="incident",
                 target_id=None, now=now,
                 detail={"format": fmt, "rows": count, "restricted": rows.restricted,
                         "filters": flt.model_dump(mode="json", exclude_defaults=True)})
    return count


def export_requests(session: Session, viewer: Viewer, *, status: str | None,
                    state: str | None, fmt: str, out: IO[bytes], actor: audit.Actor,
                    now: dt.datetime, chunk: int = CHUNK) -> int:
    """Write the visible requests (optionally of one status and requesting state) to
    ``out`` in ``fmt``; one audit entry; the number of rows."""
    rows = _Counted(request_rows(session, viewer, status=status, state=state, chunk=chunk),
                    _tlp_index(REQUEST_COLUMNS))
    count = write(fmt, out, REQUEST_COLUMNS, rows, title="assistance requests")
    filters = {k: v for k, v in (("status", status), ("state", state)) if v}
    audit.record(session, actor=actor, action="assistance_request.export",
                 target_type="assistance_request", target_id=None, now=now,
                 detail={"format": fmt, "rows": count, "restricted": rows.restricted,
                         "filters": filters})
    return count


__all__ = ["FORMATS", "INCIDENT_COLUMNS", "REQUEST_COLUMNS", "export_incidents",
           "export_requests", "incident_rows", "request_rows"]
