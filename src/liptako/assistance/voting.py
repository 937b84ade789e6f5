"""The Alliance's decision on a request: the presidency convenes, every party votes once, the
presidency records the outcome the pact's decision rule gives (unanimity for aes-2023).

The secretariat may convene and record on the presidency's behalf (it is the permanent organ;
a liaison officer is not always at the desk); the record names the presidency either way and
the audit entry names who acted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from liptako.assistance import steps
from liptako.assistance.models import AssistanceRequest, Decision, Vote
from liptako.assistance.presidency import presidency_on
from liptako.assistance.service import (
    Caller,
    authorise,
    check_step,
    load_request,
    move,
    record_step,
    refuse,
    require_party,
)
from liptako.auth.rules import SECRETARIAT
from liptako.charter import Policy
from liptako.core.errors import Conflict, Refusal, RuleViolation
from liptako.obligations.service import pact_setting

VOTE_VALUES = ("yes", "no", "abstain")


def convene_vote(session: Session, request_id: int, *, vote_deadline_at: dt.datetime,
                 caller: Caller, now: dt.datetime) -> AssistanceRequest:
    """The presidency opens the vote on the collective action the request calls for."""
    request = load_request(session, request_id, caller)
    authorise("convene", request, caller, now=now)
    check_step(request, "convene")
    refuse(Conflict, steps.convened_problem(request.id, request.convened_at,
                                            request.convened_by, action="convene"))
    if vote_deadline_at <= now:
        raise RuleViolation(f"vote_deadline_at: expected a time after now ({now.isoformat()}), "
                            f"got {vote_deadline_at.isoformat()}")
    presidency = presidency_on(now.date())
    request.convened_at, request.convened_by = now, presidency
    request.vote_deadline_at = vote_deadline_at
    record_step(session, request, "convene", caller.actor, now, {
        "presidency": presidency, "on_behalf": caller.state == SECRETARIAT,
        "vote_deadline_at": vote_deadline_at.isoformat()})
    return request


def cast_vote(session: Session, request_id: int, *, value: str, caller: Caller,
              now: dt.datetime) -> Vote:
    """A party's liaison officer votes for its state; a vote is final once cast."""
    if value not in VOTE_VALUES:
        raise RuleViolation(f"value: expected one of {', '.join(VOTE_VALUES)}, got {value!r}")
    request = load_request(session, request_id, caller)
    authorise("vote", request, caller, now=now)
    require_party(request, caller, "vote", now)
    check_step(request, "vote")
    refuse(Conflict, steps.convened_problem(request.id, request.convened_at,
                                            request.convened_by, action="vote"))
    earlier = next(((v.value, v.cast_at) for v in request.votes if v.state == caller.state),
                   None)
    refuse(Conflict, steps.voted_problem(request.id, caller.state, earlier))
    vote = Vote(request_id=request.id, state=caller.state, value=value, cast_at=now,
                cast_by=caller.actor.id)
    request.votes.append(vote)
    session.flush()
    record_step(session, request, "vote", caller.actor, now,
                {"state": caller.state, "value": value})
    return vote


def record_decision(session: Session, request_id: int, *, caller: Caller, now: dt.datetime,
                    policy: Policy | None = None) -> Decision:
    """The presidency records the outcome; refused while the rule still waits for votes.

    ``policy`` defaults to the pact's own readings (for aes-2023 an abstention blocks).
    """
    request = load_request(session, request_id, caller)
    authorise("decide", request, caller, now=now)
    check_step(request, "decide")
    refuse(Conflict, steps.convened_problem(request.id, request.convened_at,
                                            request.convened_by, action="decide"))
    setting = pact_setting(request.pact_id)
    pact, policy = setting.pact, policy or setting.policy
    votes = {v.state: v.value for v in request.votes}
    result = steps.tally(request.id, pact, votes, on=now.date(), policy=policy)
    if isinstance(result, Refusal):
        raise Conflict.of(result)
    decision = Decision(
        request_id=request.id, outcome=result.status, rule=pact.decision_rule.kind,
        pact_id=pact.id, pact_version=pact.version, policy=dict(policy.values), votes=votes,
        reasons=list(result.reasons), decided_at=now, convened_by=presidency_on(now.date()),
        recorded_by=caller.actor.id, recorded_by_state=caller.state)
    session.add(decision)
    request.decision = decision
    session.flush()
    move(session, request, "decide", caller, now, {
        "outcome": decision.outcome, "reasons": decision.reasons, "votes": votes,
        "pact_version": pact.version, "presidency": decision.convened_by})
    return decision
