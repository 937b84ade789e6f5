"""Mutual assistance: requests, pledges, declines, votes, decisions, delivery, EDXL-RM, deadlines
and the reconciliation of what was owed, pledged and delivered.

Routes check roles; the domain checks the rest (a liaison officer acts for its own state only,
the presidency convenes, the requesting state accepts and confirms delivery) and answers 404
for a request the caller may not see, 409 with a reason for a step the workflow refuses.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liptako.assistance import deadlines, exchange, pledging, queries, voting
from liptako.assistance import service as assistance
from liptako.assistance.models import AssistanceRequest
from liptako.assistance.presidency import term_on
from liptako.assistance.reconciliation import reconciliation
from liptako.assistance.schemas import (
    ConveneIn,
    CoverageOut,
    DecisionOut,
    DeclineIn,
    DeclineOut,
    DeliveryIn,
    EventOut,
    PledgeIn,
    PledgeOut,
    ReasonIn,
    ReconciliationOut,
    RequestIn,
    RequestOut,
    RequestSummary,
    VoteIn,
    VoteOut,
    WithdrawIn,
)
from liptako.core.clock import utcnow
from liptako.core.errors import NotFound, RuleViolation
from liptako.reports import exports
from liptako.web.deps import RecordId, RecordIdFilter, SessionDep
from liptako.web.downloads import RESPONSES, FormatQuery, download
from liptako.web.security import CurrentPrincipal, Principal, caller, require_roles

router = APIRouter(tags=["assistance"])
PATH = "/assistance-requests"
# a number in the path, so that another method on PATH/import-edxl-rm is 405, not a bad id
ITEM = PATH + "/{request_id:int}"
Liaison = Annotated[Principal, Depends(require_roles("liaison"))]
LiaisonOrSec = Annotated[Principal, Depends(require_roles("liaison", "secretariat"))]
Secretariat = Annotated[Principal, Depends(require_roles("secretariat"))]
Operator = Annotated[Principal, Depends(require_roles("secretariat", "admin"))]
XML = "application/xml"
XML_TYPES = (XML, "text/xml")
STATUS_PATTERN = "^(" + "|".join(("draft", "submitted", "open_for_pledges", "decided",
                                  "in_delivery", "closed", "withdrawn")) + ")$"


def _read(session: Session, principal: Principal, request_id: int) -> AssistanceRequest:
    return assistance.read_request(session, principal.viewer, request_id,
                                   actor=principal.actor, now=utcnow())


def _out(session: Session, principal: Principal, request_id: int) -> RequestOut:
    request = queries.get_request(session, principal.viewer, request_id)
    parties = assistance.load_pact(request.pact_id).members_on(utcnow().date())
    return queries.request_out(request, parties, principal.viewer)


def _xml(body: bytes, filename: str) -> Response:
    """An EDXL-RM message, served as a file to save or hand on (a browser downloads it)."""
    return Response(content=body, media_type=XML,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


@router.post(PATH, response_model=RequestOut, status_code=status.HTTP_201_CREATED)
def file_request(body: RequestIn, principal: Liaison, session: SessionDep) -> RequestOut:
    """File a draft request for the caller's state, invoking an article on incidents."""
    made = assistance.file_request(session, body, caller=caller(principal), now=utcnow())
    return _out(session, principal, made.id)


@router.get(PATH, response_model=list[RequestSummary])
def list_requests(principal: CurrentPrincipal, session: SessionDep,
                  status_: Annotated[str | None, Query(alias="status",
                                                       pattern=STATUS_PATTERN)] = None,
                  state: Annotated[str | None, Query(pattern="^(BFA|MLI|NER)$")] = None,
                  limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 100,
                  ) -> list[RequestSummary]:
    """Requests the caller may see, newest first (drafts: the requesting state's only)."""
    return queries.list_requests(session, principal.viewer, status=status_, state=state,
                                 limit=limit)


@router.get(PATH + "/export", response_class=Response, responses=RESPONSES)
def export_requests(principal: CurrentPrincipal, session: SessionDep,
                    fmt: FormatQuery = "csv",
                    status_: Annotated[str | None, Query(alias="status",
                                                         pattern=STATUS_PATTERN)] = None,
                    state: Annotated[str | None, Query(pattern="^(BFA|MLI|NER)$")] = None,
                    ) -> Response:
    """The requests of the list (the same visibility and filters, no paging) as CSV with
    an HXL hashtag row, GeoJSON (at the first placed line item) or XLSX; audited."""
    now = utcnow()
    return download(fmt, "liptako-assistance-requests", now,
                    lambda out: exports.export_requests(
                        session, principal.viewer, status=status_, state=state, fmt=fmt,
                        out=out, actor=principal.actor, now=now))


@router.get(ITEM, response_model=RequestOut)
def get_request(request_id: RecordId, principal: CurrentPrincipal,
                session: SessionDep) -> RequestOut:
    """One request with its items, pledges, declines, votes, decision and reminders."""
    _read(session, principal, request_id)
    return _out(session, principal, request_id)


@router.post(ITEM + "/submit", response_model=RequestOut)
def submit(request_id: RecordId, principal: Liaison, session: SessionDep) -> RequestOut:
    assistance.submit(session, request_id, caller=caller(principal), now=utcnow())
    return _out(session, principal, request_id)


@router.post(ITEM + "/open", response_model=RequestOut)
def open_for_pledges(request_id: RecordId, principal: Secretariat,
                     session: SessionDep) -> RequestOut:
    assistance.open_request(session, request_id, caller=caller(principal), now=utcnow())
    return _out(session, principal, request_id)


@router.post(ITEM + "/withdraw", response_model=RequestOut)
def withdraw(request_id: RecordId, body: WithdrawIn, principal: Liaison,
             session: SessionDep) -> RequestOut:
    assistance.withdraw(session, request_id, reason=body.reason, caller=caller(principal),
                        now=utcnow())
    return _out(session, principal, request_id)


@router.post(ITEM + "/pledges", response_model=PledgeOut, status_code=status.HTTP_201_CREATED)
def pledge(request_id: RecordId, body: PledgeIn, principal: Liaison,
           session: SessionDep) -> PledgeOut:
    """Pledge against a line item, always for the caller's own state."""
    made = pledging.pledge(session, request_id, body, caller=caller(principal), now=utcnow())
    return PledgeOut.model_validate(made)


@router.post(ITEM + "/declines", response_model=DeclineOut,
             status_code=status.HTTP_201_CREATED)
def decline(request_id: RecordId, body: DeclineIn, principal: Liaison,
            session: SessionDep) -> DeclineOut:
    """Decline for the caller's own state, with a reason (final)."""
    made = pledging.decline(session, request_id, reason=body.reason, caller=caller(principal),
                            now=utcnow())
    return DeclineOut.model_validate(made)


@router.post(ITEM + "/convene", response_model=RequestOut)
def convene(request_id: RecordId, body: ConveneIn, principal: LiaisonOrSec,
            session: SessionDep) -> RequestOut:
    """The presidency (or the secretariat on its behalf) opens the vote."""
    voting.convene_vote(session, request_id, vote_deadline_at=body.vote_deadline_at,
                        caller=caller(principal), now=utcnow())
    return _out(session, principal, request_id)


@router.post(ITEM + "/votes", response_model=VoteOut, status_code=status.HTTP_201_CREATED)
def vote(request_id: RecordId, body: VoteIn, principal: Liaison, session: SessionDep) -> VoteOut:
    """Vote for the caller's own state; a second vote is refused (409)."""
    made = voting.cast_vote(session, request_id, value=body.value, caller=caller(principal),
                            now=utcnow())
    return VoteOut.model_validate(made)


@router.post(ITEM + "/decision", response_model=DecisionOut,
             status_code=status.HTTP_201_CREATED)
def decide(request_id: RecordId, principal: LiaisonOrSec, session: SessionDep) -> DecisionOut:
    """The presidency records the outcome of the vote under the pact's decision rule."""
    made = voting.record_decision(session, request_id, caller=caller(principal), now=utcnow())
    return DecisionOut.model_validate(made)


@router.post(ITEM + "/delivery", response_model=RequestOut)
def start_delivery(request_id: RecordId, principal: LiaisonOrSec,
                   session: SessionDep) -> RequestOut:
    assistance.start_delivery(session, request_id, caller=caller(principal), now=utcnow())
    return _out(session, principal, request_id)


@router.post(ITEM + "/close", response_model=RequestOut)
def close(request_id: RecordId, principal: LiaisonOrSec, session: SessionDep) -> RequestOut:
    assistance.close(session, request_id, caller=caller(principal), now=utcnow())
    return _out(session, principal, request_id)


@router.post(ITEM + "/pledges/{pledge_id}/accept", response_model=PledgeOut)
def accept_pledge(request_id: RecordId, pledge_id: RecordId, principal: Liaison,
                  session: SessionDep) -> PledgeOut:
    made = pledging.accept_pledge(session, request_id, pledge_id, caller=caller(principal),
                                  now=utcnow())
    return PledgeOut.model_validate(made)


@router.post(ITEM + "/pledges/{pledge_id}/refuse", response_model=PledgeOut)
def refuse_pledge(request_id: RecordId, pledge_id: RecordId, body: ReasonIn, principal: Liaison,
                  session: SessionDep) -> PledgeOut:
    made = pledging.refuse_pledge(session, request_id, pledge_id, reason=body.reason,
                                  caller=caller(principal), now=utcnow())
    return PledgeOut.model_validate(made)


@router.post(ITEM + "/pledges/{pledge_id}/withdraw", response_model=PledgeOut)
def withdraw_pledge(request_id: RecordId, pledge_id: RecordId, body: ReasonIn, principal: Liaison,
                    session: SessionDep) -> PledgeOut:
    made = pledging.withdraw_pledge(session, request_id, pledge_id, reason=body.reason,
                                    caller=caller(principal), now=utcnow())
    return PledgeOut.model_validate(made)


@router.post(ITEM + "/pledges/{pledge_id}/deliver", response_model=PledgeOut)
def confirm_delivery(request_id: RecordId, pledge_id: RecordId, body: DeliveryIn,
                     principal: Liaison, session: SessionDep) -> PledgeOut:
    """The requesting state confirms what arrived (dated between the pledge and now; more than
    pledged only with ``over_delivery``); may discharge the deliverer's duties."""
    made = pledging.confirm_delivery(
        session, request_id, pledge_id, delivered_quantity=body.delivered_quantity,
        delivered_at=body.delivered_at, over_delivery=body.over_delivery,
        caller=caller(principal), now=utcnow())
    return PledgeOut.model_validate(made)


@router.get(ITEM + "/coverage", response_model=CoverageOut)
def coverage(request_id: RecordId, principal: CurrentPrincipal, session: SessionDep) -> CoverageOut:
    """Per line item: requested, pledged, accepted, delivered; the gap list."""
    request = _read(session, principal, request_id)
    parties = assistance.load_pact(request.pact_id).members_on(utcnow().date())
    return queries.coverage_of(request, parties)


@router.get(ITEM + "/timeline", response_model=list[EventOut])
def timeline(request_id: RecordId, principal: CurrentPrincipal,
             session: SessionDep) -> list[EventOut]:
    """Every step, who and when, oldest first (each points at its audit entry)."""
    return queries.timeline(session, _read(session, principal, request_id),
                            principal.viewer)


@router.get(ITEM + "/edxl-rm", response_class=Response,
            responses={200: {"content": {XML: {}}, "description": "EDXL-RM RequestResource"}})
def export_request(request_id: RecordId, principal: CurrentPrincipal,
                   session: SessionDep) -> Response:
    """The request as an EDXL-RM 1.0 RequestResource (valid against the OASIS schema)."""
    request = _read(session, principal, request_id)
    return _xml(exchange.export_request(request, now=utcnow(), viewer=principal.viewer),
                f"liptako-request-{request.id}-edxl-rm.xml")


@router.get(ITEM + "/pledges/{pledge_id}/edxl-rm", response_class=Response,
            responses={200: {"content": {XML: {}}, "description": "EDXL-RM response"}})
def export_pledge(request_id: RecordId, pledge_id: RecordId, principal: CurrentPrincipal,
                  session: SessionDep) -> Response:
    """A pledge as ResponseToRequestResource (offer) or CommitResource (accepted)."""
    request = _read(session, principal, request_id)
    found = next((p for p in request.pledges if p.id == pledge_id), None)
    if found is None:
        raise NotFound(f"pledge {pledge_id} of request {request_id}: not found")
    return _xml(exchange.export_pledge(request, found, now=utcnow()),
                f"liptako-request-{request.id}-pledge-{found.id}-edxl-rm.xml")


@router.get(ITEM + "/declines/{decline_id}/edxl-rm", response_class=Response,
            responses={200: {"content": {XML: {}}, "description": "EDXL-RM response"}})
def export_decline(request_id: RecordId, decline_id: RecordId, principal: CurrentPrincipal,
                   session: SessionDep) -> Response:
    """A decline as a ResponseToRequestResource declining every line item."""
    request = _read(session, principal, request_id)
    found = next((d for d in request.declines if d.id == decline_id), None)
    if found is None:
        raise NotFound(f"decline {decline_id} of request {request_id}: not found")
    return _xml(exchange.export_decline(request, found, now=utcnow()),
                f"liptako-request-{request.id}-decline-{found.id}-edxl-rm.xml")


async def message_body(request: Request) -> bytes:
    """The EDXL-RM document: sent as XML, or as JSON {"message": "<xml>"}."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if kind in XML_TYPES:
        return raw
    if kind == "application/json":
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            return str(data["message"]).encode("utf-8")
        raise RuleViolation('body: expected {"message": "<EDXL-RM XML>"}')
    raise RuleViolation(f"content-type: expected {XML} or application/json, got {kind or 'none'}")


IMPORT_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    XML: {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object", "required": ["message"],
                                    "properties": {"message": {"type": "string"}}}}}}}


@router.post(PATH + "/import-edxl-rm", status_code=status.HTTP_201_CREATED,
             openapi_extra=IMPORT_BODY)
def import_edxl_rm(principal: Liaison, session: SessionDep,
                   body: Annotated[bytes, Depends(message_body)]) -> dict[str, Any]:
    """Import a RequestResource (draft for the caller's state) or a response (its pledges)."""
    result = exchange.import_edxl_rm(session, body, caller=caller(principal), now=utcnow())
    return {"kind": result.kind, "request_id": result.request_id,
            "message_id": result.message_id, "pledge_ids": list(result.pledge_ids),
            "decline_id": result.decline_id}


@router.get("/reconciliation", response_model=ReconciliationOut)
def get_reconciliation(principal: CurrentPrincipal, session: SessionDep,
                       state: Annotated[str | None, Query(pattern="^(BFA|MLI|NER)$")] = None,
                       incident_id: RecordIdFilter = None) -> ReconciliationOut:
    """Per state and per incident: what was owed, pledged and delivered, and when."""
    return reconciliation(session, principal.viewer, state=state, incident_id=incident_id)


@router.post("/assistance/run-deadlines")
def run_deadlines(principal: Operator, session: SessionDep) -> dict[str, Any]:
    """Raise due reminders and escalate overdue ones to the secretariat (idempotent)."""
    report = deadlines.run_deadlines(session, now=utcnow(), actor=principal.actor)
    return {"checked": report.checked, "reminded": report.reminded,
            "escalated": report.escalated, "requests": report.requests}


@router.get("/assistance/presidency")
def presidency(principal: CurrentPrincipal) -> dict[str, Any]:
    """The rotating presidency today: it convenes votes and records decisions."""
    term = term_on(utcnow().date())
    return {"state": term.state, "holder": term.holder, "since": term.starts_on.isoformat(),
            "source": term.source}
