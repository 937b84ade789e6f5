"""National reports evaluated against the pacts, and the decisions people record on them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from factories.incidents import report
from liptako.audit import service as audit
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentIn
from liptako.obligations import service as obligations
from liptako.obligations.models import ClassificationDecision
from liptako.obligations.recording import record_report

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
PACTS = ("aes-2023",)


def evaluated_report(session: Session, state: str, *, pact_ids: tuple[str, ...] = PACTS,
                     **overrides: object) -> Incident:
    """A report by ``state`` (see factories.incidents.report), then evaluated by the system."""
    incident = record_report(session, IncidentIn.model_validate(report(**overrides)),
                             actor=audit.Actor(None, "t", state), state=state, pact_ids=(),
                             now=NOW)
    obligations.evaluate_incidents(session, [incident], pact_ids=pact_ids, actor=audit.SYSTEM,
                                   now=NOW)
    return incident


def classification(session: Session, incident: Incident, *, value: bool, decided_by: int,
                   state: str = "SEC", pact_ids: tuple[str, ...] = PACTS,
                   confirmed_by: int | None = None, now: dt.datetime = NOW
                   ) -> ClassificationDecision:
    """A person's answer on whether the incident attacked a state's sovereignty; one that
    waits for the secretariat's second person is confirmed by ``confirmed_by`` if given."""
    decision = obligations.record_classification(
        session, incident=incident, question="attack_on_sovereignty", value=value,
        evidence="field report", rationale="as reported",
        actor=audit.Actor(decided_by, "classifier", state), pact_ids=pact_ids, now=now)
    if decision.status == "pending" and confirmed_by is not None:
        obligations.review_classification(
            session, decision=decision, incident=incident, confirm=True, note=None,
            actor=audit.Actor(confirmed_by, "second", "SEC"), pact_ids=pact_ids, now=now)
    return decision
