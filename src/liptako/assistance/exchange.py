"""EDXL-RM exchange: requests, pledges and declines out as messages, and messages back in.

Threading: a request's ``message_id`` is the OriginatingMessageID of every message about it.
An offer (a pledge not yet accepted) is a ResponseToRequestResource whose PrecedingMessageID is
the request; an accepted or delivered pledge is a CommitResource whose PrecedingMessageID is
the offer. Every exported message is validated against the schema before it leaves.

Import: a RequestResource becomes a draft request of the importing liaison officer's own state;
a response becomes pledges (or a decline) of the responding state, which must be the
importer's. Statuses do not travel: acceptance and delivery are the requester's acts here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from liptako.assistance import edxl, pledging
from liptako.assistance.edxl.messages import ITEM_PREFIX
from liptako.assistance.edxl.read import DEFAULT_UNIT
from liptako.assistance.models import AssistanceRequest, Decline, Pledge
from liptako.assistance.queries import hidden_incidents, visible_requests_clause
from liptako.assistance.schemas import PledgeIn, RequestIn
from liptako.assistance.service import Caller, file_request
from liptako.auth.releasability import Viewer
from liptako.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation

SOURCE = "edxl-rm"


def request_message(request: AssistanceRequest, *, now: dt.datetime,
                    viewer: Viewer | None = None) -> edxl.RequestMessage:
    """The request as a message; for a ``viewer``, naming only the incidents it may see."""
    hidden = hidden_incidents(request, viewer) if viewer is not None else set()
    return edxl.RequestMessage(
        message_id=request.message_id, sent_at=now, requester=request.requesting_state,
        pact_id=request.pact_id, article=request.article, title=request.title,
        situation=request.situation, deadline_at=request.deadline_at, tlp=request.tlp,
        incident_ids=tuple(i.id for i in request.incidents if i.id not in hidden),
        items=tuple(edxl.Item(
            element_id=f"{ITEM_PREFIX}{i.position}", kind=i.kind, description=i.description,
            quantity=i.quantity, unit=i.unit, place=i.place, lat=i.lat, lon=i.lon,
            starts_at=i.starts_at, ends_at=i.ends_at, priority=i.priority)
            for i in request.items))


def _checked(xml: bytes) -> bytes:
    problems = edxl.problems(edxl.parse(xml))
    if problems:  # a bug of ours: never send an invalid message
        raise RuntimeError(f"EDXL-RM export is not valid: {'; '.join(problems)}")
    return xml


def export_request(request: AssistanceRequest, *, now: dt.datetime,
                   viewer: Viewer | None = None) -> bytes:
    """The request as a RequestResource (for a ``viewer``: see :func:`request_message`)."""
    return _checked(edxl.request_resource(request_message(request, now=now, viewer=viewer)))


def pledge_message(request: AssistanceRequest, pledge: Pledge, *,
                   now: dt.datetime) -> edxl.ResponseMessage:
    if pledge.status not in ("pledged", "accepted", "delivered"):
        raise Conflict(f"pledge {pledge.id} is {pledge.status.replace('_', ' ')}: expected "
                       "pledged, accepted or delivered to export it")
    committed = pledge.status != "pledged"
    answer = edxl.Answer(
        element_id=f"pledge-{pledge.id}", item_element_id=f"{ITEM_PREFIX}{pledge.item.position}",
        response="Accept", description=pledge.description, kind=pledge.item.kind,
        quantity=pledge.quantity, unit=pledge.item.unit, available_from=pledge.available_from,
        note=pledge.note)
    return edxl.ResponseMessage(
        message_type="CommitResource" if committed else "ResponseToRequestResource",
        message_id=f"{pledge.message_id}:commit" if committed else pledge.message_id,
        sent_at=now, originating_id=request.message_id,
        preceding_id=pledge.message_id if committed else request.message_id,
        responder=pledge.state, answers=(answer,))


def export_pledge(request: AssistanceRequest, pledge: Pledge, *, now: dt.datetime) -> bytes:
    """An offer as a ResponseToRequestResource; an accepted pledge as a CommitResource."""
    return _checked(edxl.response(pledge_message(request, pledge, now=now)))


def export_decline(request: AssistanceRequest, decline: Decline, *, now: dt.datetime) -> bytes:
    """A decline as a ResponseToRequestResource answering every line item with Decline."""
    answers = tuple(edxl.Answer(element_id=f"decline-{i.position}",
                                item_element_id=f"{ITEM_PREFIX}{i.position}",
                                response="Decline", reason=decline.reason)
                    for i in request.items)
    return _checked(edxl.response(edxl.ResponseMessage(
        message_type="ResponseToRequestResource", message_id=decline.message_id, sent_at=now,
        originating_id=request.message_id, preceding_id=request.message_id,
        responder=decline.state, answers=answers)))


@dataclass(frozen=True)
class ImportResult:
    """What an imported message became."""

    kind: str  # "request", "pledges" or "decline"
    request_id: int
    message_id: str
    pledge_ids: tuple[int, ...] = ()
    decline_id: int | None = None


def _invalid(error: ValidationError, where: str) -> RuleViolation:
    fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
    return edxl.EdxlError(f"{where}: {fields}")


def _import_request(session: Session, msg: edxl.RequestMessage, caller: Caller,
                    now: dt.datetime) -> ImportResult:
    if msg.requester != caller.state:
        raise PermissionDenied(
            f"rmsg:ContactInformation: the message requests assistance for {msg.requester}; a "
            f"{caller.state} liaison officer imports requests for {caller.state} only")
    existing = session.scalar(select(AssistanceRequest.id).where(
        AssistanceRequest.message_id == msg.message_id))
    if existing is not None:
        raise Conflict(f"message {msg.message_id} was already imported as request {existing}")
    if not msg.incident_ids:
        raise edxl.EdxlError("rmsg:IncidentInformation: expected at least one rm:IncidentID "
                             "'liptako:incident:<id>' naming an incident you may see, got none")
    try:
        payload = RequestIn.model_validate({
            "title": msg.title, "situation": msg.situation, "pact_id": msg.pact_id,
            "article": msg.article, "incident_ids": list(msg.incident_ids),
            "deadline_at": msg.deadline_at, "tlp": msg.tlp,
            "items": [{"kind": i.kind, "description": i.description, "quantity": i.quantity,
                       "unit": i.unit, "place": i.place, "lat": i.lat, "lon": i.lon,
                       "starts_at": i.starts_at, "ends_at": i.ends_at,
                       "priority": i.priority} for i in msg.items]})
    except ValidationError as exc:
        raise _invalid(exc, "rmsg:RequestResource") from None
    request = file_request(session, payload, caller=caller, now=now,
                           message_id=msg.message_id, source=SOURCE)
    return ImportResult("request", request.id, msg.message_id)


def _pledge_in(request: AssistanceRequest, answer: edxl.Answer, n: int) -> PledgeIn:
    where = f"rmsg:ResourceInformation[{n}]"
    position = answer.item_element_id.removeprefix(ITEM_PREFIX)
    item = next((i for i in request.items if str(i.position) == position), None)
    if item is None:
        known = ", ".join(f"{ITEM_PREFIX}{i.position}" for i in request.items)
        raise edxl.EdxlError(f"{where}/rmsg:ResponseInformation/rm:PrecedingResourceInfoElementID:"
                             f" expected one of {known}, got {answer.item_element_id!r}")
    if answer.unit not in (None, DEFAULT_UNIT, item.unit):
        raise edxl.EdxlError(f"{where}/rm:UnitOfMeasure: expected the line item's unit "
                             f"{item.unit!r}, got {answer.unit!r}")
    try:
        return PledgeIn.model_validate({
            "line_item_id": item.id, "quantity": answer.quantity or 0,
            "available_from": answer.available_from, "description": answer.description,
            "note": answer.note})
    except ValidationError as exc:
        raise _invalid(exc, where) from None


def _import_response(session: Session, msg: edxl.ResponseMessage, caller: Caller,
                     now: dt.datetime) -> ImportResult:
    if msg.responder != caller.state:
        raise PermissionDenied(
            f"rmsg:ContactInformation: the message answers for {msg.responder}; a "
            f"{caller.state} liaison officer imports answers for {caller.state} only")
    request = session.scalar(select(AssistanceRequest).where(
        AssistanceRequest.message_id == msg.originating_id,
        visible_requests_clause(caller.viewer)))
    if request is None:
        raise NotFound(f"rmsg:OriginatingMessageID: no request {msg.originating_id} you may see")
    # a CommitResource is threaded to the offer it commits: keep the offer's id as the pledge's
    thread = (msg.preceding_id if msg.message_type == "CommitResource"
              and msg.preceding_id != request.message_id else msg.message_id)
    known = session.scalar(select(Pledge.id).where(or_(
        Pledge.message_id.in_((msg.message_id, thread)),
        Pledge.message_id.startswith(f"{thread}#", autoescape=True))))
    if known is not None or session.scalar(select(Decline.id).where(
            Decline.message_id == msg.message_id)) is not None:
        raise Conflict(f"message {msg.message_id} was already imported (request {request.id})")
    offers = [(n, a) for n, a in enumerate(msg.answers, start=1) if a.response != "Decline"]
    if not offers:
        reason = next((a.reason for a in msg.answers if a.reason), None) or "declined"
        made = pledging.decline(session, request.id, reason=reason, caller=caller, now=now,
                                message_id=msg.message_id)
        return ImportResult("decline", request.id, msg.message_id, decline_id=made.id)
    ids = []
    for n, answer in offers:
        message_id = thread if len(offers) == 1 else f"{thread}#{answer.element_id}"
        made_pledge = pledging.pledge(session, request.id, _pledge_in(request, answer, n),
                                      caller=caller, now=now, message_id=message_id,
                                      source=SOURCE)
        ids.append(made_pledge.id)
    return ImportResult("pledges", request.id, msg.message_id, pledge_ids=tuple(ids))


def import_edxl_rm(session: Session, data: bytes, *, caller: Caller,
                   now: dt.datetime) -> ImportResult:
    """Validate a message against its schema, then record what it says for the caller's state."""
    if "liaison" not in caller.roles:
        raise PermissionDenied(f"import: expected a liaison officer, got a {caller.state} "
                               f"{'/'.join(caller.roles)}")
    msg = edxl.read(data)
    if isinstance(msg, edxl.RequestMessage):
        return _import_request(session, msg, caller, now)
    return _import_response(session, msg, caller, now)
