"""Filing a request and moving it through the state machine: every legal step, the illegal
ones refused with their reason, who may act, what each caller sees, the audited timeline."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.assistance import (
    DAY,
    NOW,
    attacked,
    caller,
    decided,
    delivering,
    file,
    made_by,
    offer,
    opened,
    request_body,
)
from liptako.assistance import pledging, queries, voting
from liptako.assistance import service as assistance
from liptako.assistance.models import AssistanceRequest
from liptako.assistance.schemas import PledgeIn, RequestIn
from liptako.audit.models import AuditEntry
from liptako.audit.service import verify_chain
from liptako.auth.models import User
from liptako.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation

Cast = dict[str, User]


def test_filing_links_the_incidents_and_the_duties_the_engine_opened(
        session: Session, cast: Cast) -> None:
    incident = attacked(session, "MLI")
    made = file(session, made_by(cast, "MLI"), [incident])
    assert (made.status, made.requesting_state, made.originator) == ("draft", "MLI", "MLI")
    assert (made.tlp, made.audience, made.pact_id, made.article) == (
        "AMBER", ",BFA,MLI,NER,SEC,", "aes-2023", "6")
    assert [i.id for i in made.incidents] == [incident.id]
    assert sorted((d.owed_by, d.beneficiary, d.article, d.status) for d in made.duties) == [
        ("BFA", "MLI", "6", "open"), ("NER", "MLI", "6", "open")]
    assert [(i.position, i.kind, i.priority) for i in made.items] == [
        (1, "air_support", 1), (2, "medical_evacuation", 2), (3, "humanitarian_relief", 3)]
    assert made.message_id.startswith("urn:uuid:")


def test_a_request_on_exercise_incidents_is_an_exercise_one_and_never_mixes_them(
        session: Session, cast: Cast) -> None:
    real, played = attacked(session, "MLI"), attacked(session, "MLI", exercise=True)
    assert played.exercise and not real.exercise
    assert file(session, made_by(cast, "MLI"), [played]).exercise
    assert not file(session, made_by(cast, "MLI"), [real]).exercise
    with pytest.raises(RuleViolation, match=f"got exercise incidents {played.id} among real"):
        file(session, made_by(cast, "MLI"), [real, played])


@pytest.mark.parametrize(("who", "article", "message"), [
    ("MLI", "5", "Art. 5 of aes-2023 is not_engaged; expected it engaged with MLI"),
    ("BFA", "6", "Art. 6 of aes-2023 is engaged for MLI; expected it engaged with BFA as the "
                 "beneficiary"),
])
def test_an_article_is_invoked_only_where_it_is_engaged_for_the_requester(
        session: Session, cast: Cast, who: str, article: str, message: str) -> None:
    incident = attacked(session, "MLI", tlp="GREEN")
    with pytest.raises(RuleViolation, match=message):
        file(session, made_by(cast, who), [incident], article=article)


def test_filing_refuses_hidden_incidents_other_roles_and_past_deadlines(
        session: Session, cast: Cast) -> None:
    hidden = attacked(session, "NER", tlp="AMBER+STRICT", audience=[])
    with pytest.raises(NotFound, match=f"incident {hidden.id}: not found"):
        file(session, made_by(cast, "MLI"), [hidden])
    incident = attacked(session, "MLI")
    with pytest.raises(PermissionDenied, match="file: expected a liaison officer"):
        file(session, cast["awa_mli_analyst"], [incident])
    with pytest.raises(PermissionDenied):
        file(session, cast["sec"], [incident])
    payload = RequestIn.model_validate({**request_body([incident.id]),
                                        "deadline_at": NOW.isoformat()})
    with pytest.raises(RuleViolation, match="deadline_at: expected a time after now"):
        assistance.file_request(session, payload, caller=caller(made_by(cast, "MLI")), now=NOW)


def test_the_whole_workflow_is_audited_on_the_request_timeline(
        session: Session, cast: Cast) -> None:
    made, pledges = delivering(session, cast, [attacked(session, "MLI")])
    mli = caller(made_by(cast, "MLI"))
    for p in pledges:
        pledging.confirm_delivery(session, made.id, p.id, caller=mli, now=NOW + DAY)
    assistance.close(session, made.id, caller=mli, now=NOW + 2 * DAY)
    assert made.status == "closed" and made.closed_at == NOW + 2 * DAY
    events = queries.timeline(session, made)
    assert [e.action for e in events] == [
        "file", "submit", "open", "pledge", "pledge", "accept_pledge", "accept_pledge",
        "convene", "vote", "vote", "vote", "decide", "start_delivery", "confirm_delivery",
        "discharge_duties", "confirm_delivery", "discharge_duties", "close"]
    assert [(e.actor_name, e.actor_state) for e in events[:3]] == [
        ("amadou_mli_liaison", "MLI"), ("amadou_mli_liaison", "MLI"), ("sec", "SEC")]
    moves = [(e.detail or {}).get("to") for e in events if e.detail and "to" in e.detail]
    assert moves == ["submitted", "open_for_pledges", "decided", "in_delivery", "closed"]
    entries = {e.seq: e for e in session.scalars(select(AuditEntry).where(
        AuditEntry.target_type == "assistance_request",
        AuditEntry.target_id == str(made.id)))}
    assert len(entries) == len(events)
    for event in events:
        entry = entries[event.audit_seq]
        assert (entry.action, entry.actor_name, entry.at) == (
            f"assistance.{event.action}", event.actor_name, event.at)
    assert verify_chain(session).intact


def _pledge(session: Session, cast: Cast, made: AssistanceRequest) -> None:
    offer(session, cast, made, "NER")


ACTIONS: dict[str, Callable[[Session, Cast, AssistanceRequest], object]] = {
    "submit": lambda s, c, r: assistance.submit(s, r.id, caller=caller(made_by(c, "MLI")),
                                                now=NOW),
    "open": lambda s, c, r: assistance.open_request(s, r.id, caller=caller(c["sec"]), now=NOW),
    "pledge": _pledge,
    "vote": lambda s, c, r: voting.cast_vote(s, r.id, value="yes",
                                             caller=caller(made_by(c, "NER")), now=NOW),
    "start_delivery": lambda s, c, r: assistance.start_delivery(
        s, r.id, caller=caller(made_by(c, "MLI")), now=NOW),
    "close": lambda s, c, r: assistance.close(s, r.id, caller=caller(c["sec"]), now=NOW),
    "withdraw": lambda s, c, r: assistance.withdraw(s, r.id, reason="no longer needed",
                                                    caller=caller(made_by(c, "MLI")), now=NOW),
}


@pytest.mark.parametrize(("step", "action", "expected"), [
    ("decided", "pledge", "is decided: expected submitted or open for pledges to pledge"),
    ("submitted", "submit", "is submitted: expected draft to submit it"),
    ("open", "open", "is open for pledges: expected submitted to open it for pledges"),
    ("open", "start_delivery", "is open for pledges: expected decided to start delivery"),
    ("open", "close", "is open for pledges: expected decided or in delivery to close it"),
    ("submitted", "vote", "is submitted: expected open for pledges to vote"),
    ("delivering", "withdraw", "is in delivery: expected draft, submitted, open for pledges or "
                               "decided to withdraw it"),
    ("closed", "close", "is closed: expected decided or in delivery to close it"),
    ("withdrawn", "pledge", "is withdrawn: expected submitted or open for pledges to pledge"),
])
def test_illegal_transitions_are_refused_with_the_reason(
        session: Session, cast: Cast, step: str, action: str, expected: str) -> None:
    made = _at_step(session, cast, step)
    before = made.status
    with pytest.raises(Conflict) as error:
        ACTIONS[action](session, cast, made)
    assert error.value.detail == f"request {made.id} {expected}"
    assert made.status == before


def _at_step(session: Session, cast: Cast, step: str) -> AssistanceRequest:
    incidents = [attacked(session, "MLI")]
    mli = caller(made_by(cast, "MLI"))
    if step == "submitted":
        made = file(session, made_by(cast, "MLI"), incidents)
        assistance.submit(session, made.id, caller=mli, now=NOW)
        return made
    if step == "decided":
        return decided(session, cast, incidents)[0]
    if step in ("delivering", "closed"):
        made = delivering(session, cast, incidents)[0]
        if step == "closed":
            assistance.close(session, made.id, caller=mli, now=NOW)
        return made
    made = opened(session, cast, incidents)
    if step == "withdrawn":
        assistance.withdraw(session, made.id, reason="resolved", caller=mli, now=NOW)
    return made


def test_guards_on_submission_and_on_delivery(session: Session, cast: Cast) -> None:
    incidents = [attacked(session, "MLI")]
    late = file(session, made_by(cast, "MLI"), incidents)
    with pytest.raises(Conflict, match=r"deadline for answers .* has passed"):
        assistance.submit(session, late.id, caller=caller(made_by(cast, "MLI")),
                          now=NOW + 3 * DAY)
    made = opened(session, cast, incidents)
    president = caller(cast["ibrahim_bfa_liaison"])
    voting.convene_vote(session, made.id, vote_deadline_at=NOW + DAY, caller=president, now=NOW)
    for state in ("BFA", "MLI", "NER"):
        voting.cast_vote(session, made.id, value="yes", caller=caller(made_by(cast, state)),
                         now=NOW)
    voting.record_decision(session, made.id, caller=president, now=NOW)
    with pytest.raises(Conflict, match=f"request {made.id} has no accepted pledge"):
        assistance.start_delivery(session, made.id, caller=caller(cast["sec"]), now=NOW)


@pytest.mark.parametrize(("who", "action", "message"), [
    ("ibrahim_bfa_liaison", "withdraw", "withdraw: expected a liaison officer of MLI "
                                        r"\(the requesting state\), got a BFA liaison"),
    ("sec", "withdraw", "withdraw: expected a liaison officer of MLI"),
    ("amadou_mli_liaison", "open", "open: expected the secretariat, got a MLI liaison"),
    ("amadou_mli_liaison", "pledge", "pledge: MLI is the requesting state"),
    ("sec", "pledge", "pledge: expected a liaison officer, got a SEC secretariat"),
    ("moussa_ner_liaison", "close", "close: expected a liaison officer of MLI .* or the "
                                    "secretariat"),
])
def test_who_may_act(session: Session, cast: Cast, who: str, action: str, message: str) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    if action == "open":
        made = file(session, made_by(cast, "MLI"), list(made.incidents))
        assistance.submit(session, made.id, caller=caller(made_by(cast, "MLI")), now=NOW)
    run = {
        "withdraw": lambda c: assistance.withdraw(session, made.id, reason="x y z", caller=c,
                                                  now=NOW),
        "open": lambda c: assistance.open_request(session, made.id, caller=c, now=NOW),
        "pledge": lambda c: pledging.pledge(session, made.id, _pledge_in(made), caller=c,
                                            now=NOW),
        "close": lambda c: assistance.close(session, made.id, caller=c, now=NOW),
    }[action]
    with pytest.raises(PermissionDenied, match=message):
        run(caller(cast[who]))


def _pledge_in(made: AssistanceRequest) -> PledgeIn:
    return PledgeIn(line_item_id=made.items[0].id, quantity=1, available_from=NOW,
                    description="x")


def test_drafts_are_seen_by_the_requesting_state_only(session: Session, cast: Cast) -> None:
    incident = attacked(session, "MLI")
    draft = file(session, made_by(cast, "MLI"), [incident])
    submitted = opened(session, cast, [incident])
    for name, sees_draft in (("amadou_mli_liaison", True), ("awa_mli_analyst", True),
                             ("ibrahim_bfa_liaison", False), ("sec", False)):
        viewer = caller(cast[name]).viewer
        ids = {r.id for r in queries.list_requests(session, viewer)}
        assert (draft.id in ids, submitted.id in ids) == (sees_draft, True), name
    with pytest.raises(NotFound, match=f"assistance request {draft.id}: not found"):
        assistance.submit(session, draft.id, caller=caller(made_by(cast, "BFA")), now=NOW)
    with pytest.raises(NotFound):
        assistance.open_request(session, draft.id, caller=caller(cast["sec"]), now=NOW)


def test_a_red_request_is_hidden_from_observers(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")], tlp="RED")
    assert made.id not in {r.id for r in queries.list_requests(
        session, caller(cast["mli_observer"]).viewer)}
    assert made.id in {r.id for r in queries.list_requests(
        session, caller(cast["moussa_ner_liaison"]).viewer)}


def test_incident_visibility_is_checked_with_the_filers_state(session: Session,
                                                              cast: Cast) -> None:
    incident = attacked(session, "MLI", tlp="AMBER+STRICT", audience=[])
    made = file(session, made_by(cast, "MLI"), [incident])
    assert made.incidents == [incident]
