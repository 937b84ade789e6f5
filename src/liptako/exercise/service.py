"""The command-post exercise: played through the real use cases, removed as a whole.

Loading plays the script of :mod:`liptako.exercise.scenario` as its players would: each
state's analyst reports and classifies, a second person of the secretariat confirms, the
liaison officers file, pledge, vote and confirm deliveries, the secretariat opens requests and
convenes the votes. Every act is recorded when it is played, so the audit says when things
were really done; only the reports' dates are spread over the past year. Every incident and
request it makes is marked ``exercise``; :func:`clear_exercise` removes those and everything
hanging from them, and nothing else. The audit chain keeps the entries of both, and records
the loading and the clearing. Functions flush, never commit: the command owns the
transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Delete, delete, func, select
from sqlalchemy.orm import Session

from liptako.assistance import pledging, voting
from liptako.assistance import service as assistance
from liptako.assistance.models import (
    AssistanceRequest,
    Decision,
    Decline,
    LineItem,
    Pledge,
    Reminder,
    TimelineEvent,
    Vote,
    request_duty,
    request_incident,
)
from liptako.assistance.schemas import PledgeIn, RequestIn
from liptako.audit import service as audit
from liptako.auth import service as auth
from liptako.auth.models import User
from liptako.core import reference
from liptako.core.errors import Conflict
from liptako.exercise import scenario
from liptako.incidents.models import Incident, IncidentActor, IncidentVersion
from liptako.incidents.schemas import IncidentIn
from liptako.obligations import recording
from liptako.obligations import service as obligations
from liptako.obligations.models import (
    ClassificationDecision,
    ComplianceCase,
    Duty,
    StoredDetermination,
)

MARKER = "exercise"
"""The reference_dataset row that says `liptako init` has loaded the exercise once."""

# login name: (state, roles, display name); none has a password until an operator gives it
# one (`liptako users set-password`)
ACCOUNTS: dict[str, tuple[str, list[str], str]] = {
    "exercise-mli-analyst": ("MLI", ["analyst"], "Analyste du Mali (exercice)"),
    "exercise-bfa-analyst": ("BFA", ["analyst"], "Analyste du Burkina Faso (exercice)"),
    "exercise-ner-analyst": ("NER", ["analyst"], "Analyste du Niger (exercice)"),
    "exercise-mli-liaison": ("MLI", ["liaison"], "Officier de liaison du Mali (exercice)"),
    "exercise-bfa-liaison": ("BFA", ["liaison"],
                             "Officier de liaison du Burkina Faso (exercice)"),
    "exercise-ner-liaison": ("NER", ["liaison"], "Officier de liaison du Niger (exercice)"),
    "exercise-sec-officer": ("SEC", ["secretariat"], "Officier du secrétariat (exercice)"),
    "exercise-sec-reviewer": ("SEC", ["secretariat"],
                              "Second officier du secrétariat (exercice)"),
}
STAGES = ("draft", "open_for_pledges", "voting", "in_delivery", "closed")
Advance = Callable[[], None]


@dataclass(frozen=True)
class Loaded:
    """What loading the exercise made."""

    reports: int
    decisions: int
    pending: int
    requests: int
    accounts_created: int


@dataclass(frozen=True)
class Players:
    """The exercise's accounts, as the use cases know their callers."""

    users: dict[str, User]

    def caller(self, state: str, role: str) -> assistance.Caller:
        """``role``: analyst or liaison of a state; officer or reviewer of the secretariat."""
        user = self.users[f"exercise-{state.lower()}-{role}"]
        return assistance.Caller(audit.Actor(user.id, user.username, user.state),
                                 tuple(user.roles))


def counts(session: Session) -> dict[str, int]:
    """Exercise incidents and requests stored."""
    return {
        "incidents": session.scalar(select(func.count()).where(Incident.exercise.is_(True))) or 0,
        "requests": session.scalar(select(func.count()).where(
            AssistanceRequest.exercise.is_(True))) or 0}


def was_loaded(session: Session) -> bool:
    """Whether `liptako init` (or `liptako exercise load`) has loaded it before."""
    return reference.is_loaded(session, MARKER)


def steps() -> int:
    """How many acts loading plays (for a progress bar)."""
    return len(scenario.INJECTS) + len(scenario.CLASSIFICATIONS) + len(scenario.REQUESTS)


def players(session: Session, *, now: dt.datetime) -> tuple[Players, int]:
    """The exercise's accounts, created where missing (without a password), and how many
    were created; an account of the same name made otherwise is refused."""
    users, created = {}, 0
    for name, (state, roles, full_name) in ACCOUNTS.items():
        user = session.scalar(select(User).where(User.username == name))
        if user is None:
            user = auth.create_user(session, username=name, password=None,
                                    state=state, roles=roles, actor=audit.SYSTEM, now=now,
                                    full_name=full_name)
            created += 1
        elif user.state != state or sorted(user.roles) != roles or not user.is_active:
            raise Conflict(f"account {name}: expected an active {state} {'/'.join(roles)} "
                           f"account for the exercise, found {user.state} "
                           f"{'/'.join(user.roles)}{'' if user.is_active else ' (inactive)'}")
        users[name] = user
    return Players(users), created


def load_exercise(session: Session, *, pact_ids: Sequence[str], now: dt.datetime,
                  advance: Advance | None = None) -> Loaded:
    """Play the whole script; refused while an exercise is stored (clear it first)."""
    found = counts(session)
    if any(found.values()):
        raise Conflict(f"exercise: expected none stored to load one, found {found['incidents']} "
                       f"exercise incidents and {found['requests']} requests; clear them first "
                       "(`liptako exercise clear`)")
    step = advance or (lambda: None)
    cast, created = players(session, now=now)
    incidents = {}
    for inject in scenario.INJECTS:
        payload = IncidentIn.model_validate(
            {**inject.payload(), "occurred_on": now.date() - dt.timedelta(days=inject.days_ago)})
        incidents[inject.key] = recording.record_report(
            session, payload, actor=cast.caller(inject.state, "analyst").actor,
            state=inject.state, pact_ids=pact_ids, now=now)
        step()
    pending = 0
    for decision in scenario.CLASSIFICATIONS:
        pending += _classify(session, decision, incidents[decision.inject], cast,
                             pact_ids, now) == "pending"
        step()
    for script in scenario.REQUESTS:
        _play(session, script, [incidents[k].id for k in script.injects], cast, now)
        step()
    if not was_loaded(session):
        reference.mark_loaded(session, MARKER, rows=len(incidents), now=now,
                              digest=hashlib.sha256(scenario.NAME.encode()).hexdigest())
    loaded = Loaded(len(incidents), len(scenario.CLASSIFICATIONS), pending,
                    len(scenario.REQUESTS), created)
    audit.record(session, actor=audit.SYSTEM, action="exercise.load", target_type="exercise",
                 target_id=scenario.NAME, now=now,
                 detail={"incident_ids": sorted(i.id for i in incidents.values()),
                         **asdict(loaded)})
    return loaded


def _classify(session: Session, decision: scenario.Classification, incident: Incident,
              cast: Players, pact_ids: Sequence[str], now: dt.datetime) -> str:
    """Record one answer; confirm it by the secretariat's second person when scripted."""
    state = "SEC" if decision.by == "secretariat" else incident.originator
    who = cast.caller(state, "officer" if state == "SEC" else "analyst")
    made = obligations.record_classification(
        session, incident=incident, question="attack_on_sovereignty", value=decision.value,
        evidence=decision.evidence, rationale=decision.rationale, actor=who.actor,
        pact_ids=pact_ids, now=now)
    if made.status == "pending" and decision.confirm is not None:
        obligations.review_classification(
            session, decision=made, incident=incident, confirm=decision.confirm,
            note="Confirmé par le second officier du secrétariat (EXERCICE).",
            actor=cast.caller("SEC", "reviewer").actor, pact_ids=pact_ids, now=now)
    return made.status


def _play(session: Session, script: scenario.RequestScript, incident_ids: list[int],
          cast: Players, now: dt.datetime) -> None:
    """File a request and take it as far as its script's stage."""
    def reached(stage: str) -> bool:
        return STAGES.index(script.stage) >= STAGES.index(stage)

    requester, secretariat = cast.caller(script.state, "liaison"), cast.caller("SEC", "officer")
    body = RequestIn.model_validate({
        "title": script.title, "situation": scenario.exercise_text(script.situation),
        "article": script.article, "incident_ids": incident_ids,
        "deadline_at": now + dt.timedelta(days=5),
        "items": [{**item, "starts_at": now + dt.timedelta(days=1)} for item in script.items]})
    request = assistance.file_request(session, body, caller=requester, now=now)
    if not reached("open_for_pledges"):
        return
    assistance.submit(session, request.id, caller=requester, now=now)
    assistance.open_request(session, request.id, caller=secretariat, now=now)
    made = _answer(session, script, request, cast, now)
    if not reached("voting"):
        return
    for pledge in made:
        pledging.accept_pledge(session, request.id, pledge.id, caller=requester, now=now)
    voting.convene_vote(session, request.id, vote_deadline_at=now + dt.timedelta(days=3),
                        caller=secretariat, now=now)
    for state, value in script.votes:
        voting.cast_vote(session, request.id, value=value, caller=cast.caller(state, "liaison"),
                         now=now)
    if not reached("in_delivery"):
        return
    voting.record_decision(session, request.id, caller=secretariat, now=now)
    assistance.start_delivery(session, request.id, caller=requester, now=now)
    for pledge in made:
        if pledge.state in script.delivered:
            pledging.confirm_delivery(session, request.id, pledge.id, caller=requester,
                                      now=now)
    if reached("closed"):
        assistance.close(session, request.id, caller=requester, now=now)


def _answer(session: Session, script: scenario.RequestScript, request: AssistanceRequest,
            cast: Players, now: dt.datetime) -> list[Pledge]:
    """The other parties' pledges and declines, as scripted."""
    made = []
    items = {item.position: item.id for item in request.items}
    for answer in script.answers:
        who = cast.caller(answer.state, "liaison")
        if isinstance(answer, scenario.Declined):
            pledging.decline(session, request.id, reason=answer.reason, caller=who, now=now)
            continue
        offer = PledgeIn(line_item_id=items[answer.item], quantity=answer.quantity,
                         available_from=now + dt.timedelta(days=answer.available_in_days),
                         description=answer.description)
        made.append(pledging.pledge(session, request.id, offer, caller=who, now=now))
    return made


def _removals() -> list[tuple[str, Delete]]:
    """What clearing deletes, children before their parents, named for the summary."""
    requests = select(AssistanceRequest.id).where(AssistanceRequest.exercise.is_(True))
    incidents = select(Incident.id).where(Incident.exercise.is_(True))
    duties = select(Duty.id).where(Duty.incident_id.in_(incidents))
    out: list[tuple[str, Delete]] = [
        (name, delete(model).where(model.request_id.in_(requests)))
        for name, model in (("timeline events", TimelineEvent), ("reminders", Reminder),
                            ("decisions", Decision), ("votes", Vote), ("declines", Decline),
                            ("pledges", Pledge), ("line items", LineItem))]
    out += [("request links", delete(request_duty).where(
                request_duty.c.request_id.in_(requests) | request_duty.c.duty_id.in_(duties))),
            ("request links", delete(request_incident).where(
                request_incident.c.request_id.in_(requests)
                | request_incident.c.incident_id.in_(incidents))),
            ("requests", delete(AssistanceRequest).where(AssistanceRequest.exercise.is_(True)))]
    out += [(name, delete(model).where(model.incident_id.in_(incidents)))
            for name, model in (("duties", Duty), ("compliance cases", ComplianceCase),
                                ("classification decisions", ClassificationDecision),
                                ("determinations", StoredDetermination),
                                ("incident versions", IncidentVersion),
                                ("incident actors", IncidentActor))]
    out.append(("incidents", delete(Incident).where(Incident.exercise.is_(True))))
    return out


def removal_steps() -> int:
    """How many statements clearing runs (for a progress bar)."""
    return len(_removals())


def clear_exercise(session: Session, *, actor: audit.Actor, now: dt.datetime,
                   advance: Advance | None = None) -> dict[str, int]:
    """Remove every exercise record and what hangs from it, audited; rows removed by kind.

    Audit entries are never removed (the chain keeps what was done in the exercise), nor the
    exercise's accounts (their names stay in the audit).
    """
    ids = {"incident_ids": sorted(session.scalars(
               select(Incident.id).where(Incident.exercise.is_(True)))),
           "request_ids": sorted(session.scalars(
               select(AssistanceRequest.id).where(AssistanceRequest.exercise.is_(True))))}
    removed: dict[str, int] = {}
    for name, statement in _removals():
        result = session.execute(statement.execution_options(synchronize_session=False))
        removed[name] = removed.get(name, 0) + max(result.rowcount, 0)  # type: ignore[attr-defined]
        if advance is not None:
            advance()
    session.expire_all()
    audit.record(session, actor=actor, action="exercise.clear", target_type="exercise",
                 target_id=scenario.NAME, now=now,
                 detail={**removed, **{k: v[:1000] for k, v in ids.items()}})
    session.flush()
    return removed
