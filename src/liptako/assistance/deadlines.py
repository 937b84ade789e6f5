"""Deadlines: reminders as a deadline nears, escalation to the secretariat once it passed.

``run_deadlines`` is idempotent: one reminder per (request, kind, state, subject), escalated
once; running it again at the same or a later time adds only what became due since.

- answers: parties that have neither pledged nor declined, 24 h before the request's deadline;
  escalated when it passes;
- votes: parties that have not voted, 24 h before the vote's deadline; once all have voted, the
  presidency until it records the decision; escalated when it passes;
- deliveries: accepted pledges not delivered once they were due to be available; escalated
  72 h later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liptako.assistance import rules
from liptako.assistance.models import AssistanceRequest, Reminder
from liptako.assistance.presidency import presidency_on
from liptako.assistance.queries import waiting_for
from liptako.assistance.service import load_pact, record_step
from liptako.audit import service as audit
from liptako.auth.rules import SECRETARIAT

ACTIVE = ("submitted", "open_for_pledges", "decided", "in_delivery")


@dataclass
class DeadlineReport:
    """What one run did."""

    checked: int = 0
    reminded: int = 0
    escalated: int = 0
    requests: list[int] = field(default_factory=list)


def _dues(request: AssistanceRequest, now: dt.datetime) -> list[rules.Due]:
    parties = load_pact(request.pact_id).members_on(now.date())
    dues = rules.answers_due(request.status, request.deadline_at,
                             waiting_for(request, parties))
    if request.vote_deadline_at is not None and request.status == "open_for_pledges":
        voted = {v.state for v in request.votes}
        dues += rules.votes_due(request.status, request.vote_deadline_at,
                                [p for p in parties if p not in voted], presidency_on(now.date()))
    dues += rules.deliveries_due(request.status, [
        (p.id, p.state, p.available_from) for p in request.pledges if p.status == "accepted"])
    return dues


def _apply(session: Session, request: AssistanceRequest, due: rules.Due, actor: audit.Actor,
           now: dt.datetime, report: DeadlineReport) -> None:
    existing = {(r.kind, r.state, r.subject): r for r in request.reminders}
    reminder = existing.get((due.kind, due.state, due.subject))
    detail = {"kind": due.kind, "state": due.state, "subject": due.subject,
              "due_at": due.due_at.isoformat()}
    if reminder is None:
        reminder = Reminder(request_id=request.id, kind=due.kind, state=due.state,
                            subject=due.subject, due_at=due.due_at, sent_at=now)
        request.reminders.append(reminder)
        record_step(session, request, "remind", actor, now, detail)
        report.reminded += 1
    if due.overdue(now) and reminder.escalated_to is None:
        reminder.escalated_to, reminder.escalated_at = SECRETARIAT, now
        record_step(session, request, "escalate", actor, now,
                    {**detail, "escalated_to": SECRETARIAT})
        report.escalated += 1


def run_deadlines(session: Session, *, now: dt.datetime,
                  actor: audit.Actor = audit.SYSTEM) -> DeadlineReport:
    """Raise the reminders that came due and escalate the overdue ones; flushes."""
    report = DeadlineReport()
    requests = session.scalars(
        select(AssistanceRequest).where(AssistanceRequest.status.in_(ACTIVE))
        .options(selectinload(AssistanceRequest.pledges),
                 selectinload(AssistanceRequest.declines),
                 selectinload(AssistanceRequest.votes),
                 selectinload(AssistanceRequest.reminders))
        .order_by(AssistanceRequest.id)).all()
    for request in requests:
        report.checked += 1
        before = (report.reminded, report.escalated)
        for due in _dues(request, now):
            if due.raised(now):
                _apply(session, request, due, actor, now, report)
        if (report.reminded, report.escalated) != before:
            report.requests.append(request.id)
    session.flush()
    return report
