"""Read side of the assistance workflow: every reader goes through the releasability predicate.

A draft is seen only by its requesting state; a submitted request by whoever its marking
(TLP + audience of every party and the secretariat) lets see it. The incidents a request
invokes keep their own markings: a reader who may see the request but not one of its
incidents gets neither that incident's id nor its duties, only how many were left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, selectinload

from liptako.assistance import rules, steps
from liptako.assistance.models import AssistanceRequest, Pledge, TimelineEvent
from liptako.assistance.presidency import presidency_on
from liptako.assistance.schemas import (
    CoverageOut,
    DutyRef,
    EventOut,
    ItemCoverageOut,
    RequestOut,
    RequestSummary,
)
from liptako.auth.releasability import Viewer, audience_list, may_see, visible_clause
from liptako.core.errors import NotFound, RuleViolation
from liptako.incidents.models import Incident
from liptako.obligations.service import pact_setting

MAX_PAGE = 500


def visible_requests_clause(viewer: Viewer) -> ColumnElement[bool]:
    """The requests a viewer may see, as a WHERE clause."""
    return and_(visible_clause(viewer, AssistanceRequest),
                or_(AssistanceRequest.status != "draft",
                    AssistanceRequest.originator == viewer.state))


def list_requests(session: Session, viewer: Viewer, *, status: str | None = None,
                  state: str | None = None, limit: int = 100) -> list[RequestSummary]:
    """Visible requests, newest first, optionally by status and requesting state."""
    stmt = select(AssistanceRequest).where(visible_requests_clause(viewer))
    if status:
        stmt = stmt.where(AssistanceRequest.status == status)
    if state:
        stmt = stmt.where(AssistanceRequest.requesting_state == state)
    stmt = stmt.order_by(AssistanceRequest.created_at.desc(), AssistanceRequest.id.desc())
    return [RequestSummary.model_validate(r)
            for r in session.scalars(stmt.limit(min(limit, MAX_PAGE)))]


def get_request(session: Session, viewer: Viewer, request_id: int) -> AssistanceRequest:
    """One visible request with everything hanging from it loaded."""
    stmt = (select(AssistanceRequest)
            .where(AssistanceRequest.id == request_id, visible_requests_clause(viewer))
            .options(selectinload(AssistanceRequest.items),
                     selectinload(AssistanceRequest.pledges),
                     selectinload(AssistanceRequest.declines),
                     selectinload(AssistanceRequest.votes),
                     selectinload(AssistanceRequest.decision),
                     selectinload(AssistanceRequest.reminders),
                     selectinload(AssistanceRequest.incidents),
                     selectinload(AssistanceRequest.duties)))
    request = session.scalar(stmt)
    if request is None:
        raise NotFound(f"assistance request {request_id}: not found")
    return request


def request_view(request: AssistanceRequest, now: dt.datetime) -> steps.RequestView:
    """The request as plain values for :func:`.steps.possible_actions`, on ``now``'s day."""
    setting = pact_setting(request.pact_id)
    try:
        presidency: str | None = presidency_on(now.date())
    except RuleViolation:  # before the first recorded term: nobody convenes
        presidency = None
    decision = request.decision
    return steps.RequestView(
        id=request.id, status=request.status, requesting_state=request.requesting_state,
        pact=setting.pact, policy=setting.policy, deadline_at=request.deadline_at,
        convened_at=request.convened_at, convened_by=request.convened_by,
        votes={v.state: (v.value, v.cast_at) for v in request.votes},
        declines={d.state: d.declined_at for d in request.declines},
        pledges=tuple(steps.PledgeView(p.id, p.state, p.status) for p in request.pledges),
        outcome=decision.outcome if decision else None,
        outcome_reasons=tuple(decision.reasons) if decision else (), presidency=presidency)


def waiting_for(request: AssistanceRequest, parties: tuple[str, ...]) -> list[str]:
    """Parties other than the requester that have neither a live pledge nor a decline."""
    answered = {p.state for p in request.pledges if p.status in rules.LIVE_PLEDGES}
    answered |= {d.state for d in request.declines}
    return list(rules.silent_parties(parties, request.requesting_state, answered))


def sees_incident(viewer: Viewer, incident: Incident) -> bool:
    return may_see(viewer, incident.tlp, incident.originator, incident.audience)


def hidden_incidents(request: AssistanceRequest, viewer: Viewer) -> set[int]:
    """Ids of the request's incidents the viewer may not see (never to be shown to it)."""
    return {i.id for i in request.incidents if not sees_incident(viewer, i)}


def request_out(request: AssistanceRequest, parties: tuple[str, ...],
                viewer: Viewer) -> RequestOut:
    """The full record as the API returns it to ``viewer``."""
    data = RequestSummary.model_validate(request).model_dump()
    hidden = hidden_incidents(request, viewer)
    duties = [d for d in request.duties if d.incident_id not in hidden]
    return RequestOut.model_validate({
        **data, "situation": request.situation, "source": request.source,
        "originator": request.originator, "audience": audience_list(request.audience),
        "submitted_at": request.submitted_at, "convened_at": request.convened_at,
        "convened_by": request.convened_by, "vote_deadline_at": request.vote_deadline_at,
        "closed_at": request.closed_at, "withdraw_reason": request.withdraw_reason,
        "incident_ids": [i.id for i in request.incidents if i.id not in hidden],
        "hidden_incidents": len(hidden),
        "duties": [DutyRef.model_validate(d) for d in duties],
        "hidden_duties": len(request.duties) - len(duties),
        "items": request.items, "pledges": request.pledges, "declines": request.declines,
        "votes": request.votes, "decision": request.decision,
        "reminders": request.reminders, "waiting_for": waiting_for(request, parties)})


def item_lines(request: AssistanceRequest) -> list[rules.ItemLine]:
    return [rules.ItemLine(i.id, i.position, i.kind, i.description, i.quantity, i.unit,
                           i.priority) for i in request.items]


def pledge_lines(pledges: list[Pledge]) -> list[rules.PledgeLine]:
    return [rules.PledgeLine(p.line_item_id, p.state, p.quantity, p.status,
                             p.delivered_quantity) for p in pledges]


def _coverage_out(c: rules.ItemCoverage) -> ItemCoverageOut:
    return ItemCoverageOut(
        line_item_id=c.item.id, position=c.item.position, kind=c.item.kind,
        description=c.item.description, unit=c.item.unit, priority=c.item.priority,
        requested=c.item.quantity, pledged=c.pledged, accepted=c.accepted,
        delivered=c.delivered, gap=c.gap, undelivered=c.undelivered, ratio=c.ratio,
        pledging_states=list(c.pledging_states))


def coverage_of(request: AssistanceRequest, parties: tuple[str, ...]) -> CoverageOut:
    """Per line item: requested, pledged, accepted, delivered; and the gap list."""
    covered = rules.coverage(item_lines(request), pledge_lines(request.pledges))
    return CoverageOut(
        request_id=request.id, status=request.status,
        items=[_coverage_out(c) for c in covered],
        gaps=[_coverage_out(c) for c in rules.gap_list(covered)],
        waiting_for=waiting_for(request, parties),
        declined=sorted(d.state for d in request.declines))


# timeline details that name incidents or duty records (see service.file_request, submit and
# pledging.discharge_duties)
INCIDENT_KEYS = ("incidents",)
DUTY_KEYS = ("duties", "duties_linked")


def _scrubbed(detail: dict[str, Any] | None, incidents: set[int],
              duties: set[int]) -> dict[str, Any] | None:
    if not detail:
        return detail
    out = dict(detail)
    for keys, hidden in ((INCIDENT_KEYS, incidents), (DUTY_KEYS, duties)):
        for key in keys:
            ids = out.get(key)
            if isinstance(ids, list) and hidden.intersection(ids):
                out[key] = [i for i in ids if i not in hidden]
                out[f"{key}_hidden"] = len(ids) - len(out[key])
    return out


def timeline(session: Session, request: AssistanceRequest,
             viewer: Viewer | None = None) -> list[EventOut]:
    """Every step of the request, oldest first, with who and when. For a ``viewer``, the ids
    of incidents it may not see, and of their duties, are left out of the details (counted);
    without one, the record is whole (the system's own view)."""
    rows = session.scalars(select(TimelineEvent).where(TimelineEvent.request_id == request.id)
                           .order_by(TimelineEvent.at, TimelineEvent.id))
    events = [EventOut.model_validate(e) for e in rows]
    if viewer is None:
        return events
    incidents = hidden_incidents(request, viewer)
    if not incidents:
        return events
    duties = {d.id for d in request.duties if d.incident_id in incidents}
    for event in events:
        event.detail = _scrubbed(event.detail, incidents, duties)
    return events
