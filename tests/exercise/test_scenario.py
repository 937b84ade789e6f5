"""The command-post exercise: what loading it makes, and what clearing it removes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories.incidents import event, report
from liptako.assistance.models import AssistanceRequest, TimelineEvent
from liptako.audit import service as audit
from liptako.audit.models import AuditEntry
from liptako.auth.models import User
from liptako.core.errors import Conflict
from liptako.exercise import scenario
from liptako.exercise import service as exercise
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentIn
from liptako.models import Base
from liptako.obligations.models import (
    ClassificationDecision,
    ComplianceCase,
    Duty,
    StoredDetermination,
)
from liptako.obligations.recording import record_batch, record_report

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
PACTS = ("aes-2023",)


def _load(session: Session) -> exercise.Loaded:
    return exercise.load_exercise(session, pact_ids=PACTS, now=NOW)


def _engaged(session: Session, article: str) -> int:
    return session.scalar(select(func.count()).select_from(StoredDetermination)
                          .join(Incident, Incident.id == StoredDetermination.incident_id)
                          .where(Incident.exercise.is_(True),
                                 StoredDetermination.engaged.like(f"%,{article},%"))) or 0


def _by_key(session: Session) -> dict[str, Incident]:
    """The exercise's incidents by their key in the script (reports are recorded in order)."""
    rows = session.scalars(select(Incident).where(Incident.exercise.is_(True))
                           .order_by(Incident.id)).all()
    return {inject.key: row for inject, row in zip(scenario.INJECTS, rows, strict=True)}


def test_the_exercise_engages_the_charter_and_walks_every_stage(session: Session) -> None:
    loaded = _load(session)
    assert (loaded.reports, loaded.requests, loaded.pending) == (31, 5, 1)
    incidents = _by_key(session)
    assert all(i.source == "national" and i.description and i.description.startswith(
        "EXERCICE EXERCICE EXERCICE") and i.description.endswith(scenario.FOOTER)
               for i in incidents.values())
    days = sorted((NOW.date() - i.occurred_on).days for i in incidents.values())
    assert days[0] >= 1 and days[-1] <= 365  # the past year, whenever it is loaded
    assert (_engaged(session, "6"), _engaged(session, "7"), _engaged(session, "8")) == (4, 1, 1)
    duties = Counter(session.scalars(select(Duty.status)))
    assert duties == {"open": 6, "discharged": 4}
    [case] = session.scalars(select(ComplianceCase)).all()
    assert (case.respondent, case.beneficiary, case.incident_id) == (
        "MLI", "BFA", incidents["thiou-border"].id)
    assert incidents["thiou-border"].tlp == "AMBER+STRICT"
    pending = session.scalars(select(ClassificationDecision).where(
        ClassificationDecision.status == "pending")).all()
    assert [d.incident_id for d in pending] == [incidents["arbinda-gendarmerie"].id]
    requests = session.scalars(select(AssistanceRequest).order_by(AssistanceRequest.id)).all()
    assert all(r.exercise and r.title.startswith("EXERCICE") for r in requests)
    stages = {r.title: (r.status, r.convened_at is not None, len(r.votes)) for r in requests}
    assert sorted(stages.values()) == [
        ("closed", True, 3), ("draft", False, 0), ("in_delivery", True, 3),
        ("open_for_pledges", False, 0), ("open_for_pledges", True, 2)]
    players = {u.username: u for u in session.scalars(
        select(User).where(User.username.like("exercise-%")))}
    assert sorted(players) == sorted(exercise.ACCOUNTS)
    confirmers = {d.reviewed_by for d in session.scalars(select(ClassificationDecision))
                  if d.reviewed_by is not None}
    assert confirmers == {players["exercise-sec-reviewer"].id}


def _rows(session: Session) -> dict[str, int]:
    """Rows per table, the audit chain aside."""
    return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables if not table.name.startswith("audit")}


def test_clearing_removes_the_exercise_and_only_it(session: Session) -> None:
    record_batch(session, [event(i) for i in range(40)], actor=audit.SYSTEM, now=NOW,
                 pact_ids=PACTS)
    real = record_report(session, IncidentIn.model_validate(report()),
                         actor=audit.Actor(None, "seed", "BFA"), state="BFA", pact_ids=PACTS,
                         now=NOW)
    before = _rows(session)
    _load(session)
    with pytest.raises(Conflict, match="found 31 exercise incidents and 5 requests"):
        _load(session)
    loaded = _rows(session)
    entries = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    removed = exercise.clear_exercise(session, actor=audit.SYSTEM, now=NOW)
    after = _rows(session)
    assert after == {**before, "user_account": loaded["user_account"],
                     "reference_dataset": loaded["reference_dataset"]}
    assert removed["incidents"] == 31 and removed["requests"] == 5
    assert removed["timeline events"] == loaded["assistance_event"]
    assert session.get(Incident, real.id) is not None
    assert session.scalar(select(func.count()).select_from(TimelineEvent)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries + 1
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last is not None and last.action == "exercise.clear"
    assert last.detail and last.detail["incidents"] == 31
    assert audit.verify_chain(session).intact
    assert exercise.was_loaded(session)
    assert exercise.counts(session) == {"incidents": 0, "requests": 0}
    again = _load(session)  # played again by the same accounts
    assert again.accounts_created == 0
    assert exercise.counts(session) == {"incidents": 31, "requests": 5}
