"""Answers to a request: pledges and declines by the other parties; acceptance, refusal and
confirmation of delivery by the requesting state; duties discharged by delivered pledges.

Delivery is confirmed by the requesting state, the one that can attest that help arrived:
a state never certifies the discharge of its own duty.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from liptako.assistance import steps
from liptako.assistance.models import AssistanceRequest, Decline, LineItem, Pledge
from liptako.assistance.schemas import PledgeIn
from liptako.assistance.service import (
    Caller,
    authorise,
    check_step,
    load_request,
    need_reason,
    new_message_id,
    record_step,
    refuse,
    require_party,
)
from liptako.audit import service as audit
from liptako.core.errors import Conflict, NotFound, RuleViolation
from liptako.obligations.models import Duty


def _item(request: AssistanceRequest, line_item_id: int) -> LineItem:
    for item in request.items:
        if item.id == line_item_id:
            return item
    raise NotFound(f"line item {line_item_id} of request {request.id}: not found")


def _pledge(request: AssistanceRequest, pledge_id: int) -> Pledge:
    for pledge in request.pledges:
        if pledge.id == pledge_id:
            return pledge
    raise NotFound(f"pledge {pledge_id} of request {request.id}: not found")


def _expect(pledge: Pledge, action: str) -> None:
    refuse(Conflict, steps.pledge_problem(pledge.id, pledge.status, action))


def _answerable(session: Session, request_id: int, caller: Caller, action: str,
                now: dt.datetime) -> AssistanceRequest:
    request = load_request(session, request_id, caller)
    authorise(action, request, caller, now=now)
    require_party(request, caller, action, now)
    check_step(request, action)
    declined = next((d.declined_at for d in request.declines if d.state == caller.state), None)
    refuse(Conflict, steps.declined_problem(request.id, caller.state, declined))
    return request


def pledge(session: Session, request_id: int, payload: PledgeIn, *, caller: Caller,
           now: dt.datetime, message_id: str | None = None, source: str = "liptako") -> Pledge:
    """A party offers resources against one line item, for its own state only."""
    request = _answerable(session, request_id, caller, "pledge", now)
    item = _item(request, payload.line_item_id)
    made = Pledge(request_id=request.id, line_item_id=item.id, state=caller.state,
                  quantity=payload.quantity, available_from=payload.available_from,
                  description=payload.description.strip(), note=payload.note,
                  status="pledged", pledged_at=now, pledged_by=caller.actor.id,
                  message_id=message_id or new_message_id(), source=source)
    request.pledges.append(made)
    session.flush()
    record_step(session, request, "pledge", caller.actor, now, {
        "pledge_id": made.id, "state": made.state, "line_item": item.position,
        "kind": item.kind, "quantity": made.quantity, "unit": item.unit,
        "available_from": made.available_from.isoformat(), "source": source})
    return made


def decline(session: Session, request_id: int, *, reason: str, caller: Caller,
            now: dt.datetime, message_id: str | None = None) -> Decline:
    """A party answers that it will not pledge, with its reason; final for this request."""
    reason = need_reason(reason)
    request = _answerable(session, request_id, caller, "decline", now)
    live = [p.id for p in request.pledges
            if p.state == caller.state and p.status in ("pledged", "accepted")]
    refuse(Conflict, steps.live_pledges_problem(request.id, caller.state, live))
    made = Decline(request_id=request.id, state=caller.state, reason=reason,
                   declined_at=now, declined_by=caller.actor.id,
                   message_id=message_id or new_message_id())
    request.declines.append(made)
    session.flush()
    record_step(session, request, "decline", caller.actor, now,
                {"state": made.state, "reason": made.reason})
    return made


def _pledge_step(session: Session, request_id: int, pledge_id: int, action: str,
                 caller: Caller, now: dt.datetime) -> tuple[AssistanceRequest, Pledge]:
    request = load_request(session, request_id, caller)
    found = _pledge(request, pledge_id)
    authorise(action, request, caller, now=now, owner_state=found.state)
    check_step(request, action)
    return request, found


def accept_pledge(session: Session, request_id: int, pledge_id: int, *, caller: Caller,
                  now: dt.datetime) -> Pledge:
    """The requesting state takes up an offer."""
    request, found = _pledge_step(session, request_id, pledge_id, "accept_pledge", caller, now)
    _expect(found, "accept_pledge")
    found.status, found.accepted_at = "accepted", now
    record_step(session, request, "accept_pledge", caller.actor, now,
                {"pledge_id": found.id, "state": found.state})
    return found


def refuse_pledge(session: Session, request_id: int, pledge_id: int, *, reason: str | None,
                  caller: Caller, now: dt.datetime) -> Pledge:
    """The requesting state turns an offer down."""
    request, found = _pledge_step(session, request_id, pledge_id, "refuse_pledge", caller, now)
    _expect(found, "refuse_pledge")
    found.status, found.closed_reason = "declined_by_requester", reason
    record_step(session, request, "refuse_pledge", caller.actor, now,
                {"pledge_id": found.id, "state": found.state, "reason": reason})
    return found


def withdraw_pledge(session: Session, request_id: int, pledge_id: int, *, reason: str | None,
                    caller: Caller, now: dt.datetime) -> Pledge:
    """The pledging state takes its offer back before delivery starts."""
    request, found = _pledge_step(session, request_id, pledge_id, "withdraw_pledge", caller, now)
    _expect(found, "withdraw_pledge")
    found.status, found.closed_reason = "withdrawn", reason
    record_step(session, request, "withdraw_pledge", caller.actor, now,
                {"pledge_id": found.id, "state": found.state, "reason": reason})
    return found


def _delivery_problem(pledge: Pledge, quantity: float | None, when: dt.datetime,
                      over_delivery: bool, now: dt.datetime) -> str | None:
    """Why a confirmed delivery is implausible, or None: not before the pledge, not after
    now, and not more than pledged unless the requester says so explicitly."""
    if quantity is not None and quantity <= 0:
        return f"delivered_quantity: expected more than 0, got {quantity:g}"
    if quantity is not None and quantity > pledge.quantity and not over_delivery:
        return (f"delivered_quantity: expected at most the pledged {pledge.quantity:g} unless "
                f"over_delivery is set, got {quantity:g}")
    if when > now:
        return (f"delivered_at: expected a time not after now ({now.isoformat()}), "
                f"got {when.isoformat()}")
    if when < pledge.pledged_at:
        return (f"delivered_at: expected a time not before the pledge "
                f"({pledge.pledged_at.isoformat()}), got {when.isoformat()}")
    return None


def confirm_delivery(session: Session, request_id: int, pledge_id: int, *,
                     delivered_quantity: float | None = None,
                     delivered_at: dt.datetime | None = None, over_delivery: bool = False,
                     caller: Caller, now: dt.datetime) -> Pledge:
    """The requesting state confirms what arrived; the deliverer's duties may be discharged."""
    request, found = _pledge_step(session, request_id, pledge_id, "confirm_delivery", caller,
                                  now)
    _expect(found, "confirm_delivery")
    when = delivered_at or now
    problem = _delivery_problem(found, delivered_quantity, when, over_delivery, now)
    if problem:
        raise RuleViolation(problem)
    found.status, found.delivered_at = "delivered", when
    found.delivered_quantity = delivered_quantity or found.quantity
    record_step(session, request, "confirm_delivery", caller.actor, now, {
        "pledge_id": found.id, "state": found.state, "delivered_at": when.isoformat(),
        "delivered_quantity": found.delivered_quantity, "pledged_quantity": found.quantity,
        "over_delivery": found.delivered_quantity > found.quantity})
    discharge_duties(session, request, found.state, caller.actor, now)
    return found


def discharge_duties(session: Session, request: AssistanceRequest, state: str,
                     actor: audit.Actor, now: dt.datetime) -> list[Duty]:
    """Discharge ``state``'s open duties linked to the request once every pledge of its that
    was accepted has been delivered (and at least one was)."""
    theirs = [p for p in request.pledges if p.state == state]
    delivered = [p for p in theirs if p.status == "delivered"]
    if not delivered or any(p.status == "accepted" for p in theirs):
        return []
    when = max(p.delivered_at for p in delivered if p.delivered_at is not None)
    ids = [p.id for p in delivered]
    duties = [d for d in request.duties if d.owed_by == state and d.status == "open"]
    for duty in duties:
        duty.status, duty.closed_at = "discharged", when
        duty.note = (f"discharged by pledges {', '.join(map(str, ids))} delivered on "
                     f"assistance request {request.id}")[:300]
        audit.record(session, actor=actor, action="duty.discharge", target_type="duty",
                     target_id=duty.id, now=now,
                     detail={"request_id": request.id, "pledges": ids,
                             "delivered_at": when.isoformat()})
    if duties:
        record_step(session, request, "discharge_duties", actor, now,
                    {"state": state, "duties": [d.id for d in duties], "pledges": ids})
    return duties
