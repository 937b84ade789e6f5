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


class ClassificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: Literal["attack_on_sovereignty"]
    value: bool
    evidence: str = Field(min_length=3, max_length=5000)
    rationale: str = Field(min_length=3, max_length=5000)


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
    """Record an interpretive decision (who, when, evidence, rationale); re-evaluates."""
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
