"""The pure rules: the whole state machine, who may act, coverage arithmetic, gaps, reminders,
and the rotating presidency."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from liptako.assistance import rules
from liptako.assistance.presidency import presidency_on, term_on, terms
from liptako.core.errors import RuleViolation

# the state machine as documented: status -> {action: next status}; "=" keeps the status
MACHINE: dict[str, dict[str, str]] = {
    "draft": {"submit": "submitted", "withdraw": "withdrawn"},
    "submitted": {"open": "open_for_pledges", "withdraw": "withdrawn", "pledge": "=",
                  "decline": "=", "withdraw_pledge": "=", "accept_pledge": "=",
                  "refuse_pledge": "="},
    "open_for_pledges": {"decide": "decided", "withdraw": "withdrawn", "pledge": "=",
                         "decline": "=", "withdraw_pledge": "=", "accept_pledge": "=",
                         "refuse_pledge": "=", "convene": "=", "vote": "="},
    "decided": {"start_delivery": "in_delivery", "close": "closed", "withdraw": "withdrawn",
                "withdraw_pledge": "=", "accept_pledge": "=", "refuse_pledge": "="},
    "in_delivery": {"close": "closed", "confirm_delivery": "="},
    "closed": {},
    "withdrawn": {},
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(rules.STATUSES, rules.VERBS)))
def test_every_status_and_action(status: str, action: str) -> None:
    allowed = MACHINE[status]
    problem = rules.step_problem(7, status, action)
    if action in allowed:
        assert problem is None
        expected = status if allowed[action] == "=" else allowed[action]
        assert rules.next_status(status, action) == expected
    else:
        assert problem is not None
        assert problem.detail.startswith(f"request 7 is {rules.label(status)}: expected ")
        assert problem.detail.endswith(f" to {rules.VERBS[action]}")
        assert (problem.code, problem.params["status"], problem.params["action"]) == (
            "request_status", status, action)


def test_terminal_statuses_and_the_brief_example() -> None:
    refusal = rules.step_problem(12, "decided", "pledge")
    assert refusal is not None and refusal.detail == (
        "request 12 is decided: expected submitted or open for pledges to pledge")
    assert refusal.params["allowed"] == ("submitted", "open_for_pledges")
    with pytest.raises(ValueError, match="action: expected one of"):
        rules.step_problem(1, "draft", "teleport")


@pytest.mark.parametrize(("action", "state", "roles", "ok"), [
    ("submit", "MLI", ("liaison",), True),
    ("submit", "MLI", ("analyst",), False),
    ("submit", "BFA", ("liaison",), False),
    ("close", "SEC", ("secretariat",), True),
    ("close", "SEC", ("admin",), False),
    ("open", "SEC", ("secretariat",), True),
    ("open", "MLI", ("liaison",), False),
    ("pledge", "NER", ("liaison",), True),
    ("pledge", "MLI", ("liaison",), False),
    ("decline", "SEC", ("secretariat",), False),
    ("withdraw_pledge", "NER", ("liaison",), True),
    ("withdraw_pledge", "BFA", ("liaison",), False),
    ("convene", "BFA", ("liaison",), True),
    ("convene", "MLI", ("liaison",), False),
    ("decide", "SEC", ("secretariat",), True),
    ("vote", "NER", ("liaison",), True),
    ("vote", "SEC", ("secretariat",), False),
    ("confirm_delivery", "NER", ("liaison",), False),
    ("confirm_delivery", "MLI", ("liaison",), True),
])
def test_permissions(action: str, state: str, roles: tuple[str, ...], ok: bool) -> None:
    problem = rules.permission_problem(action, state=state, roles=roles, requesting_state="MLI",
                                       presidency="BFA", owner_state="NER")
    assert (problem is None) is ok, problem


@pytest.mark.parametrize(("action", "state", "roles", "code", "params"), [
    ("submit", "BFA", ("liaison",), "requester_only", {"requesting_state": "MLI"}),
    ("close", "NER", ("liaison",), "requester_or_secretariat", {"requesting_state": "MLI"}),
    ("open", "MLI", ("liaison",), "secretariat_only", {}),
    ("pledge", "MLI", ("liaison",), "own_request", {"state": "MLI"}),
    ("vote", "SEC", ("secretariat",), "liaison_only", {}),
    ("withdraw_pledge", "BFA", ("liaison",), "pledge_owner_only", {"owner_state": "NER"}),
    ("convene", "MLI", ("liaison",), "presidency_only", {"presidency": "BFA"}),
])
def test_a_refusal_names_its_reason_and_what_it_is_about(
        action: str, state: str, roles: tuple[str, ...], code: str,
        params: dict[str, str]) -> None:
    refusal = rules.permission_problem(action, state=state, roles=roles,
                                       requesting_state="MLI", presidency="BFA",
                                       owner_state="NER")
    assert refusal is not None
    assert (refusal.code, dict(refusal.params)) == (code, {"action": action, **params})
    assert refusal.detail.startswith(f"{action}: ")


def test_coverage_counts_live_pledges_in_the_items_unit() -> None:
    items = [rules.ItemLine(1, 1, "air_support", "CAS", 12, "sorties", 1),
             rules.ItemLine(2, 2, "medical_evacuation", "Medevac", 2, "helicopters", 2),
             rules.ItemLine(3, 3, "humanitarian_relief", "Food", 300, "tonnes", 3)]
    pledges = [rules.PledgeLine(1, "BFA", 4, "accepted"),
               rules.PledgeLine(1, "NER", 4, "pledged"),
               rules.PledgeLine(1, "NER", 6, "withdrawn"),
               rules.PledgeLine(1, "BFA", 9, "declined_by_requester"),
               rules.PledgeLine(2, "NER", 2, "delivered", delivered_quantity=1.5),
               rules.PledgeLine(99, "NER", 1, "pledged")]
    covered = rules.coverage(items, pledges)
    got = [(c.item.id, c.pledged, c.accepted, c.delivered, c.gap, c.undelivered, c.ratio,
            c.pledging_states) for c in covered]
    assert got == [(1, 8, 4, 0, 4, 4, 0.6667, ("BFA", "NER")),
                   (2, 2, 2, 1.5, 0, 0.5, 1.0, ("NER",)),
                   (3, 0, 0, 0, 300, 0, 0.0, ())]
    assert [c.item.id for c in rules.gap_list(covered)] == [1, 3]


def test_gaps_most_urgent_first_then_largest_shortfall() -> None:
    items = [rules.ItemLine(1, 1, "troops", "a", 10, "troops", 2),
             rules.ItemLine(2, 2, "logistics", "b", 10, "trucks", 2),
             rules.ItemLine(3, 3, "other", "c", 10, "units", 1)]
    covered = rules.coverage(items, [rules.PledgeLine(1, "NER", 5, "pledged"),
                                     rules.PledgeLine(3, "NER", 9, "pledged")])
    assert [c.item.id for c in rules.gap_list(covered)] == [3, 2, 1]


def test_overpledging_leaves_no_gap() -> None:
    [c] = rules.coverage([rules.ItemLine(1, 1, "troops", "a", 10, "troops", 1)],
                         [rules.PledgeLine(1, "BFA", 8, "pledged"),
                          rules.PledgeLine(1, "NER", 8, "pledged")])
    assert (c.gap, c.ratio) == (0, 1.6)


def test_silent_parties() -> None:
    assert rules.silent_parties(("BFA", "MLI", "NER"), "MLI", ["NER"]) == ("BFA",)


T = dt.datetime(2026, 11, 27, 8, tzinfo=dt.UTC)


def test_reminders_due() -> None:
    [bfa] = rules.answers_due("open_for_pledges", T, ["BFA"])
    assert (bfa.kind, bfa.remind_from, bfa.due_at) == ("answer_due", T - rules.REMINDER_LEAD, T)
    assert not bfa.raised(T - dt.timedelta(hours=25)) and bfa.raised(T - dt.timedelta(hours=1))
    assert not bfa.overdue(T - dt.timedelta(seconds=1)) and bfa.overdue(T)
    assert rules.answers_due("decided", T, ["BFA"]) == []
    assert [d.kind for d in rules.votes_due("open_for_pledges", T, ["NER"], "BFA")] == [
        "vote_due"]
    [decision] = rules.votes_due("open_for_pledges", T, [], "BFA")
    assert (decision.kind, decision.state) == ("decision_due", "BFA")
    assert rules.votes_due("open_for_pledges", None, ["NER"], "BFA") == []
    [late] = rules.deliveries_due("in_delivery", [(5, "NER", T)])
    assert (late.subject, late.remind_from, late.due_at) == (
        "pledge:5", T, T + rules.DELIVERY_GRACE)


def test_the_rotating_presidency_is_dated_data() -> None:
    assert [(t.state, t.starts_on) for t in terms()] == [
        ("MLI", dt.date(2024, 7, 6)), ("BFA", dt.date(2025, 12, 23))]
    assert presidency_on(dt.date(2024, 7, 6)) == "MLI"
    assert presidency_on(dt.date(2025, 12, 22)) == "MLI"
    assert presidency_on(dt.date(2025, 12, 23)) == "BFA"
    assert term_on(dt.date(2030, 1, 1)).holder == "Capt. Ibrahim Traoré"
    with pytest.raises(RuleViolation, match="no presidency is recorded on 2024-07-05"):
        presidency_on(dt.date(2024, 7, 5))
