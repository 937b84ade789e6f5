"""Pure rules of the classification questions: who answers them, who reviews an answer, and
when an incident still asks one.

Every function takes plain values and returns a :class:`Refusal` (None when allowed) or a
plain value; the services raise the refusals, the pages offer only what they allow.
"""

from __future__ import annotations

from collections.abc import Iterable

from liptako.auth.rules import SECRETARIAT
from liptako.core.errors import Refusal

CLASSIFIERS = ("analyst", "secretariat")
ANSWERED = ("in_force", "pending")
"""Statuses of a decision that answer its question (a rejected one never counts)."""


def classify_problem(incident_id: int, incident_state: str | None,
                     state: str) -> Refusal | None:
    """A state's analysts answer for incidents on their own state's territory only, the
    secretariat for any."""
    if state in (SECRETARIAT, incident_state):
        return None
    return Refusal("classify_own_state",
                   f"incident {incident_id}: {state}'s analysts classify incidents on {state}'s "
                   f"territory only (this one: {incident_state or 'none'}); the secretariat "
                   "classifies the others",
                   {"incident_id": incident_id, "state": state, "incident_state": incident_state})


def pending_problem(decision_id: int, status: str) -> Refusal | None:
    """Only a decision awaiting confirmation is reviewed, once."""
    if status == "pending":
        return None
    return Refusal("decision_reviewed", f"decision {decision_id}: expected one awaiting "
                   f"confirmation, it is {status}", {"decision_id": decision_id, "status": status})


def reviewer_problem(decision_id: int, *, state: str | None, person: int | None,
                     decided_by: int) -> Refusal | None:
    """A second person of the secretariat, not the one who recorded it, reviews a decision."""
    if state != SECRETARIAT:
        return Refusal("review_secretariat_only", "reviewed_by: a person of the secretariat "
                       "confirms or rejects a decision", {"decision_id": decision_id})
    if person == decided_by:
        return Refusal("review_second_person", f"reviewed_by: decision {decision_id} needs a "
                       "second person; the one who recorded it may not review it",
                       {"decision_id": decision_id})
    return None


def question_open(*, in_force: Iterable[bool], statuses: Iterable[str]) -> bool:
    """Whether an incident still asks its classification question: a pact in force on its date
    could be engaged by the answer (not a pre-Charter incident), and no decision answers it
    yet, in force or awaiting confirmation."""
    return any(in_force) and not set(statuses) & set(ANSWERED)


def classification_offered(*, roles: Iterable[str], state: str, incident_id: int,
                           incident_state: str | None, in_force: Iterable[bool],
                           statuses: Iterable[str]) -> bool:
    """Whether a page offers this person to answer the incident's question now."""
    return (bool(set(roles) & set(CLASSIFIERS))
            and classify_problem(incident_id, incident_state, state) is None
            and question_open(in_force=in_force, statuses=statuses))
