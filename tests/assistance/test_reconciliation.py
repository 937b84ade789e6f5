"""The reconciliation: per state and per incident, owed (duties), pledged and delivered, when."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factories.assistance import DAY, NOW, attacked, caller, file, made_by, offer, opened
from liptako.assistance import pledging, voting
from liptako.assistance import service as assistance
from liptako.assistance.reconciliation import reconciliation
from liptako.auth.models import User

Cast = dict[str, User]


def _scenario(session: Session, cast: Cast) -> tuple[int, int, int]:
    """Mali attacked twice; one request on both incidents: Burkina Faso pledges and delivers,
    Niger declines. Returns the two incident ids and the request id."""
    first, second = attacked(session, "MLI"), attacked(session, "MLI")
    made = opened(session, cast, [first, second])
    mli, president = caller(made_by(cast, "MLI")), caller(cast["ibrahim_bfa_liaison"])
    bfa = offer(session, cast, made, "BFA", now=NOW + DAY / 4)
    pledging.decline(session, made.id, reason="Forces engaged at home",
                     caller=caller(made_by(cast, "NER")), now=NOW + DAY / 4)
    pledging.accept_pledge(session, made.id, bfa.id, caller=mli, now=NOW + DAY / 2)
    voting.convene_vote(session, made.id, vote_deadline_at=NOW + 2 * DAY, caller=president,
                        now=NOW + DAY / 2)
    for state in ("BFA", "MLI", "NER"):
        voting.cast_vote(session, made.id, value="yes", caller=caller(made_by(cast, state)),
                         now=NOW + DAY / 2)
    voting.record_decision(session, made.id, caller=president, now=NOW + DAY / 2)
    assistance.start_delivery(session, made.id, caller=mli, now=NOW + DAY / 2)
    pledging.confirm_delivery(session, made.id, bfa.id, caller=mli, now=NOW + DAY)
    return first.id, second.id, made.id


def test_owed_pledged_and_delivered_per_state_and_incident(session: Session,
                                                           cast: Cast) -> None:
    first, second, request_id = _scenario(session, cast)
    report = reconciliation(session, caller(cast["sec"]).viewer)
    rows = {(r.incident_id, r.state): r for r in report.rows}
    assert sorted(rows) == [(first, "BFA"), (first, "NER"), (second, "BFA"), (second, "NER")]
    bfa = rows[(first, "BFA")]
    assert (bfa.duty_status, bfa.beneficiary, bfa.article, bfa.owed_since) == (
        "discharged", "MLI", "6", NOW)
    assert (bfa.pledged, bfa.delivered, bfa.requests) == (1, 1, [request_id])
    assert (bfa.first_pledged_at, bfa.last_delivered_at, bfa.discharged_at) == (
        NOW + DAY / 4, NOW + DAY, NOW + DAY)
    [trace] = bfa.pledges
    assert (trace.kind, trace.quantity, trace.unit, trace.status) == (
        "air_support", 4, "sorties", "delivered")
    ner = rows[(first, "NER")]
    assert (ner.duty_status, ner.pledged, ner.delivered, ner.discharged_at) == (
        "open", 0, 0, None)
    assert (ner.declined_at, ner.decline_reason) == (NOW + DAY / 4, "Forces engaged at home")
    assert report.by_state["BFA"].model_dump(exclude={"quantities"}) == {
        "duties": 2, "open": 0, "discharged": 2, "lapsed": 0, "pledged": 2, "delivered": 2,
        "declined": 0, "owed_without_pledge": 0}
    assert report.by_state["NER"].model_dump(exclude={"quantities"}) == {
        "duties": 2, "open": 2, "discharged": 0, "lapsed": 0, "pledged": 0, "delivered": 0,
        "declined": 2, "owed_without_pledge": 2}
    assert report.by_incident[first].discharged == 1 and report.by_incident[first].open == 1


def test_filters_and_what_a_party_sees(session: Session, cast: Cast) -> None:
    first, _second, _ = _scenario(session, cast)
    only_ner = reconciliation(session, caller(cast["sec"]).viewer, state="NER")
    assert {r.state for r in only_ner.rows} == {"NER"} and list(only_ner.by_state) == ["NER"]
    one = reconciliation(session, caller(cast["moussa_ner_liaison"]).viewer, incident_id=first)
    assert {(r.incident_id, r.state) for r in one.rows} == {(first, "BFA"), (first, "NER")}


def test_a_draft_shows_nothing_but_the_duties(session: Session, cast: Cast) -> None:
    incident = attacked(session, "NER")
    file(session, made_by(cast, "NER"), [incident])
    report = reconciliation(session, caller(cast["sec"]).viewer, incident_id=incident.id)
    assert [(r.state, r.duty_status, r.requests) for r in report.rows] == [
        ("BFA", "open", []), ("MLI", "open", [])]


def test_quantities_need_by_need_in_their_units(session: Session, cast: Cast) -> None:
    """The request asks 12 sorties, 2 helicopters and 300 tonnes on two incidents; Burkina
    Faso pledges 4 sorties (accepted, 3 delivered) and 1 helicopter (accepted, not delivered),
    Niger 5 sorties (not accepted yet) and 2 helicopters (withdrawn)."""
    first, second = attacked(session, "MLI"), attacked(session, "MLI")
    made = opened(session, cast, [first, second])
    mli = caller(made_by(cast, "MLI"))
    sorties = offer(session, cast, made, "BFA", quantity=4)
    helicopter = offer(session, cast, made, "BFA", position=2, quantity=1)
    offer(session, cast, made, "NER", quantity=5)
    withdrawn = offer(session, cast, made, "NER", position=2, quantity=2)
    pledging.withdraw_pledge(session, made.id, withdrawn.id, reason=None,
                             caller=caller(made_by(cast, "NER")), now=NOW)
    for pledge in (sorties, helicopter):
        pledging.accept_pledge(session, made.id, pledge.id, caller=mli, now=NOW + DAY / 4)
    president = caller(cast["ibrahim_bfa_liaison"])
    voting.convene_vote(session, made.id, vote_deadline_at=NOW + 2 * DAY, caller=president,
                        now=NOW + DAY / 2)
    for state in ("BFA", "MLI", "NER"):
        voting.cast_vote(session, made.id, value="yes", caller=caller(made_by(cast, state)),
                         now=NOW + DAY / 2)
    voting.record_decision(session, made.id, caller=president, now=NOW + DAY / 2)
    assistance.start_delivery(session, made.id, caller=mli, now=NOW + DAY / 2)
    pledging.confirm_delivery(session, made.id, sorties.id, delivered_quantity=3,
                              caller=mli, now=NOW + DAY)

    report = reconciliation(session, caller(cast["sec"]).viewer)
    needs = {n.line_item: (n.unit, n.requested, n.pledged, n.accepted, n.delivered, n.gap)
             for n in report.needs}
    assert needs == {1: ("sorties", 12, 9, 4, 3, 3), 2: ("helicopters", 2, 1, 1, 0, 1),
                     3: ("tonnes", 300, 0, 0, 0, 300)}
    rows = {(r.incident_id, r.state): r for r in report.rows}
    for incident in (first.id, second.id):  # the same quantities on each incident's row
        bfa = {n.line_item: (n.kind, n.requested, n.pledged, n.accepted, n.delivered, n.gap)
               for n in rows[(incident, "BFA")].needs}
        assert bfa == {1: ("air_support", 12, 4, 4, 3, 3),
                       2: ("medical_evacuation", 2, 1, 1, 0, 1)}
        ner = [(n.line_item, n.pledged, n.accepted, n.delivered)
               for n in rows[(incident, "NER")].needs]
        assert ner == [(1, 5, 0, 0)]  # the withdrawn pledge is no longer counted
    # each pledge once in a state's totals, though its request covers two incidents
    assert [(q.kind, q.unit, q.pledged, q.accepted, q.delivered)
            for q in report.by_state["BFA"].quantities] == [
        ("air_support", "sorties", 4, 4, 3), ("medical_evacuation", "helicopters", 1, 1, 0)]
    assert [(q.kind, q.pledged, q.accepted) for q in report.by_incident[first.id].quantities
            ] == [("air_support", 9, 4), ("medical_evacuation", 1, 1)]
    only_ner = reconciliation(session, caller(cast["sec"]).viewer, state="NER")
    assert {n.line_item for n in only_ner.needs} == {1, 2, 3}  # its rows' request
    assert reconciliation(session, caller(cast["sec"]).viewer, state="BFA",
                          incident_id=first.id).needs == report.needs
