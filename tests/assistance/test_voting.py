"""The Alliance's decision: the presidency convenes, unanimity of all parties, any no blocks,
abstention as the policy says, votes final, the decision records the pact version."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from factories.assistance import DAY, NOW, attacked, caller, made_by, opened
from liptako.assistance import queries, voting
from liptako.assistance import service as assistance
from liptako.assistance.models import AssistanceRequest, Decision
from liptako.auth.models import User
from liptako.charter import load_pact, make_policy
from liptako.core.errors import Conflict, PermissionDenied

Cast = dict[str, User]
PRESIDENT = "ibrahim_bfa_liaison"  # Burkina Faso holds the presidency on NOW (2026-11-27)


def _convened(session: Session, cast: Cast, now: dt.datetime = NOW) -> AssistanceRequest:
    made = opened(session, cast, [attacked(session, "MLI", now=now)], now=now)
    voting.convene_vote(session, made.id, vote_deadline_at=now + DAY,
                        caller=caller(cast[PRESIDENT]), now=now)
    return made


def _vote(session: Session, cast: Cast, made: AssistanceRequest, **votes: str) -> None:
    for state, value in votes.items():
        voting.cast_vote(session, made.id, value=value, caller=caller(made_by(cast, state)),
                         now=NOW)


def _decide(session: Session, cast: Cast, made: AssistanceRequest, **kw: object) -> Decision:
    return voting.record_decision(session, made.id, caller=caller(cast[PRESIDENT]), now=NOW,
                                  **kw)  # type: ignore[arg-type]


def test_unanimity_adopts_and_the_decision_records_the_pact_version(
        session: Session, cast: Cast) -> None:
    made = _convened(session, cast)
    assert (made.convened_by, made.convened_at, made.vote_deadline_at) == (
        "BFA", NOW, NOW + DAY)
    _vote(session, cast, made, BFA="yes", MLI="yes", NER="yes")
    decision = _decide(session, cast, made)
    aes = load_pact("aes-2023")
    assert (decision.outcome, decision.rule, decision.pact_id, decision.pact_version) == (
        "adopted", "unanimity", "aes-2023", aes.version)
    assert decision.votes == {"BFA": "yes", "MLI": "yes", "NER": "yes"}
    assert (decision.convened_by, decision.recorded_by_state, decision.decided_at) == (
        "BFA", "BFA", NOW)
    assert decision.policy["abstention_blocks"] is True
    assert made.status == "decided" and made.decision is decision


def test_any_no_blocks_at_once_and_is_recorded(session: Session, cast: Cast) -> None:
    made = _convened(session, cast)
    _vote(session, cast, made, BFA="yes", NER="no")
    decision = _decide(session, cast, made)
    assert decision.outcome == "rejected"
    assert decision.votes == {"BFA": "yes", "NER": "no"}
    assert decision.reasons == ["unanimity: blocked by a no from NER"]
    with pytest.raises(Conflict, match=r"was not adopted \(unanimity: blocked by a no from NER\)"):
        assistance.start_delivery(session, made.id, caller=caller(cast["sec"]), now=NOW)
    assistance.close(session, made.id, caller=caller(cast["sec"]), now=NOW)
    assert made.status == "closed"


def test_abstention_follows_the_policy(session: Session, cast: Cast) -> None:
    blocked = _convened(session, cast)
    _vote(session, cast, blocked, BFA="yes", MLI="yes", NER="abstain")
    assert _decide(session, cast, blocked).reasons == [
        "unanimity: blocked by the abstention of NER"]
    counted_out = _convened(session, cast)
    _vote(session, cast, counted_out, BFA="yes", MLI="yes", NER="abstain")
    lenient = make_policy(load_pact("aes-2023"), {"abstention_blocks": False})
    decision = _decide(session, cast, counted_out, policy=lenient)
    assert decision.outcome == "adopted" and decision.policy["abstention_blocks"] is False


def test_votes_are_final(session: Session, cast: Cast) -> None:
    made = _convened(session, cast)
    _vote(session, cast, made, MLI="yes")
    for value in ("yes", "no"):
        with pytest.raises(Conflict, match=f"request {made.id}: MLI already voted yes at .*; "
                                           "votes are final"):
            _vote(session, cast, made, MLI=value)
    assert [(v.state, v.value) for v in made.votes] == [("MLI", "yes")]


def test_a_decision_waits_for_every_vote(session: Session, cast: Cast) -> None:
    made = _convened(session, cast)
    _vote(session, cast, made, BFA="yes", MLI="yes")
    with pytest.raises(Conflict, match=r"the vote is still open .*waiting for NER"):
        _decide(session, cast, made)
    assert made.status == "open_for_pledges" and made.decision is None


def test_no_vote_before_convening_and_convening_once(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    with pytest.raises(Conflict, match="no vote has been convened"):
        _vote(session, cast, made, NER="yes")
    with pytest.raises(Conflict, match="no vote has been convened"):
        _decide(session, cast, made)
    voting.convene_vote(session, made.id, vote_deadline_at=NOW + DAY,
                        caller=caller(cast[PRESIDENT]), now=NOW)
    with pytest.raises(Conflict, match=r"the vote was already convened at .* by BFA"):
        voting.convene_vote(session, made.id, vote_deadline_at=NOW + DAY,
                            caller=caller(cast["sec"]), now=NOW)


def test_only_the_presidency_convenes_and_records(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    for name in ("amadou_mli_liaison", "moussa_ner_liaison", "bfa_analyst"):
        with pytest.raises(PermissionDenied, match=r"expected a liaison officer of BFA \(the "
                                                   r"presidency\) or the secretariat"):
            voting.convene_vote(session, made.id, vote_deadline_at=NOW + DAY,
                                caller=caller(cast[name]), now=NOW)
    voting.convene_vote(session, made.id, vote_deadline_at=NOW + DAY,
                        caller=caller(cast["sec"]), now=NOW)
    _vote(session, cast, made, BFA="yes", MLI="yes", NER="yes")
    with pytest.raises(PermissionDenied):
        voting.record_decision(session, made.id, caller=caller(made_by(cast, "MLI")), now=NOW)
    decision = voting.record_decision(session, made.id, caller=caller(cast["sec"]), now=NOW)
    assert (decision.convened_by, decision.recorded_by_state) == ("BFA", "SEC")
    convene = next(e for e in queries.timeline(session, made) if e.action == "convene")
    assert convene.detail == {"presidency": "BFA", "on_behalf": True,
                              "vote_deadline_at": (NOW + DAY).isoformat()}


def test_the_presidency_rotates(session: Session, cast: Cast) -> None:
    """On 1 June 2025 Mali presides: its liaison convenes, Burkina Faso's may not."""
    then = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
    made = opened(session, cast, [attacked(session, "MLI", now=then)], now=then)
    with pytest.raises(PermissionDenied, match="MLI"):
        voting.convene_vote(session, made.id, vote_deadline_at=then + DAY,
                            caller=caller(cast[PRESIDENT]), now=then)
    voting.convene_vote(session, made.id, vote_deadline_at=then + DAY,
                        caller=caller(made_by(cast, "MLI")), now=then)
    assert made.convened_by == "MLI"


def test_only_liaison_officers_of_parties_vote(session: Session, cast: Cast) -> None:
    made = _convened(session, cast)
    for name in ("sec", "ner_analyst", "mli_observer"):
        with pytest.raises(PermissionDenied, match="vote: expected a liaison officer"):
            voting.cast_vote(session, made.id, value="yes", caller=caller(cast[name]), now=NOW)
