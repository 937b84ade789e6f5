"""Request use cases: file, submit, open for pledges, start delivery, close, withdraw.

Every use case loads the request as the caller may see it (a request it may not see is
``NotFound``), checks who may act (``PermissionDenied``), then the state machine (``Conflict``
with the reason), changes the records, writes one audit entry and one timeline event, and
flushes; the caller owns the transaction. Pledges live in :mod:`.pledging`, votes in
:mod:`.voting`, deadlines in :mod:`.deadlines`, EDXL-RM import in :mod:`.exchange`.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liptako.assistance import rules, steps
from liptako.assistance.models import AssistanceRequest, LineItem, TimelineEvent
from liptako.assistance.presidency import presidency_on
from liptako.assistance.queries import get_request, visible_requests_clause
from liptako.assistance.schemas import RequestIn
from liptako.audit import service as audit
from liptako.auth.releasability import Viewer, audience_text, visible_clause
from liptako.auth.rules import MEMBER_STATES, SECRETARIAT
from liptako.charter import InvalidPact, Pact
from liptako.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    Refusal,
    RuleViolation,
)
from liptako.incidents.models import Incident
from liptako.obligations.models import Duty, StoredDetermination
from liptako.obligations.service import pact_setting

TARGET = "assistance_request"
AUDIENCE = audience_text((*MEMBER_STATES, SECRETARIAT))


@dataclass(frozen=True)
class Caller:
    """Who acts: the audit identity (with its state) and its roles.

    A liaison officer always acts for ``actor.state``; no use case takes a state from a body.
    """

    actor: audit.Actor
    roles: tuple[str, ...]

    @property
    def state(self) -> str:
        return self.actor.state or ""

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.actor.id, self.state, self.roles)


def new_message_id() -> str:
    """A globally unique EDXL-RM message id."""
    return f"urn:uuid:{uuid.uuid4()}"


def load_pact(pact_id: str) -> Pact:
    """A pact by its id (never a path: the charter loader also accepts files)."""
    if not re.fullmatch(r"[a-z0-9-]{1,32}", pact_id):
        raise RuleViolation(f"pact_id: expected the id of a pact, got {pact_id!r}")
    try:
        return pact_setting(pact_id).pact
    except InvalidPact as exc:
        raise RuleViolation(f"pact_id: {exc}") from None


SENSITIVE = ("AMBER+STRICT", "RED")
"""Markings whose every read is audited."""


def read_request(session: Session, viewer: Viewer, request_id: int, *, actor: audit.Actor,
                 now: dt.datetime) -> AssistanceRequest:
    """A request the viewer may see (else NotFound); reading a restricted one is audited."""
    request = get_request(session, viewer, request_id)
    if request.tlp in SENSITIVE:
        audit.record(session, actor=actor, action="assistance_request.read",
                     target_type=TARGET, target_id=request.id, now=now)
    return request


def load_request(session: Session, request_id: int, caller: Caller, *,
                 lock: bool = True) -> AssistanceRequest:
    """The request if the caller may see it, locked for the rest of the transaction."""
    stmt = select(AssistanceRequest).where(AssistanceRequest.id == request_id,
                                           visible_requests_clause(caller.viewer))
    if lock:
        stmt = stmt.with_for_update()
    request = session.scalar(stmt)
    if request is None:
        raise NotFound(f"assistance request {request_id}: not found")
    return request


def record_step(session: Session, request: AssistanceRequest, action: str, actor: audit.Actor,
                now: dt.datetime, detail: dict[str, Any] | None = None) -> TimelineEvent:
    """One audit entry and the timeline event that points at it."""
    entry = audit.record(session, actor=actor, action=f"assistance.{action}", target_type=TARGET,
                         target_id=request.id, now=now, detail=detail)
    session.flush()  # sealed: the timeline points at its number
    event = TimelineEvent(request_id=request.id, at=now, action=action, actor_id=actor.id,
                          actor_name=actor.name, actor_state=actor.state, detail=detail,
                          audit_seq=entry.seq)
    session.add(event)
    request.updated_at = now
    session.flush()
    return event


def authorise(action: str, request: AssistanceRequest, caller: Caller, *, now: dt.datetime,
              owner_state: str | None = None) -> None:
    presidency = presidency_on(now.date()) if action in rules.PRESIDENCY else None
    refuse(PermissionDenied, rules.permission_problem(
        action, state=caller.state, roles=caller.roles, requesting_state=request.requesting_state,
        presidency=presidency, owner_state=owner_state))


def require_party(request: AssistanceRequest, caller: Caller, action: str,
                  now: dt.datetime) -> None:
    """The caller's state must be a party to the request's pact on the day."""
    members = load_pact(request.pact_id).members_on(now.date())
    refuse(PermissionDenied, steps.party_problem(action, state=caller.state,
                                                 pact_id=request.pact_id, members=members,
                                                 on=now.date()))


def need_reason(reason: str | None, field: str = "reason") -> str:
    """A reason of a few words (the pages call services without the API's schemas)."""
    text = (reason or "").strip()
    if len(text) < 3:
        raise RuleViolation(f"{field}: expected at least 3 characters, got {len(text)}")
    return text


def refuse(error: type[DomainError], refusal: Refusal | None) -> None:
    """Raise ``error`` carrying a rule's refusal, if there is one."""
    if refusal is not None:
        raise error.of(refusal)


def check_step(request: AssistanceRequest, action: str) -> None:
    refuse(Conflict, rules.step_problem(request.id, request.status, action))


def move(session: Session, request: AssistanceRequest, action: str, caller: Caller,
         now: dt.datetime, detail: dict[str, Any] | None = None) -> None:
    """Apply one transition of the state machine and record it."""
    check_step(request, action)
    before = request.status
    request.status = rules.next_status(before, action)
    record_step(session, request, action, caller.actor, now,
                {"from": before, "to": request.status, **(detail or {})})


def _engagement_problem(session: Session, incident: Incident, pact_id: str, article: str,
                        state: str) -> Refusal | None:
    stored = session.scalar(select(StoredDetermination).where(
        StoredDetermination.incident_id == incident.id, StoredDetermination.pact_id == pact_id))
    provision = next((p for p in (stored.provisions if stored else [])
                      if str(p.get("article")) == article), None)
    return steps.engagement_problem(incident.id, pact_id, article, provision, state)


def _incidents(session: Session, ids: list[int], caller: Caller) -> list[Incident]:
    found = {i.id: i for i in session.scalars(select(Incident).where(
        Incident.id.in_(ids), visible_clause(caller.viewer, Incident),
        Incident.deleted_at.is_(None)))}
    for incident_id in ids:
        if incident_id not in found:
            raise NotFound(f"incident {incident_id}: not found")
    return [found[i] for i in ids]


def link_duties(session: Session, request: AssistanceRequest) -> list[int]:
    """Attach the open duty records the charter engine opened for the invoked article."""
    have = {d.id for d in request.duties}
    duties = session.scalars(select(Duty).where(
        Duty.incident_id.in_([i.id for i in request.incidents]),
        Duty.pact_id == request.pact_id, Duty.article == request.article,
        Duty.beneficiary == request.requesting_state, Duty.status == "open")
        .order_by(Duty.id)).all()
    new = [d for d in duties if d.id not in have]
    request.duties.extend(new)
    return [d.id for d in new]


def _exercise_of(incidents: list[Incident]) -> bool:
    """A request on exercise incidents is an exercise request; one never mixes them with real
    incidents, so that clearing an exercise takes no real request with it."""
    played = {i.exercise for i in incidents}
    if len(played) > 1:
        ids = ", ".join(str(i.id) for i in incidents if i.exercise)
        raise RuleViolation(f"incident_ids: expected real incidents only or exercise incidents "
                            f"only, got exercise incidents {ids} among real ones")
    return played == {True}


def file_request(session: Session, payload: RequestIn, *, caller: Caller, now: dt.datetime,
                 message_id: str | None = None, source: str = "liptako") -> AssistanceRequest:
    """A liaison officer invokes an article on incidents and files a draft request."""
    pact = load_pact(payload.pact_id)
    if "liaison" not in caller.roles or caller.state not in pact.members_on(now.date()):
        raise PermissionDenied(f"file: expected a liaison officer of a party to {pact.id}, "
                               f"got a {caller.state} {'/'.join(caller.roles)}")
    if payload.deadline_at <= now:
        raise RuleViolation(f"deadline_at: expected a time after now ({now.isoformat()}), "
                            f"got {payload.deadline_at.isoformat()}")
    incidents = _incidents(session, payload.incident_ids, caller)
    problems = [p for i in incidents
                if (p := _engagement_problem(session, i, pact.id, payload.article, caller.state))]
    if problems:
        raise RuleViolation("; ".join(p.detail for p in problems))
    exercise = _exercise_of(incidents)
    request = AssistanceRequest(
        message_id=message_id or new_message_id(), source=source,
        requesting_state=caller.state, pact_id=pact.id, article=payload.article,
        title=payload.title.strip(), situation=payload.situation.strip(),
        deadline_at=payload.deadline_at, status="draft", tlp=payload.tlp,
        originator=caller.state, audience=AUDIENCE, created_by=caller.actor.id,
        created_at=now, updated_at=now, incidents=incidents, exercise=exercise,
        items=[LineItem(position=n, **item.model_dump())
               for n, item in enumerate(payload.items, start=1)])
    session.add(request)
    session.flush()
    duties = link_duties(session, request)
    record_step(session, request, "file", caller.actor, now, {
        "title": request.title, "pact_id": pact.id, "article": request.article,
        "incidents": [i.id for i in incidents], "items": len(request.items),
        "duties": duties, "source": source})
    return request


def submit(session: Session, request_id: int, *, caller: Caller,
           now: dt.datetime) -> AssistanceRequest:
    """The requesting state sends its draft to the Alliance."""
    request = load_request(session, request_id, caller)
    authorise("submit", request, caller, now=now)
    check_step(request, "submit")
    refuse(Conflict, steps.deadline_problem(request.id, request.deadline_at, now))
    duties = link_duties(session, request)
    request.submitted_at = now
    move(session, request, "submit", caller, now, {"duties_linked": duties})
    return request


def open_request(session: Session, request_id: int, *, caller: Caller,
                 now: dt.datetime) -> AssistanceRequest:
    """The secretariat relays a submitted request to every party as a formal call."""
    request = load_request(session, request_id, caller)
    authorise("open", request, caller, now=now)
    move(session, request, "open", caller, now)
    return request


def start_delivery(session: Session, request_id: int, *, caller: Caller,
                   now: dt.datetime) -> AssistanceRequest:
    """After an adopted decision, the accepted pledges start moving."""
    request = load_request(session, request_id, caller)
    authorise("start_delivery", request, caller, now=now)
    check_step(request, "start_delivery")
    decision = request.decision
    refuse(Conflict, steps.delivery_start_problem(
        request.id, decision.outcome if decision else None, decision.reasons if decision else (),
        [p.status for p in request.pledges]))
    move(session, request, "start_delivery", caller, now)
    return request


def close(session: Session, request_id: int, *, caller: Caller,
          now: dt.datetime) -> AssistanceRequest:
    """End the workflow; undelivered pledges stay on record as such."""
    request = load_request(session, request_id, caller)
    authorise("close", request, caller, now=now)
    check_step(request, "close")
    undelivered = [p.id for p in request.pledges if p.status == "accepted"]
    request.closed_at = now
    move(session, request, "close", caller, now, {"undelivered_pledges": undelivered})
    return request


def withdraw(session: Session, request_id: int, *, reason: str, caller: Caller,
             now: dt.datetime) -> AssistanceRequest:
    """The requesting state withdraws its request before delivery starts."""
    request = load_request(session, request_id, caller)
    authorise("withdraw", request, caller, now=now)
    check_step(request, "withdraw")
    request.withdraw_reason, request.closed_at = need_reason(reason)[:500], now
    move(session, request, "withdraw", caller, now, {"reason": request.withdraw_reason})
    return request
