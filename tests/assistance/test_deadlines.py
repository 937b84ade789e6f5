"""Deadlines raise reminders, overdue ones escalate to the secretariat; running twice adds
nothing; every reminder and escalation is on the request's timeline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from factories.assistance import DAY, HOUR, NOW, attacked, caller, decided, made_by, offer, opened
from liptako.assistance import queries, voting
from liptako.assistance import service as assistance
from liptako.assistance.deadlines import run_deadlines
from liptako.assistance.models import AssistanceRequest
from liptako.auth.models import User

Cast = dict[str, User]


def _reminders(made: AssistanceRequest) -> list[tuple[str, str, str, str | None]]:
    return sorted((r.kind, r.state, r.subject, r.escalated_to) for r in made.reminders)


def _run(session: Session, at: dt.datetime) -> tuple[int, int]:
    report = run_deadlines(session, now=at)
    return report.reminded, report.escalated


def test_answers_due_then_overdue_and_idempotent(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])  # answers due by NOW + 2 days
    assert _run(session, NOW) == (0, 0)
    assert _run(session, NOW + DAY + HOUR) == (2, 0)
    assert _reminders(made) == [("answer_due", "BFA", "", None), ("answer_due", "NER", "", None)]
    assert _run(session, NOW + DAY + 2 * HOUR) == (0, 0)
    offer(session, cast, made, "BFA", now=NOW + DAY + 3 * HOUR)
    assert _run(session, NOW + 2 * DAY) == (0, 1)
    assert _reminders(made) == [("answer_due", "BFA", "", None),
                                ("answer_due", "NER", "", "SEC")]
    assert _run(session, NOW + 3 * DAY) == (0, 0)
    escalated = next(r for r in made.reminders if r.state == "NER")
    assert (escalated.due_at, escalated.sent_at, escalated.escalated_at) == (
        NOW + 2 * DAY, NOW + DAY + HOUR, NOW + 2 * DAY)
    steps = [(e.action, e.actor_name, (e.detail or {}).get("state"))
             for e in queries.timeline(session, made) if e.action in ("remind", "escalate")]
    assert steps == [("remind", "system", "BFA"), ("remind", "system", "NER"),
                     ("escalate", "system", "NER")]


def test_a_run_after_the_deadline_reminds_and_escalates_at_once(session: Session,
                                                                cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    assert _run(session, NOW + 5 * DAY) == (2, 2)
    assert {r.escalated_to for r in made.reminders} == {"SEC"}


def test_votes_due_then_the_presidency(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    for state in ("BFA", "NER"):
        offer(session, cast, made, state)
    voting.convene_vote(session, made.id, vote_deadline_at=NOW + DAY,
                        caller=caller(cast["sec"]), now=NOW)
    assert _run(session, NOW + HOUR) == (3, 0)
    assert [r[:2] for r in _reminders(made)] == [("vote_due", "BFA"), ("vote_due", "MLI"),
                                                 ("vote_due", "NER")]
    for state in ("BFA", "MLI", "NER"):
        voting.cast_vote(session, made.id, value="yes", caller=caller(made_by(cast, state)),
                         now=NOW + 2 * HOUR)
    assert _run(session, NOW + DAY) == (1, 1)
    assert ("decision_due", "BFA", "", "SEC") in _reminders(made)


def test_deliveries_due_after_availability(session: Session, cast: Cast) -> None:
    made, (bfa, ner) = decided(session, cast, [attacked(session, "MLI")])
    assistance.start_delivery(session, made.id, caller=caller(cast["sec"]), now=NOW)
    assert _run(session, NOW + HOUR) == (0, 0)  # available from NOW + 1 day
    assert _run(session, NOW + DAY) == (2, 0)
    assert [r[:3] for r in _reminders(made)] == [("delivery_due", "BFA", f"pledge:{bfa.id}"),
                                                 ("delivery_due", "NER", f"pledge:{ner.id}")]
    assert _run(session, NOW + 4 * DAY) == (0, 2)


def test_finished_requests_are_left_alone(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    assistance.withdraw(session, made.id, reason="resolved", caller=caller(made_by(cast, "MLI")),
                        now=NOW)
    report = run_deadlines(session, now=NOW + 5 * DAY)
    assert (report.reminded, report.escalated, made.reminders) == (0, 0, [])
