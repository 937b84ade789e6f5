"""Pure conditions of the assistance workflow's steps beyond the state machine and who may act
(:mod:`.rules`), and :func:`possible_actions`, which puts them all together: the steps a caller
may take now, for the pages to offer only those.

Each condition takes plain values and returns None or a :class:`Refusal`; the services raise
it as a domain error, so what a page offers and what a service accepts cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from liptako.assistance.rules import (
    ARTICLES,
    PRESIDENCY,
    label,
    permission_problem,
    step_problem,
)
from liptako.charter import CollectiveDecision, InvalidFacts, Pact, Policy, collective_decision
from liptako.core.errors import Refusal


def party_problem(action: str, *, state: str, pact_id: str, members: Sequence[str],
                  on: dt.date) -> Refusal | None:
    """Why ``state`` may not ``action`` as a party to ``pact_id`` on ``on`` (its ``members``)."""
    if state in members:
        return None
    return Refusal("not_a_party", f"{action}: expected a party to {pact_id} on {on} "
                   f"({', '.join(members)}), got {state}",
                   {"action": action, "state": state, "pact_id": pact_id,
                    "members": tuple(members)})


def no_presidency(on: dt.date) -> Refusal:
    """No presidency is recorded on the day: nobody convenes or decides."""
    return Refusal("no_presidency", f"presidency: no presidency is recorded on {on}",
                   {"on": on})


def deadline_problem(request_id: int, deadline_at: dt.datetime,
                     now: dt.datetime) -> Refusal | None:
    """A request is submitted only while its deadline for answers lies ahead."""
    if deadline_at > now:
        return None
    return Refusal("deadline_passed", f"request {request_id}: its deadline for answers "
                   f"({deadline_at.isoformat()}) has passed; expected a deadline after now "
                   "(file a new request)", {"request_id": request_id, "deadline_at": deadline_at})


def convened_problem(request_id: int, convened_at: dt.datetime | None,
                     convened_by: str | None, *, action: str) -> Refusal | None:
    """A vote is convened once; votes are cast and the decision recorded only after."""
    if action == "convene" and convened_at is not None:
        return Refusal("already_convened", f"request {request_id}: the vote was already "
                       f"convened at {convened_at.isoformat()} by {convened_by}",
                       {"request_id": request_id, "presidency": convened_by})
    if action != "convene" and convened_at is None:
        return Refusal("not_convened", f"request {request_id}: no vote has been convened; "
                       "expected the presidency to convene it first", {"request_id": request_id})
    return None


def voted_problem(request_id: int, state: str, earlier: tuple[str, dt.datetime] | None,
                  ) -> Refusal | None:
    """A state votes once: ``earlier`` is its vote (value, when), if it cast one."""
    if earlier is None:
        return None
    return Refusal("already_voted", f"request {request_id}: {state} already voted {earlier[0]} "
                   f"at {earlier[1].isoformat()}; votes are final",
                   {"request_id": request_id, "state": state, "value": earlier[0]})


def declined_problem(request_id: int, state: str,
                     declined_at: dt.datetime | None) -> Refusal | None:
    """A decline is final: the state answers no more."""
    if declined_at is None:
        return None
    return Refusal("declined", f"request {request_id}: {state} declined it at "
                   f"{declined_at.isoformat()}; a decline is final",
                   {"request_id": request_id, "state": state})


def live_pledges_problem(request_id: int, state: str,
                         live: Sequence[int]) -> Refusal | None:
    """A state declines only once its pledges (pledged or accepted) are withdrawn."""
    if not live:
        return None
    return Refusal("live_pledges", f"request {request_id}: {state} has live pledges "
                   f"{', '.join(map(str, live))}; expected them withdrawn before declining",
                   {"request_id": request_id, "state": state, "pledges": tuple(live)})


# the statuses a pledge must have for each step on it, and the step in words
PLEDGE_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "accept_pledge": (("pledged",), "accept it"),
    "refuse_pledge": (("pledged",), "refuse it"),
    "withdraw_pledge": (("pledged", "accepted"), "withdraw it"),
    "confirm_delivery": (("accepted",), "confirm its delivery"),
}


def pledge_problem(pledge_id: int, status: str, action: str) -> Refusal | None:
    """Why a pledge in ``status`` does not allow ``action`` on it."""
    allowed, verb = PLEDGE_STEPS[action]
    if status in allowed:
        return None
    return Refusal("pledge_status", f"pledge {pledge_id} is {label(status)}: expected "
                   f"{' or '.join(label(s) for s in allowed)} to {verb}",
                   {"pledge_id": pledge_id, "status": status, "action": action,
                    "allowed": allowed})


def delivery_start_problem(request_id: int, outcome: str | None, reasons: Sequence[str],
                           pledge_statuses: Iterable[str]) -> Refusal | None:
    """Delivery starts after an adopted decision, with at least one accepted pledge."""
    if outcome != "adopted":
        why = "; ".join(reasons) if outcome else "no decision"
        return Refusal("not_adopted", f"request {request_id} was not adopted ({why}): expected "
                       "an adopted decision to start delivery",
                       {"request_id": request_id, "outcome": outcome})
    if "accepted" not in set(pledge_statuses):
        return Refusal("no_accepted_pledge", f"request {request_id} has no accepted pledge: "
                       "expected at least one accepted pledge to start delivery",
                       {"request_id": request_id})
    return None


def tally(request_id: int, pact: Pact, votes: Mapping[str, str], *, on: dt.date,
          policy: Policy) -> CollectiveDecision | Refusal:
    """The outcome the pact's rule gives to ``votes``, or why none can be recorded yet (the
    vote is still open, or the votes do not fit the pact)."""
    try:
        result = collective_decision(pact, votes, on=on, policy=policy)
    except InvalidFacts as exc:
        return Refusal("votes_invalid", f"request {request_id}: {exc}",
                       {"request_id": request_id})
    if result.status == "pending":
        return Refusal("vote_open", f"request {request_id}: the vote is still open "
                       f"({'; '.join(result.reasons)}); expected every party's vote or a "
                       "blocking one", {"request_id": request_id, "waiting": result.waiting_for})
    return result


CLASSIFICATION_FACT = "classification.attack_on_sovereignty"


def engagement_problem(incident_id: int, pact_id: str, article: str,
                       provision: Mapping[str, Any] | None, state: str) -> Refusal | None:
    """Why ``state`` may not invoke ``article`` on an incident whose determination for it is
    ``provision`` (None: not evaluated): it must be engaged with ``state`` as beneficiary."""
    status = provision["status"] if provision else "not evaluated"
    beneficiary = provision.get("beneficiary") if provision else None
    if status == "engaged" and beneficiary == state:
        return None
    whom = f" for {beneficiary}" if status == "engaged" else ""
    code = {"engaged": "article_engaged_for_other",
            "undetermined": "article_undetermined"}.get(status, "article_not_engaged")
    return Refusal(code, f"incident {incident_id}: Art. {article} of {pact_id} is {status}{whom}; "
                   f"expected it engaged with {state} as the beneficiary to invoke it",
                   {"incident_id": incident_id, "pact_id": pact_id, "article": article,
                    "beneficiary": beneficiary, "state": state,
                    "missing": tuple(provision.get("missing") or ()) if provision else ()})


def invocable(incident_id: int, pact_id: str, provisions: Sequence[Mapping[str, Any]], *,
              state: str, incident_state: str | None, pending: bool) -> str | Refusal:
    """The first article a liaison officer of ``state`` may invoke on an incident whose
    determination under ``pact_id`` is ``provisions``; else what must happen first and who can
    do it. An article undetermined for want of the classification question's answer comes
    first (``pending``: an answer awaits confirmation), then one undetermined for want of
    other facts, then one engaged for another state."""
    refusals = []
    for article in ARTICLES:
        provision = next((p for p in provisions if str(p.get("article")) == article), None)
        refusal = engagement_problem(incident_id, pact_id, article, provision, state)
        if refusal is None:
            return article
        refusals.append(refusal)
    undetermined = [r for r in refusals if r.code == "article_undetermined"
                    and r.params["beneficiary"] in (None, state)]
    asked = [r for r in undetermined if CLASSIFICATION_FACT in r.params["missing"]]
    values = {"incident_id": incident_id, "pact_id": pact_id, "state": state,
              "incident_state": incident_state}
    if undetermined:
        first = (asked or undetermined)[0]
        code = "facts_missing" if not asked else \
            "classification_pending" if pending else "classification_needed"
        return Refusal(code, f"{first.detail} ({code.replace('_', ' ')})",
                       {**values, "article": first.params["article"]})
    other = next((r for r in refusals if r.code == "article_engaged_for_other"), None)
    return other or Refusal("nothing_to_invoke", f"incident {incident_id}: no article of "
                            f"{pact_id} is engaged for {state}", values)


@dataclass(frozen=True)
class PledgeView:
    """A pledge as the steps on it need it."""

    id: int
    state: str
    status: str


@dataclass(frozen=True)
class RequestView:
    """A request as plain values, on the day of ``presidency``."""

    id: int
    status: str
    requesting_state: str
    pact: Pact
    policy: Policy
    deadline_at: dt.datetime
    convened_at: dt.datetime | None = None
    convened_by: str | None = None
    votes: Mapping[str, tuple[str, dt.datetime]] = field(default_factory=dict)
    declines: Mapping[str, dt.datetime] = field(default_factory=dict)
    pledges: tuple[PledgeView, ...] = ()
    outcome: str | None = None
    outcome_reasons: tuple[str, ...] = ()
    presidency: str | None = None


@dataclass(frozen=True)
class Step:
    """One step a caller may take: an action on the request, or on one of its pledges."""

    action: str
    pledge_id: int | None = None


REQUEST_ACTIONS = ("submit", "open", "withdraw", "pledge", "decline", "convene", "vote",
                   "decide", "start_delivery", "close")
AS_PARTY = ("pledge", "decline", "vote")


def _condition(action: str, request: RequestView, state: str, pledge: PledgeView | None,
               now: dt.datetime) -> Refusal | None:
    """What the step needs beyond who acts and the request's status."""
    rid = request.id
    if pledge is not None:
        return pledge_problem(pledge.id, pledge.status, action)
    if action == "submit":
        return deadline_problem(rid, request.deadline_at, now)
    if action in ("pledge", "decline"):
        live = [p.id for p in request.pledges
                if p.state == state and p.status in ("pledged", "accepted")]
        return declined_problem(rid, state, request.declines.get(state)) or (
            live_pledges_problem(rid, state, live) if action == "decline" else None)
    if action in ("convene", "vote", "decide"):
        refusal = convened_problem(rid, request.convened_at, request.convened_by, action=action)
        if refusal is None and action == "vote":
            refusal = voted_problem(rid, state, request.votes.get(state))
        if refusal is None and action == "decide":
            result = tally(rid, request.pact, {s: v for s, (v, _) in request.votes.items()},
                           on=now.date(), policy=request.policy)
            refusal = result if isinstance(result, Refusal) else None
        return refusal
    if action == "start_delivery":
        return delivery_start_problem(rid, request.outcome, request.outcome_reasons,
                                      [p.status for p in request.pledges])
    return None


def step_refusal(step: Step, request: RequestView, *, state: str, roles: Iterable[str],
                 now: dt.datetime) -> Refusal | None:
    """Why the caller (``state``, ``roles``) may not take ``step`` now, checked as the use
    cases check it: who acts, the pact's parties, the request's status, then the step's own
    conditions; None when it may."""
    pledge = next((p for p in request.pledges if p.id == step.pledge_id), None)
    if step.pledge_id is not None and pledge is None:
        raise ValueError(f"pledge_id: expected a pledge of request {request.id}, "
                         f"got {step.pledge_id}")
    action, on = step.action, now.date()
    if action in PRESIDENCY and request.presidency is None:
        return no_presidency(on)
    refusal = permission_problem(action, state=state, roles=roles,
                                 requesting_state=request.requesting_state,
                                 presidency=request.presidency,
                                 owner_state=pledge.state if pledge else None)
    if refusal is None and action in AS_PARTY:
        refusal = party_problem(action, state=state, pact_id=request.pact.id,
                                members=request.pact.members_on(on), on=on)
    return (refusal or step_problem(request.id, request.status, action)
            or _condition(action, request, state, pledge, now))


def possible_actions(request: RequestView, *, state: str, roles: Iterable[str],
                     now: dt.datetime) -> frozenset[Step]:
    """The steps the caller may take on ``request`` now: every action on the request and on
    each of its pledges that :func:`step_refusal` does not refuse."""
    roles = tuple(roles)
    candidates = [Step(a) for a in REQUEST_ACTIONS]
    candidates += [Step(a, p.id) for p in request.pledges for a in PLEDGE_STEPS]
    return frozenset(s for s in candidates
                     if step_refusal(s, request, state=state, roles=roles, now=now) is None)
