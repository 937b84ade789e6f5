"""What the pages offer is what the services accept: at every stage of a request, for every
member of the cast, each step :func:`steps.possible_actions` offers is accepted by its use case,
and each one it leaves out is refused, with the very refusal :func:`steps.step_refusal` gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from factories.assistance import (
    DAY,
    NOW,
    attacked,
    caller,
    convened,
    decided,
    delivering,
    file,
    made_by,
    offer,
    opened,
)
from factories.auth import CAST
from factories.obligations import classification, evaluated_report
from liptako.assistance import pledging, queries, rules, steps, voting
from liptako.assistance import service as assistance
from liptako.assistance.models import AssistanceRequest
from liptako.assistance.schemas import PledgeIn
from liptako.auth.models import User
from liptako.core.errors import DomainError, NotFound, Refusal, RuleViolation
from liptako.incidents.models import Incident
from liptako.obligations import queries as obligation_queries

Cast = dict[str, User]
Stage = tuple[AssistanceRequest, dt.datetime]


def _draft(session: Session, cast: Cast) -> Stage:
    return file(session, made_by(cast, "MLI"), [attacked(session, "MLI")]), NOW


def _late_draft(session: Session, cast: Cast) -> Stage:
    made, _ = _draft(session, cast)
    return made, NOW + 3 * DAY  # past its deadline for answers


def _submitted(session: Session, cast: Cast) -> Stage:
    made, _ = _draft(session, cast)
    assistance.submit(session, made.id, caller=caller(made_by(cast, "MLI")), now=NOW)
    return made, NOW


def _answered(session: Session, cast: Cast) -> Stage:
    """Open: Burkina pledged (not yet accepted), Niger pledged (accepted) and withdrew one."""
    made = opened(session, cast, [attacked(session, "MLI")])
    offer(session, cast, made, "BFA")
    accepted, gone = offer(session, cast, made, "NER"), offer(session, cast, made, "NER")
    mli, ner = caller(made_by(cast, "MLI")), caller(made_by(cast, "NER"))
    pledging.accept_pledge(session, made.id, accepted.id, caller=mli, now=NOW)
    pledging.withdraw_pledge(session, made.id, gone.id, reason=None, caller=ner, now=NOW)
    return made, NOW


def _voting(session: Session, cast: Cast) -> Stage:
    """Convened; Burkina voted, Niger declined: Mali's and Niger's votes are awaited."""
    made = convened(session, cast, [attacked(session, "MLI")])
    voting.cast_vote(session, made.id, value="yes", caller=caller(made_by(cast, "BFA")),
                     now=NOW)
    pledging.decline(session, made.id, reason="Assets committed elsewhere",
                     caller=caller(made_by(cast, "NER")), now=NOW)
    return made, NOW


def _voted(session: Session, cast: Cast, values: dict[str, str]) -> Stage:
    made = convened(session, cast, [attacked(session, "MLI")])
    for state, value in values.items():
        voting.cast_vote(session, made.id, value=value, caller=caller(made_by(cast, state)),
                         now=NOW)
    return made, NOW


def _adopted(session: Session, cast: Cast) -> Stage:
    return decided(session, cast, [attacked(session, "MLI")])[0], NOW


def _rejected(session: Session, cast: Cast) -> Stage:
    votes = {"BFA": "yes", "MLI": "yes", "NER": "no"}
    return decided(session, cast, [attacked(session, "MLI")], votes=votes)[0], NOW


def _delivering(session: Session, cast: Cast) -> Stage:
    made, pledges = delivering(session, cast, [attacked(session, "MLI")])
    pledging.confirm_delivery(session, made.id, pledges[0].id,
                              caller=caller(made_by(cast, "MLI")), now=NOW)
    return made, NOW


def _ended(action: str) -> Callable[[Session, Cast], Stage]:
    def build(session: Session, cast: Cast) -> Stage:
        made, now = _adopted(session, cast)
        mli = caller(made_by(cast, "MLI"))
        if action == "close":
            assistance.close(session, made.id, caller=mli, now=now)
        else:
            assistance.withdraw(session, made.id, reason="situation in hand", caller=mli,
                                now=now)
        return made, now
    return build


STAGES: dict[str, Callable[[Session, Cast], Stage]] = {
    "draft": _draft, "late draft": _late_draft, "submitted": _submitted,
    "answered": _answered, "voting": _voting,
    "all voted": lambda s, c: _voted(s, c, {"BFA": "yes", "MLI": "yes", "NER": "yes"}),
    "blocked early": lambda s, c: _voted(s, c, {"MLI": "no"}),
    "adopted": _adopted, "rejected": _rejected, "delivering": _delivering,
    "closed": _ended("close"), "withdrawn": _ended("withdraw"),
}


def _take(session: Session, made: AssistanceRequest, step: steps.Step, who: assistance.Caller,
          now: dt.datetime) -> object:
    """The use case behind ``step``, with input it accepts."""
    rid, pid = made.id, step.pledge_id or 0
    body = PledgeIn(line_item_id=made.items[0].id, quantity=1, available_from=now + DAY,
                    description="One transport aircraft")
    cases: dict[str, Callable[[], object]] = {
        "submit": lambda: assistance.submit(session, rid, caller=who, now=now),
        "open": lambda: assistance.open_request(session, rid, caller=who, now=now),
        "withdraw": lambda: assistance.withdraw(session, rid, reason="situation in hand",
                                                caller=who, now=now),
        "pledge": lambda: pledging.pledge(session, rid, body, caller=who, now=now),
        "decline": lambda: pledging.decline(session, rid, reason="assets committed elsewhere",
                                            caller=who, now=now),
        "convene": lambda: voting.convene_vote(session, rid, vote_deadline_at=now + DAY,
                                               caller=who, now=now),
        "vote": lambda: voting.cast_vote(session, rid, value="yes", caller=who, now=now),
        "decide": lambda: voting.record_decision(session, rid, caller=who, now=now),
        "start_delivery": lambda: assistance.start_delivery(session, rid, caller=who, now=now),
        "close": lambda: assistance.close(session, rid, caller=who, now=now),
        "accept_pledge": lambda: pledging.accept_pledge(session, rid, pid, caller=who, now=now),
        "refuse_pledge": lambda: pledging.refuse_pledge(session, rid, pid, reason="wrong type",
                                                        caller=who, now=now),
        "withdraw_pledge": lambda: pledging.withdraw_pledge(session, rid, pid, reason=None,
                                                            caller=who, now=now),
        "confirm_delivery": lambda: pledging.confirm_delivery(session, rid, pid, caller=who,
                                                              now=now),
    }
    return cases[step.action]()


def _outcome(session: Session, made: AssistanceRequest, step: steps.Step,
             who: assistance.Caller, now: dt.datetime) -> DomainError | None:
    """The use case's refusal, or None when it accepts; undone either way."""
    savepoint = session.begin_nested()
    try:
        _take(session, made, step, who, now)
    except DomainError as exc:
        return exc
    finally:
        savepoint.rollback()
    return None


def _readers(session: Session, cast: Cast, made: AssistanceRequest) -> list[str]:
    """The cast who may see the request (a draft: its requesting state only)."""
    readers = []
    for name in CAST:
        try:
            queries.get_request(session, caller(cast[name]).viewer, made.id)
        except NotFound:
            continue
        readers.append(name)
    return readers


@pytest.mark.parametrize("stage", list(STAGES))
def test_the_steps_offered_are_those_the_services_accept(
        session: Session, cast: Cast, stage: str) -> None:
    made, now = STAGES[stage](session, cast)
    candidates = [steps.Step(a) for a in steps.REQUEST_ACTIONS]
    candidates += [steps.Step(a, p.id) for p in made.pledges for a in steps.PLEDGE_STEPS]
    offered_to: dict[str, set[steps.Step]] = {}
    mismatches = []
    for name in _readers(session, cast, made):
        user = cast[name]
        view = queries.request_view(made, now)
        offered = steps.possible_actions(view, state=user.state, roles=user.roles, now=now)
        offered_to[name] = set(offered)
        for step in candidates:
            refusal = steps.step_refusal(step, view, state=user.state, roles=user.roles,
                                         now=now)
            error = _outcome(session, made, step, caller(user), now)
            said = None if error is None else (error.reason, error.detail)
            if (step in offered, said) != (refusal is None, refusal and (
                    refusal.code, refusal.detail)):
                mismatches.append(f"{name} {step}: offered {step in offered}, service {said}")
    assert not mismatches, "\n".join(mismatches)
    assert any(offered_to.values()) or stage in ("closed", "withdrawn")


def _offered(made: AssistanceRequest, user: User, now: dt.datetime = NOW) -> set[str]:
    view = queries.request_view(made, now)
    return {s.action for s in steps.possible_actions(view, state=user.state, roles=user.roles,
                                                     now=now)}


def test_the_presidency_or_the_secretariat_convenes_and_decides_once_it_can_be_recorded(
        session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    president, mali, sec = cast["ibrahim_bfa_liaison"], made_by(cast, "MLI"), cast["sec"]
    assert "convene" in _offered(made, president) and "convene" in _offered(made, sec)
    assert "convene" not in _offered(made, mali)
    voting.convene_vote(session, made.id, vote_deadline_at=NOW + DAY, caller=caller(sec),
                        now=NOW)
    assert not {"convene", "decide"} & (_offered(made, president) | _offered(made, sec))
    for state in ("BFA", "MLI", "NER"):
        assert "vote" in _offered(made, made_by(cast, state))
        voting.cast_vote(session, made.id, value="yes", caller=caller(made_by(cast, state)),
                         now=NOW)
        assert "vote" not in _offered(made, made_by(cast, state))
    assert "decide" in _offered(made, president) and "decide" in _offered(made, sec)
    assert "decide" not in _offered(made, mali)


def test_nobody_convenes_before_the_first_presidency(session: Session, cast: Cast) -> None:
    early = dt.datetime(2024, 7, 1, 8, tzinfo=dt.UTC)
    made = opened(session, cast, [attacked(session, "MLI", now=early)], now=early)
    for name in ("sec", "ibrahim_bfa_liaison", "amadou_mli_liaison"):
        assert "convene" not in _offered(made, cast[name], early)


def _invocable(session: Session, incident: Incident, state: str,
               pending: bool = False) -> str | Refusal:
    [determination] = obligation_queries.determinations_of(session, incident.id)
    return steps.invocable(incident.id, "aes-2023", determination["provisions"], state=state,
                           incident_state=incident.iso3, pending=pending)


def _files(session: Session, cast: Cast, incident: Incident, state: str, article: str) -> bool:
    savepoint = session.begin_nested()
    try:
        file(session, made_by(cast, state), [incident], article=article)
    except RuleViolation:
        return False
    finally:
        savepoint.rollback()
    return True


def test_a_liaison_may_file_on_exactly_the_article_offered(session: Session,
                                                            cast: Cast) -> None:
    incidents = {"engaged for Mali": attacked(session, "MLI"),
                 "undetermined": evaluated_report(session, "BFA", tlp="GREEN"),
                 "pre-Charter": evaluated_report(session, "BFA", tlp="GREEN",
                                                 occurred_on="2019-07-29")}
    for name, incident in incidents.items():
        for state in ("BFA", "MLI", "NER"):
            offered = _invocable(session, incident, state)
            for article in rules.ARTICLES:
                assert _files(session, cast, incident, state, article) is (
                    offered == article), (name, state, article, offered)


def test_what_must_happen_before_a_request_can_invoke_an_incident(session: Session,
                                                                   cast: Cast) -> None:
    burkina = evaluated_report(session, "BFA", tlp="GREEN")
    needed = _invocable(session, burkina, "BFA")
    assert isinstance(needed, Refusal) and needed.code == "classification_needed"
    assert (needed.params["article"], needed.params["incident_state"]) == ("6", "BFA")
    waiting = _invocable(session, burkina, "BFA", pending=True)
    assert isinstance(waiting, Refusal) and waiting.code == "classification_pending"
    unknown = evaluated_report(session, "BFA", tlp="GREEN", perpetrator={
        "kind": "non_state_armed_group"})  # the group's type is missing too
    assert _refusal_code(_invocable(session, unknown, "BFA")) == "classification_needed"
    foreign = attacked(session, "MLI")
    other = _invocable(session, foreign, "NER")
    assert isinstance(other, Refusal) and other.code == "article_engaged_for_other"
    assert (other.params["article"], other.params["beneficiary"]) == ("6", "MLI")
    old = evaluated_report(session, "BFA", tlp="GREEN", occurred_on="2019-07-29")
    assert _refusal_code(_invocable(session, old, "BFA")) == "nothing_to_invoke"
    classification(session, burkina, value=True, decided_by=cast["sec"].id,
                   confirmed_by=cast["admin"].id)
    assert _invocable(session, burkina, "BFA") == "6"


def _refusal_code(found: str | Refusal) -> str:
    return found.code if isinstance(found, Refusal) else f"article {found}"
