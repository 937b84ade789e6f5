"""Reading determinations, decisions, duties and compliance cases, as the viewer may."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from liptako.auth.releasability import Viewer, visible_clause
from liptako.auth.rules import SECRETARIAT
from liptako.core.errors import NotFound
from liptako.incidents import queries as incident_queries
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentOut, VersionOut
from liptako.obligations.models import (
    ClassificationDecision,
    ComplianceCase,
    Duty,
    StoredDetermination,
)


def incident_out(session: Session, incident: Incident) -> IncidentOut:
    """An incident as the API and its page show it: the stored record, its earlier versions
    and its determinations."""
    out = IncidentOut.model_validate(incident)
    # reading what is stored needs no flush; one here would seal audit entries just
    # recorded, holding the chain's head for the rest of the request (see audit.record)
    with session.no_autoflush:
        if incident.version > 1:  # a first version has no earlier one
            out.versions = [VersionOut.model_validate(v)
                            for v in incident_queries.versions_of(session, incident.id)]
        out.determinations = determinations_of(session, incident.id)
    return out


def determinations_of(session: Session, incident_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(StoredDetermination).where(
        StoredDetermination.incident_id == incident_id).order_by(StoredDetermination.pact_id))
    return determinations_out(rows).get(incident_id, [])


def determinations_out(rows: Iterable[StoredDetermination]) -> dict[int, list[dict[str, Any]]]:
    """Stored determinations as the API shows them, by incident (in the order given)."""
    out: dict[int, list[dict[str, Any]]] = {}
    for d in rows:
        out.setdefault(d.incident_id, []).append({
            "pact": d.pact_id, "pact_version": d.pact_version, "in_force": d.in_force,
            "territory": d.territory, "in_common_space": d.in_common_space,
            "evaluated_at": d.evaluated_at.isoformat(), "facts": d.facts,
            "provisions": d.provisions})
    return out


def mark_charter(session: Session, collection: dict[str, Any]) -> dict[str, Any]:
    """Each map feature of ``collection`` gets the articles its incident engages and those
    still undetermined (``engaged``, ``undetermined``: lists, empty when none), read in one
    statement for the page."""
    features = collection["features"]
    ids = [f["id"] for f in features]
    marks: dict[int, tuple[list[str], list[str]]] = {}
    if ids:
        for incident_id, engaged, undetermined in session.execute(
                select(StoredDetermination.incident_id, StoredDetermination.engaged,
                       StoredDetermination.undetermined)
                .where(StoredDetermination.incident_id.in_(ids))
                .order_by(StoredDetermination.pact_id)):
            mine = marks.setdefault(incident_id, ([], []))
            mine[0].extend(a for a in engaged.split(",") if a)
            mine[1].extend(a for a in undetermined.split(",") if a)
    for feature in features:
        found = marks.get(feature["id"], ([], []))
        feature["properties"]["engaged"], feature["properties"]["undetermined"] = found
    return collection


def decisions_of(session: Session, incident_id: int) -> list[ClassificationDecision]:
    return list(session.scalars(select(ClassificationDecision).where(
        ClassificationDecision.incident_id == incident_id).order_by(
        ClassificationDecision.decided_at)))


def visible_decisions(session: Session, viewer: Viewer, *, status: str | None = None
                      ) -> list[ClassificationDecision]:
    """Decisions on incidents the viewer may see, oldest first (filter by status)."""
    stmt = (select(ClassificationDecision)
            .join(Incident, Incident.id == ClassificationDecision.incident_id)
            .where(visible_clause(viewer, Incident))
            .order_by(ClassificationDecision.decided_at, ClassificationDecision.id))
    if status is not None:
        stmt = stmt.where(ClassificationDecision.status == status)
    return list(session.scalars(stmt))


def visible_decision(session: Session, viewer: Viewer, decision_id: int
                     ) -> tuple[ClassificationDecision, Incident]:
    """One decision and its incident, if the viewer may see the incident (else NotFound)."""
    decision = session.get(ClassificationDecision, decision_id)
    if decision is None:
        raise NotFound(f"classification decision {decision_id}: not found")
    try:
        incident = incident_queries.get_incident(session, viewer, decision.incident_id)
    except NotFound:
        raise NotFound(f"classification decision {decision_id}: not found") from None
    return decision, incident


def visible_duties(session: Session, viewer: Viewer, *, incident_id: int | None = None,
                   status: str | None = None, state: str | None = None) -> list[Duty]:
    """Duties on incidents the viewer may see."""
    stmt = (select(Duty).join(Incident, Incident.id == Duty.incident_id)
            .where(visible_clause(viewer, Incident)))
    if incident_id is not None:
        stmt = stmt.where(Duty.incident_id == incident_id)
    if status:
        stmt = stmt.where(Duty.status == status)
    if state:
        stmt = stmt.where(or_(Duty.owed_by == state, Duty.beneficiary == state))
    return list(session.scalars(stmt.order_by(Duty.opened_at.desc(), Duty.id)))


def visible_cases(session: Session, viewer: Viewer, *,
                  incident_id: int | None = None) -> list[ComplianceCase]:
    """Compliance cases: the secretariat and the parties concerned only."""
    concerned = (ComplianceCase.respondent == viewer.state) | (
        ComplianceCase.beneficiary == viewer.state)
    stmt = (select(ComplianceCase).join(Incident, Incident.id == ComplianceCase.incident_id)
            .where(visible_clause(viewer, Incident)))
    if viewer.state != SECRETARIAT:
        stmt = stmt.where(and_(concerned))
    if incident_id is not None:
        stmt = stmt.where(ComplianceCase.incident_id == incident_id)
    return list(session.scalars(stmt.order_by(ComplianceCase.opened_at.desc())))
