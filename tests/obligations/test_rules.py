"""The classification question's pure rules: who answers and reviews, and when an incident
still asks it (not before the Charter, not once answered or awaiting confirmation)."""

from __future__ import annotations

import pytest

from liptako.obligations import rules


@pytest.mark.parametrize(("state", "incident_state", "allowed"), [
    ("BFA", "BFA", True), ("SEC", "BFA", True), ("SEC", None, True), ("NER", "BFA", False),
    ("NER", None, False),
])
def test_analysts_answer_for_their_own_territory_the_secretariat_for_any(
        state: str, incident_state: str | None, allowed: bool) -> None:
    refusal = rules.classify_problem(7, incident_state, state)
    assert (refusal is None) is allowed
    if refusal is not None:
        assert (refusal.code, refusal.params["incident_state"]) == (
            "classify_own_state", incident_state)
        assert refusal.detail.startswith(f"incident 7: {state}'s analysts classify")


def test_a_second_person_of_the_secretariat_reviews_a_pending_decision_once() -> None:
    assert rules.pending_problem(3, "pending") is None
    reviewed = rules.pending_problem(3, "in_force")
    assert reviewed is not None and reviewed.code == "decision_reviewed"
    assert rules.reviewer_problem(3, state="SEC", person=2, decided_by=1) is None
    codes = [r.code for r in (rules.reviewer_problem(3, state="BFA", person=2, decided_by=1),
                              rules.reviewer_problem(3, state="SEC", person=1, decided_by=1))
             if r is not None]
    assert codes == ["review_secretariat_only", "review_second_person"]


@pytest.mark.parametrize(("in_force", "statuses", "open_"), [
    ([True], [], True),
    ([True], ["rejected"], True),  # a rejected answer never counts: the question is open
    ([False], [], False),  # before the Charter: no answer can engage it
    ([], [], False),  # no pact evaluated it
    ([False, True], [], True),  # one pact in force on its date is enough
    ([True], ["in_force"], False),
    ([True], ["rejected", "pending"], False),
])
def test_an_incident_asks_its_question_while_an_answer_could_count(
        in_force: list[bool], statuses: list[str], open_: bool) -> None:
    assert rules.question_open(in_force=in_force, statuses=statuses) is open_


@pytest.mark.parametrize(("roles", "state", "offered"), [
    (("analyst",), "BFA", True), (("secretariat",), "SEC", True),
    (("analyst",), "NER", False), (("liaison",), "BFA", False), (("admin",), "SEC", False),
])
def test_the_form_is_offered_to_whoever_may_answer_an_open_question(
        roles: tuple[str, ...], state: str, offered: bool) -> None:
    assert rules.classification_offered(roles=roles, state=state, incident_id=1,
                                        incident_state="BFA", in_force=[True],
                                        statuses=[]) is offered
    assert not rules.classification_offered(roles=roles, state=state, incident_id=1,
                                            incident_state="BFA", in_force=[True],
                                            statuses=["pending"])
