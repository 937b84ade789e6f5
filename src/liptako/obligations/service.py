"""Evaluating stored incidents against the configured pacts, and keeping duties in step.

A determination is recomputed when the incident's facts, the pact version, the policy or a
classification change; duties follow: one per owing party while Art. 6/7 (or another pact's
aggression clause) is engaged, lapsed (never deleted) when a re-evaluation no longer engages it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liptako.audit import service as audit
from liptako.audit.rules import digest
from liptako.charter import (
    Determination,
    FactsFrame,
    GeoPlacer,
    IncidentFacts,
    KnownPoints,
    Pact,
    Placer,
    Policy,
    default_policy,
    evaluate,
    evaluate_frame,
    load_pact,
    parse_incident,
)
from liptako.charter.policy import UNION_OF_TERRITORIES
from liptako.core.errors import Conflict, Refused, RuleViolation
from liptako.incidents.models import Incident
from liptako.intel.actors import ActorRegistry
from liptako.obligations import rules
from liptako.obligations.facts import derive_facts
from liptako.obligations.models import (
    ClassificationDecision,
    ComplianceCase,
    Duty,
    StoredDetermination,
)

DUTY_FAMILIES = ("T-AGG", "T-AGG-EXT")
COMPLIANCE_FAMILIES = ("T-NONAGG",)
QUESTIONS = ("attack_on_sovereignty",)
VECTORISE_FROM = 32  # incidents per batch


@dataclass(frozen=True)
class PactSetting:
    pact: Pact
    policy: Policy

    @functools.cached_property
    def policy_digest(self) -> str:
        return digest({k: self.policy.values[k] for k in sorted(self.policy.values)})


@functools.cache
def pact_setting(pact_id: str) -> PactSetting:
    pact = load_pact(pact_id)
    return PactSetting(pact, default_policy(pact))


def classifications_of(session: Session, incident_ids: Sequence[int]) -> dict[int, dict[str, bool]]:
    """The latest decision in force per incident and question (pending and rejected ones do
    not count)."""
    out: dict[int, dict[str, bool]] = {}
    rows = session.scalars(select(ClassificationDecision)
                           .where(ClassificationDecision.incident_id.in_(incident_ids),
                                  ClassificationDecision.status == "in_force")
                           .order_by(ClassificationDecision.effective_at,
                                     ClassificationDecision.id))
    for row in rows:
        out.setdefault(row.incident_id, {})[row.question] = row.value
    return out


@dataclass
class EvaluationCounts:
    evaluated: int = 0
    changed: int = 0
    duties_opened: int = 0
    duties_lapsed: int = 0
    cases_opened: int = 0

    def add(self, other: EvaluationCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def evaluate_incidents(session: Session, incidents: Sequence[Incident], *, pact_ids: Iterable[str],
                       actor: audit.Actor, now: dt.datetime, new: bool = False
                       ) -> EvaluationCounts:
    """Evaluate a batch (vectorised) and store what changed; flushes, never commits.

    ``new``: the incidents were created in this transaction, so nothing is stored about them
    yet (decisions, determinations, duties) and nothing is looked up.
    """
    counts = EvaluationCounts()
    pact_ids = tuple(pact_ids)
    if not incidents or not pact_ids:
        return counts
    registry = ActorRegistry.load()
    ids = [i.id for i in incidents]
    decisions = {} if new else classifications_of(session, ids)
    facts = [derive_facts(i, registry, decisions.get(i.id)) for i in incidents]
    parsed = [parse_incident(f) for f in facts]
    existing = {} if new else {(d.incident_id, d.pact_id): d for d in session.scalars(
        select(StoredDetermination).where(StoredDetermination.incident_id.in_(ids)))}
    duties: dict[tuple[int, str], dict[tuple[str, str], Duty]] = {}
    for duty in [] if new else session.scalars(select(Duty).where(Duty.incident_id.in_(ids))):
        duties.setdefault((duty.incident_id, duty.pact_id), {})[(duty.article, duty.owed_by)] = duty
    with session.no_autoflush:  # one flush at the end, not one per incident
        placer = _placer(parsed, [pact_setting(p).policy for p in pact_ids])
        for pact_id in pact_ids:
            setting = pact_setting(pact_id)
            results = _determinations(parsed, setting, placer)
            for index, incident in enumerate(incidents):
                _store(session, incident, setting, facts[index], results[index],
                       existing.get((incident.id, pact_id)), counts, now,
                       duties.get((incident.id, pact_id), {}))
    session.flush()
    counts.evaluated = len(incidents)
    if counts.changed:
        audit.record(session, actor=actor, action="determination.evaluate",
                     target_type="incident", target_id=incidents[0].id, now=now,
                     detail={"incidents": len(incidents), "incident_ids": ids[:1000],
                             "changed": counts.changed,
                             "duties_opened": counts.duties_opened,
                             "duties_lapsed": counts.duties_lapsed,
                             "cases_opened": counts.cases_opened})
    return counts


def _placer(parsed: Sequence[IncidentFacts], policies: Sequence[Policy]) -> Placer:
    """The shipped boundaries, with the batch's points placed on them at once (countries and
    the pacts' common spaces) for the evaluator that takes incidents one by one."""
    if len(parsed) >= VECTORISE_FROM:  # the vectorised evaluator places them itself
        return GeoPlacer()
    points = [(f.location.lat, f.location.lon) for f in parsed if f.location is not None
              and f.location.lat is not None and f.location.lon is not None]
    areas = tuple(sorted({p.common_space for p in policies} - {UNION_OF_TERRITORIES}))
    return KnownPoints(GeoPlacer(), np.array([a for a, _ in points], dtype=float),
                       np.array([b for _, b in points], dtype=float), areas)


def _determinations(parsed: Sequence[IncidentFacts], setting: PactSetting,
                    placer: Placer) -> list[Determination]:
    """One per incident: the vectorised evaluator for batches, the direct one for a few (a
    frame costs more to build than a handful of incidents to evaluate; both give the same
    determinations, as the charter's property tests show)."""
    if len(parsed) < VECTORISE_FROM:
        return [evaluate(f, setting.pact, setting.policy, placer=placer) for f in parsed]
    bulk = evaluate_frame(FactsFrame.from_facts(parsed), setting.pact, setting.policy,
                          placer=placer)
    return [bulk.determination(i) for i in range(len(parsed))]


def _store(session: Session, incident: Incident, setting: PactSetting, facts: dict[str, object],
           result: Determination, current: StoredDetermination | None,
           counts: EvaluationCounts, now: dt.datetime,
           duties: dict[tuple[str, str], Duty]) -> None:
    provisions = [p.to_dict() for p in result.provisions]
    facts_digest = digest(facts)
    if (current is not None and current.facts_digest == facts_digest
            and current.pact_version == setting.pact.version
            and current.policy_digest == setting.policy_digest
            and current.provisions == provisions):
        return
    if current is None:
        current = StoredDetermination(incident_id=incident.id, pact_id=setting.pact.id)
        session.add(current)
    current.pact_version = setting.pact.version
    current.policy_digest = setting.policy_digest
    current.facts, current.facts_digest = dict(facts), facts_digest
    current.in_force, current.territory = result.in_force, result.territory
    current.in_common_space = result.in_common_space
    current.provisions = provisions
    current.engaged = _articles(provisions, "engaged")
    current.undetermined = _articles(provisions, "undetermined")
    current.evaluated_at = now
    counts.changed += 1
    _sync_duties(session, incident, setting.pact, provisions, counts, now, duties)


def _articles(provisions: list[dict[str, object]], status: str) -> str:
    found = [str(p["article"]) for p in provisions if p["status"] == status]
    return f",{','.join(found)}," if found else ""


def _family(pact: Pact, article: str) -> str | None:
    for provision in pact.provisions:
        if provision.article == article and provision.rule is not None:
            return provision.rule.family
    return None


def _sync_duties(session: Session, incident: Incident, pact: Pact,
                 provisions: list[dict[str, object]], counts: EvaluationCounts,
                 now: dt.datetime, duties: dict[tuple[str, str], Duty]) -> None:
    wanted: set[tuple[str, str]] = set()
    for article, party, beneficiary in _owed(pact, provisions):
        wanted.add((article, party))
        _open_duty(session, duties.get((article, party)), incident, pact, article, party,
                   beneficiary, counts, now)
    for p in provisions:
        article = str(p["article"])
        if (p["status"] == "engaged" and _family(pact, article) in COMPLIANCE_FAMILIES
                and p.get("respondent")):
            _open_case(session, incident, pact, article, str(p["respondent"]),
                       p.get("beneficiary"), counts, now)  # type: ignore[arg-type]
    for key, duty in duties.items():
        if key not in wanted and duty.status == "open":
            duty.status, duty.closed_at = "lapsed", now
            duty.note = "no longer engaged after re-evaluation"
            counts.duties_lapsed += 1


def _owed(pact: Pact, provisions: list[dict[str, object]]) -> list[tuple[str, str, str]]:
    """(article, owed by, beneficiary) for each duty the engaged aggression clauses give."""
    out = []
    for p in provisions:
        article = str(p["article"])
        if (p["status"] == "engaged" and _family(pact, article) in DUTY_FAMILIES
                and p.get("beneficiary")):
            out += [(article, str(party), str(p["beneficiary"]))
                    for party in p.get("owed_by") or []]  # type: ignore[attr-defined]
    return out


def _open_duty(session: Session, duty: Duty | None, incident: Incident, pact: Pact,
               article: str, owed_by: str, beneficiary: str, counts: EvaluationCounts,
               now: dt.datetime) -> None:
    if duty is None:
        session.add(Duty(incident_id=incident.id, pact_id=pact.id, article=article,
                         owed_by=owed_by, beneficiary=beneficiary, status="open",
                         opened_at=now))
        counts.duties_opened += 1
    elif duty.status == "lapsed":
        duty.status, duty.closed_at, duty.note = "open", None, "engaged again"
        counts.duties_opened += 1


def _open_case(session: Session, incident: Incident, pact: Pact, article: str, respondent: str,
               beneficiary: str | None, counts: EvaluationCounts, now: dt.datetime) -> None:
    exists = session.scalar(select(ComplianceCase).where(
        ComplianceCase.incident_id == incident.id, ComplianceCase.pact_id == pact.id,
        ComplianceCase.article == article))
    if exists is None:
        session.add(ComplianceCase(incident_id=incident.id, pact_id=pact.id, article=article,
                                   respondent=respondent, beneficiary=beneficiary,
                                   status="open", opened_at=now))
        counts.cases_opened += 1


def load_incidents(session: Session, ids: Sequence[int]) -> list[Incident]:
    return list(session.scalars(select(Incident).where(Incident.id.in_(ids))
                                .options(selectinload(Incident.actors)).order_by(Incident.id)))


def duties_under(incident: Incident, decisions: dict[str, bool],
                 pact_ids: Iterable[str]) -> set[tuple[str, str, str, str]]:
    """(pact, article, owed by, beneficiary) of every duty the pacts give on the incident,
    were these the answers to the interpretive questions; nothing is stored."""
    parsed = [parse_incident(derive_facts(incident, ActorRegistry.load(), decisions))]
    pact_ids = tuple(pact_ids)
    placer = _placer(parsed, [pact_setting(p).policy for p in pact_ids])
    out = set()
    for pact_id in pact_ids:
        setting = pact_setting(pact_id)
        [result] = _determinations(parsed, setting, placer)
        out |= {(pact_id, *owed)
                for owed in _owed(setting.pact, [p.to_dict() for p in result.provisions])}
    return out


def _duty_list(duties: Iterable[tuple[str, str, str, str]]) -> list[dict[str, str]]:
    return [dict(zip(("pact", "article", "owed_by", "beneficiary"), d, strict=True))
            for d in sorted(duties)]


def record_classification(session: Session, *, incident: Incident, question: str, value: bool,
                          evidence: str, rationale: str, actor: audit.Actor,
                          pact_ids: Iterable[str], now: dt.datetime) -> ClassificationDecision:
    """Record a person's answer to an interpretive question.

    A state's analysts answer only for incidents on their own state's territory, the
    secretariat for any (a refusal is audited; the caller commits it). An answer that would
    change who owes a duty to another state waits, pending, for a second person of the
    secretariat (:func:`review_classification`); any other takes effect at once and the
    incident is re-evaluated.
    """
    if question not in QUESTIONS:
        raise RuleViolation(f"question: expected one of {', '.join(QUESTIONS)}, got {question!r}")
    if actor.id is None or actor.state is None:
        raise RuleViolation("decided_by: expected a signed-in person")
    refusal = rules.classify_problem(incident.id, incident.iso3, actor.state)
    if refusal is not None:
        audit.record(session, actor=actor, action="classification.refused",
                     target_type="incident", target_id=incident.id, now=now,
                     detail={"question": question, "value": value, "reason": refusal.detail})
        raise Refused.of(refusal)
    pact_ids = tuple(pact_ids)
    current = classifications_of(session, [incident.id]).get(incident.id, {})
    before = duties_under(incident, current, pact_ids)
    after = duties_under(incident, {**current, question: value}, pact_ids)
    pending = before != after
    decision = ClassificationDecision(
        incident_id=incident.id, question=question, value=value, decided_by=actor.id,
        decided_by_state=actor.state, decided_at=now, evidence=evidence.strip(),
        rationale=rationale.strip(), status="pending" if pending else "in_force",
        duty_change={"opens": _duty_list(after - before), "lapses": _duty_list(before - after)}
        if pending else None, effective_at=None if pending else now)
    session.add(decision)
    session.flush()
    audit.record(session, actor=actor, action="classification.record",
                 target_type="incident", target_id=incident.id, now=now,
                 after={"decision": decision.id, "question": question, "value": value,
                        "evidence": evidence, "rationale": rationale,
                        "status": decision.status, "duty_change": decision.duty_change})
    if not pending:
        evaluate_incidents(session, [incident], pact_ids=pact_ids, actor=actor, now=now)
    return decision


def review_classification(session: Session, *, decision: ClassificationDecision,
                          incident: Incident, confirm: bool, note: str | None,
                          actor: audit.Actor, pact_ids: Iterable[str],
                          now: dt.datetime) -> ClassificationDecision:
    """The secretariat's second person confirms a pending decision (it takes effect and the
    incident is re-evaluated) or rejects it (it never counts); the one who recorded it may
    not (a refusal is audited; the caller commits it)."""
    reviewed = rules.pending_problem(decision.id, decision.status)
    if reviewed is not None:
        raise Conflict.of(reviewed)
    refusal = rules.reviewer_problem(decision.id, state=actor.state, person=actor.id,
                                     decided_by=decision.decided_by)
    if refusal is not None:
        audit.record(session, actor=actor, action="classification.review.refused",
                     target_type="incident", target_id=incident.id, now=now,
                     detail={"decision": decision.id, "confirm": confirm,
                             "reason": refusal.detail})
        raise Refused.of(refusal)
    decision.status = "in_force" if confirm else "rejected"
    decision.reviewed_by, decision.reviewed_at = actor.id, now
    decision.review_note = note.strip() if note else None
    decision.effective_at = now if confirm else None
    session.flush()
    audit.record(session, actor=actor,
                 action="classification.confirm" if confirm else "classification.reject",
                 target_type="incident", target_id=incident.id, now=now,
                 before={"decision": decision.id, "status": "pending"},
                 after={"decision": decision.id, "status": decision.status, "note": note,
                        "decided_by": decision.decided_by,
                        "duty_change": decision.duty_change})
    if confirm:
        evaluate_incidents(session, [incident], pact_ids=pact_ids, actor=actor, now=now)
    return decision
