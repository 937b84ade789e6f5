"""Answers (pledges, declines), the requester's acceptance, coverage and gaps, delivery
confirmed by the requesting state, and duties discharged by delivered pledges."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.assistance import DAY, NOW, attacked, caller, delivering, made_by, offer, opened
from liptako.assistance import pledging, queries, voting
from liptako.assistance import service as assistance
from liptako.assistance.schemas import PledgeIn
from liptako.audit.models import AuditEntry
from liptako.auth.models import User
from liptako.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation

Cast = dict[str, User]
PARTIES = ("BFA", "MLI", "NER")


def test_pledges_are_always_the_callers_own_state(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    pledge = offer(session, cast, made, "NER", quantity=3)
    assert (pledge.state, pledge.status, pledge.quantity, pledge.pledged_at) == (
        "NER", "pledged", 3, NOW)
    assert pledge.pledged_by == cast["moussa_ner_liaison"].id
    with pytest.raises(PermissionDenied, match="pledge: MLI is the requesting state"):
        offer(session, cast, made, "MLI")


def test_coverage_and_gap_list_for_the_secretariat(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    bfa = offer(session, cast, made, "BFA", quantity=4)
    offer(session, cast, made, "NER", quantity=4)
    gone = offer(session, cast, made, "NER", position=2, quantity=2)
    pledging.accept_pledge(session, made.id, bfa.id, caller=caller(made_by(cast, "MLI")), now=NOW)
    pledging.withdraw_pledge(session, made.id, gone.id, reason="aircraft grounded",
                             caller=caller(made_by(cast, "NER")), now=NOW)
    view = queries.coverage_of(queries.get_request(session, caller(cast["sec"]).viewer, made.id),
                               PARTIES)
    got = [(c.position, c.requested, c.pledged, c.accepted, c.delivered, c.gap)
           for c in view.items]
    assert got == [(1, 12, 8, 4, 0, 4), (2, 2, 0, 0, 0, 2), (3, 300, 0, 0, 0, 300)]
    assert [(g.position, g.kind, g.unit) for g in view.gaps] == [
        (1, "air_support", "sorties"), (2, "medical_evacuation", "helicopters"),
        (3, "humanitarian_relief", "tonnes")]
    assert (view.waiting_for, view.declined) == ([], [])
    assert gone.status == "withdrawn" and gone.closed_reason == "aircraft grounded"


def test_a_decline_is_final_and_needs_no_live_pledge(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    ner = caller(made_by(cast, "NER"))
    pledge = offer(session, cast, made, "NER")
    with pytest.raises(Conflict, match=f"NER has live pledges {pledge.id}; expected them "
                                       "withdrawn before declining"):
        pledging.decline(session, made.id, reason="no assets", caller=ner, now=NOW)
    pledging.withdraw_pledge(session, made.id, pledge.id, reason=None, caller=ner, now=NOW)
    decline = pledging.decline(session, made.id, reason="Assets committed in Tillabéri",
                               caller=ner, now=NOW)
    assert (decline.state, decline.reason, decline.declined_at) == (
        "NER", "Assets committed in Tillabéri", NOW)
    for again in (lambda: offer(session, cast, made, "NER"),
                  lambda: pledging.decline(session, made.id, reason="again", caller=ner,
                                           now=NOW)):
        with pytest.raises(Conflict, match=r"NER declined it at .*; a decline is final"):
            again()
    assert queries.waiting_for(made, PARTIES) == ["BFA"]


def test_the_requester_accepts_or_refuses_offers(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    mli = caller(made_by(cast, "MLI"))
    taken, turned_down = offer(session, cast, made, "BFA"), offer(session, cast, made, "NER")
    with pytest.raises(PermissionDenied, match="accept_pledge: expected a liaison officer "
                                               "of MLI"):
        pledging.accept_pledge(session, made.id, taken.id, caller=caller(made_by(cast, "BFA")),
                               now=NOW)
    pledging.accept_pledge(session, made.id, taken.id, caller=mli, now=NOW)
    with pytest.raises(Conflict, match=f"pledge {taken.id} is accepted: expected pledged to "
                                       "accept it"):
        pledging.accept_pledge(session, made.id, taken.id, caller=mli, now=NOW)
    pledging.refuse_pledge(session, made.id, turned_down.id, reason="wrong aircraft type",
                           caller=mli, now=NOW)
    assert (taken.status, taken.accepted_at) == ("accepted", NOW)
    assert (turned_down.status, turned_down.closed_reason) == (
        "declined_by_requester", "wrong aircraft type")


def test_other_states_pledges_and_unknown_items(session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    other = opened(session, cast, list(made.incidents))
    pledge = offer(session, cast, made, "NER")
    with pytest.raises(PermissionDenied, match="withdraw_pledge: expected a liaison officer "
                                               "of NER, got a BFA liaison"):
        pledging.withdraw_pledge(session, made.id, pledge.id, reason=None,
                                 caller=caller(made_by(cast, "BFA")), now=NOW)
    with pytest.raises(NotFound, match=f"pledge {pledge.id} of request {other.id}: not found"):
        pledging.accept_pledge(session, other.id, pledge.id,
                               caller=caller(made_by(cast, "MLI")), now=NOW)
    foreign_item = PledgeIn(line_item_id=other.items[0].id, quantity=1, available_from=NOW,
                            description="x")
    with pytest.raises(NotFound, match=f"line item {other.items[0].id} of request {made.id}"):
        pledging.pledge(session, made.id, foreign_item, caller=caller(made_by(cast, "NER")),
                        now=NOW)


def test_delivery_is_confirmed_by_the_requesting_state(session: Session, cast: Cast) -> None:
    made, (bfa, ner) = delivering(session, cast, [attacked(session, "MLI")])
    with pytest.raises(PermissionDenied, match="confirm_delivery: expected a liaison officer "
                                               "of MLI"):
        pledging.confirm_delivery(session, made.id, ner.id,
                                  caller=caller(made_by(cast, "NER")), now=NOW)
    mli = caller(made_by(cast, "MLI"))
    with pytest.raises(RuleViolation, match="delivered_at: expected a time not after now"):
        pledging.confirm_delivery(session, made.id, bfa.id, delivered_at=NOW + DAY,
                                  caller=mli, now=NOW)
    pledging.confirm_delivery(session, made.id, bfa.id, delivered_quantity=3,
                              delivered_at=NOW + DAY / 2, caller=mli, now=NOW + DAY)
    assert (bfa.status, bfa.delivered_quantity, bfa.delivered_at) == (
        "delivered", 3, NOW + DAY / 2)
    with pytest.raises(Conflict, match=f"pledge {bfa.id} is delivered: expected accepted to "
                                       "confirm its delivery"):
        pledging.confirm_delivery(session, made.id, bfa.id, caller=mli, now=NOW)


def test_delivered_pledges_discharge_the_deliverers_duties(session: Session,
                                                           cast: Cast) -> None:
    made, (bfa, ner) = delivering(session, cast, [attacked(session, "MLI")])
    mli = caller(made_by(cast, "MLI"))
    duties = {d.owed_by: d for d in made.duties}
    pledging.confirm_delivery(session, made.id, bfa.id, delivered_at=NOW + DAY / 2, caller=mli,
                              now=NOW + DAY / 2)
    assert (duties["BFA"].status, duties["BFA"].closed_at) == ("discharged", NOW + DAY / 2)
    assert f"pledges {bfa.id} delivered on assistance request {made.id}" in (
        duties["BFA"].note or "")
    assert duties["NER"].status == "open" and duties["NER"].closed_at is None
    pledging.confirm_delivery(session, made.id, ner.id, caller=mli, now=NOW + DAY)
    assert (duties["NER"].status, duties["NER"].closed_at) == ("discharged", NOW + DAY)
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "duty.discharge")
                              .order_by(AuditEntry.seq)).all()
    assert [(a.target_type, a.target_id) for a in audited] == [
        ("duty", str(duties["BFA"].id)), ("duty", str(duties["NER"].id))]


def test_a_state_with_an_undelivered_accepted_pledge_still_owes(session: Session,
                                                                cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI")])
    mli = caller(made_by(cast, "MLI"))
    first, second = offer(session, cast, made, "NER"), offer(session, cast, made, "NER",
                                                             position=2, quantity=1)
    for p in (first, second):
        pledging.accept_pledge(session, made.id, p.id, caller=mli, now=NOW)
    president = caller(cast["ibrahim_bfa_liaison"])
    voting.convene_vote(session, made.id, vote_deadline_at=NOW + DAY, caller=president, now=NOW)
    for state in PARTIES:
        voting.cast_vote(session, made.id, value="yes", caller=caller(made_by(cast, state)),
                         now=NOW)
    voting.record_decision(session, made.id, caller=president, now=NOW)
    assistance.start_delivery(session, made.id, caller=mli, now=NOW)
    pledging.confirm_delivery(session, made.id, first.id, caller=mli, now=NOW)
    ner_duty = next(d for d in made.duties if d.owed_by == "NER")
    assert ner_duty.status == "open"
    pledging.confirm_delivery(session, made.id, second.id, caller=mli, now=NOW)
    assert ner_duty.status == "discharged"


def test_services_check_what_the_pages_send(session: Session, cast: Cast) -> None:
    made, (bfa, _) = delivering(session, cast, [attacked(session, "MLI")])
    with pytest.raises(RuleViolation, match="delivered_quantity: expected more than 0, got -2"):
        pledging.confirm_delivery(session, made.id, bfa.id, delivered_quantity=-2,
                                  caller=caller(made_by(cast, "MLI")), now=NOW)
    other = opened(session, cast, list(made.incidents))
    with pytest.raises(RuleViolation, match="reason: expected at least 3 characters, got 0"):
        pledging.decline(session, other.id, reason="  ", caller=caller(made_by(cast, "NER")),
                         now=NOW)
    with pytest.raises(RuleViolation, match="reason: expected at least 3 characters, got 2"):
        assistance.withdraw(session, other.id, reason="no", caller=caller(made_by(cast, "MLI")),
                            now=NOW)


def test_a_delivery_is_dated_between_its_pledge_and_now(session: Session, cast: Cast) -> None:
    made, (bfa, _) = delivering(session, cast, [attacked(session, "MLI")])
    mli = caller(made_by(cast, "MLI"))
    with pytest.raises(RuleViolation, match=r"delivered_at: expected a time not before the "
                                            r"pledge \(2026-11-27T08:00:00\+00:00\), got "
                                            r"2026-11-26T08:00:00\+00:00"):
        pledging.confirm_delivery(session, made.id, bfa.id, delivered_at=NOW - DAY,
                                  caller=mli, now=NOW + DAY)
    assert (bfa.status, bfa.delivered_at) == ("accepted", None)
    pledging.confirm_delivery(session, made.id, bfa.id, delivered_at=bfa.pledged_at,
                              caller=mli, now=NOW + DAY)
    assert (bfa.status, bfa.delivered_at) == ("delivered", NOW)


def test_delivering_more_than_pledged_needs_the_over_delivery_flag(session: Session,
                                                                   cast: Cast) -> None:
    made, (bfa, ner) = delivering(session, cast, [attacked(session, "MLI")])
    mli = caller(made_by(cast, "MLI"))
    with pytest.raises(RuleViolation, match="delivered_quantity: expected at most the pledged 4 "
                                            "unless over_delivery is set, got 5"):
        pledging.confirm_delivery(session, made.id, bfa.id, delivered_quantity=5, caller=mli,
                                  now=NOW)
    assert bfa.status == "accepted"
    pledging.confirm_delivery(session, made.id, bfa.id, delivered_quantity=5,
                              over_delivery=True, caller=mli, now=NOW)
    pledging.confirm_delivery(session, made.id, ner.id, delivered_quantity=1,
                              over_delivery=True, caller=mli, now=NOW)
    assert (bfa.delivered_quantity, ner.delivered_quantity) == (5, 1)
    details = [e.detail for e in queries.timeline(session, made)
               if e.action == "confirm_delivery"]
    assert [(d or {}).get("over_delivery") for d in details] == [True, False]
