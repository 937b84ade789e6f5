"""Who owes what: classification decisions, duty records and compliance cases."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, ConfigDict, Field

from liptako.core.clock import utcnow
from liptako.incidents import service as incidents
from liptako.obligations import queries
from liptako.obligations import service as obligations
from liptako.obligations.schemas import DutyOut
from liptako.web.deps import RecordId, RecordIdFilter, SessionDep, SettingsDep
from liptako.web.security import CurrentPrincipal, Principal, require_roles

router = APIRouter(tags=["obligations"])
Classifier = Annotated[Principal, Depends(require_roles("analyst", "secretariat"))]
Reviewer = Annotated[Principal, Depends(require_roles("secretariat"))]


class ClassificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    question: Literal["attack_on_sovereignty"]
    value: bool
    evidence: str = Field(min_length=3, max_length=5000)
    rationale: str = Field(min_length=3, max_length=5000)


class DutyChange(BaseModel):
    pact: str
    article: str
    owed_by: str
    beneficiary: str


class DutyChanges(BaseModel):
    opens: list[DutyChange]
    lapses: list[DutyChange]


class ClassificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    incident_id: int
    question: str
    value: bool
    decided_by: int
    decided_by_state: str
    decided_at: dt.datetime
    evidence: str
    rationale: str
    status: Literal["in_force", "pending", "rejected"] = Field(
        description="pending: it would change who owes a duty to another state, and waits "
                    "for a second person of the secretariat to confirm it")
    duty_change: DutyChanges | None = Field(
        description="the duties confirming a pending decision opens and lapses")
    effective_at: dt.datetime | None
    reviewed_by: int | None
    reviewed_at: dt.datetime | None
    review_note: str | None


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    note: str | None = Field(default=None, max_length=5000)


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    note: str = Field(min_length=3, max_length=5000)


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    incident_id: int
    pact_id: str
    article: str
    respondent: str
    beneficiary: str | None
    status: str
    opened_at: dt.datetime


@router.post("/incidents/{incident_id}/classifications", response_model=ClassificationOut,
             status_code=status.HTTP_201_CREATED)
def classify(incident_id: RecordId, body: ClassificationIn, principal: Classifier,
             session: SessionDep, settings: SettingsDep) -> ClassificationOut:
    """Record an interpretive decision (who, when, evidence, rationale). An analyst answers
    for incidents on their own state's territory, the secretariat for any. One that would
    change who owes a duty to another state is pending until a second person of the
    secretariat confirms it; any other takes effect and the incident is re-evaluated."""
    incident = incidents.read_incident(session, principal.viewer, incident_id,
                                       actor=principal.actor, now=utcnow())
    decision = obligations.record_classification(
        session, incident=incident, question=body.question, value=body.value,
        evidence=body.evidence, rationale=body.rationale, actor=principal.actor,
        pact_ids=settings.pacts, now=utcnow())
    return ClassificationOut.model_validate(decision)


@router.get("/incidents/{incident_id}/classifications", response_model=list[ClassificationOut])
def classifications(incident_id: RecordId, principal: CurrentPrincipal,
                    session: SessionDep) -> list[ClassificationOut]:
    """The decisions recorded on an incident, oldest first."""
    incidents.read_incident(session, principal.viewer, incident_id, actor=principal.actor,
                            now=utcnow())
    return [ClassificationOut.model_validate(d)
            for d in queries.decisions_of(session, incident_id)]


@router.get("/classifications", response_model=list[ClassificationOut])
def decisions(principal: CurrentPrincipal, session: SessionDep,
              status_: Annotated[str | None, Query(
                  alias="status", pattern="^(in_force|pending|rejected)$")] = None,
              ) -> list[ClassificationOut]:
    """Decisions on incidents the caller may see, oldest first: ``status=pending`` is the
    secretariat's queue of decisions awaiting a second person."""
    return [ClassificationOut.model_validate(d) for d in queries.visible_decisions(
        session, principal.viewer, status=status_)]


@router.post("/classifications/{decision_id}/confirm", response_model=ClassificationOut)
def confirm(decision_id: RecordId, body: ReviewIn, principal: Reviewer, session: SessionDep,
            settings: SettingsDep) -> ClassificationOut:
    """A second person of the secretariat confirms a pending decision: it takes effect and
    the incident is re-evaluated (duties open or lapse)."""
    decision, incident = queries.visible_decision(session, principal.viewer, decision_id)
    return ClassificationOut.model_validate(obligations.review_classification(
        session, decision=decision, incident=incident, confirm=True, note=body.note,
        actor=principal.actor, pact_ids=settings.pacts, now=utcnow()))


@router.post("/classifications/{decision_id}/reject", response_model=ClassificationOut)
def reject(decision_id: RecordId, body: RejectionIn, principal: Reviewer, session: SessionDep,
           settings: SettingsDep) -> ClassificationOut:
    """A second person of the secretariat rejects a pending decision, saying why: it never
    counts."""
    decision, incident = queries.visible_decision(session, principal.viewer, decision_id)
    return ClassificationOut.model_validate(obligations.review_classification(
        session, decision=decision, incident=incident, confirm=False, note=body.note,
        actor=principal.actor, pact_ids=settings.pacts, now=utcnow()))


@router.get("/duties", response_model=list[DutyOut])
def duties(principal: CurrentPrincipal, session: SessionDep,
           incident_id: RecordIdFilter = None,
           status_: Annotated[str | None, Query(alias="status",
                                                pattern="^(open|discharged|lapsed)$")] = None,
           state: Annotated[str | None, Query(pattern="^(BFA|MLI|NER)$")] = None,
           ) -> list[DutyOut]:
    """Duty records on incidents the caller may see (filter by incident, status, state)."""
    return [DutyOut.model_validate(d) for d in queries.visible_duties(
        session, principal.viewer, incident_id=incident_id, status=status_, state=state)]


@router.get("/compliance-cases", response_model=list[CaseOut])
def compliance_cases(principal: CurrentPrincipal, session: SessionDep,
                     incident_id: RecordIdFilter = None) -> list[CaseOut]:
    """Art. 8 cases: the secretariat and the parties concerned only."""
    return [CaseOut.model_validate(c) for c in queries.visible_cases(
        session, principal.viewer, incident_id=incident_id)]
