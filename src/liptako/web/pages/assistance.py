"""Mutual-assistance pages: the list, filing a request, one request's workflow, reconciliation.

Every button is a small form posting to ``/assistance/{id}/act`` with an ``action``; the
handler calls the same use cases as the API, so the workflow's rules and refusals (409 with a
reason) are the same for pages and machines. A page offers only the steps
:func:`.steps.possible_actions` allows its reader now, and a refused step (someone acted
first, a stale page) comes back on the page with what it needs, in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from liptako.assistance import pledging, queries, steps, voting
from liptako.assistance import service as assistance
from liptako.assistance.reconciliation import reconciliation
from liptako.assistance.rules import ARTICLES, LINE_KINDS
from liptako.assistance.schemas import DeliveryIn, PledgeIn, RequestIn
from liptako.core.clock import utcnow
from liptako.core.errors import DomainError
from liptako.web.deps import RecordId, SessionDep
from liptako.web.errors import status_for
from liptako.web.pages.common import Page, PageDep
from liptako.web.pages.form_errors import action_errors, request_errors, typed
from liptako.web.pages.refusals import explain
from liptako.web.security import caller

router = APIRouter(include_in_schema=False)
ITEM_ROWS = 3
PLEDGE_BUTTONS = ("accept_pledge", "confirm_delivery")  # the steps on a pledge a page offers
NEED_INPUTS = ("kind", "description", "quantity", "unit", "place", "starts_on", "ends_on")


def _number(text: str) -> float | int | str:
    """A form's number as the API takes it (the body's models refuse text for numbers); text
    that is not a number is passed on, for the model to name its field."""
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _when(text: str | None, *, end_of_day: bool = False) -> dt.datetime | None:
    if not text:
        return None
    day = dt.date.fromisoformat(text)
    clock = dt.time(23, 59) if end_of_day else dt.time(0, 0)
    return dt.datetime.combine(day, clock, tzinfo=dt.UTC)


def _moment(text: str | None, *, end_of_day: bool = False) -> dt.datetime | str | None:
    """A form's date as the models take it; text that is not a date is passed on, for the
    model to name its field."""
    try:
        return _when(text, end_of_day=end_of_day)
    except ValueError:
        return text


@router.get("/assistance")
def list_page(page: PageDep, session: SessionDep) -> Response:
    principal = page.require()
    rows = queries.list_requests(session, principal.viewer, status=None, state=None, limit=200)
    return page.render("assistance_list.html", requests=rows,
                       may_file=principal.has_role("liaison"))


@router.get("/assistance/new")
def new_page(page: PageDep) -> Response:
    page.require("liaison")
    incident = page.request.query_params.get("incident", "")
    article = page.request.query_params.get("article", "")
    return _form(page, {"incident_ids": incident,
                        "article": article if article in ARTICLES else "6"}, {})


def _form(page: Page, values: dict[str, Any], errors: dict[str, str],
          status_code: int = 200) -> Response:
    _ = page.fmt.gettext
    return page.render("assistance_new.html", status_code=status_code, values=values,
                       errors=errors, kinds=LINE_KINDS, rows=range(ITEM_ROWS))


def _rows(form: dict[str, str]) -> list[int]:
    """The form's rows that hold a need: any of its fields filled (the priority has a default),
    so that a row with a quantity but no kind is refused, not dropped."""
    return [i for i in range(ITEM_ROWS)
            if any(form.get(f"item{i}_{name}", "").strip() for name in NEED_INPUTS)]


def _items(form: dict[str, str], rows: list[int]) -> list[dict[str, Any]]:
    items = []
    for i in rows:
        items.append({"kind": form.get(f"item{i}_kind", ""),
                      "description": form.get(f"item{i}_description", ""),
                      "quantity": _number(form.get(f"item{i}_quantity") or "0"),
                      "unit": form.get(f"item{i}_unit", ""),
                      "place": form.get(f"item{i}_place", ""),
                      "starts_at": _moment(form.get(f"item{i}_starts_on")),
                      "ends_at": _moment(form.get(f"item{i}_ends_on"), end_of_day=True),
                      "priority": _number(form.get(f"item{i}_priority") or "2")})
    return items


@router.post("/assistance/new")
async def file_page(page: PageDep, session: SessionDep) -> Response:
    principal = page.require("liaison")
    form = await page.checked_form()
    rows = _rows(form)
    try:
        ids = [_number(x) for x in form.get("incident_ids", "").replace(" ", "").split(",") if x]
        body = RequestIn.model_validate({
            "title": form.get("title", ""), "situation": form.get("situation", ""),
            "article": form.get("article", ""), "incident_ids": ids,
            "deadline_at": _moment(form.get("deadline_on"), end_of_day=True),
            "tlp": form.get("tlp", "AMBER"), "items": _items(form, rows)})
    except ValidationError as exc:
        return _form(page, form, request_errors(exc, page.fmt.gettext, rows), status_code=422)
    try:
        made = assistance.file_request(session, body, caller=caller(principal), now=utcnow())
    except DomainError as exc:
        return _form(page, form, {"incident_ids": exc.detail}, status_code=422)
    return RedirectResponse(f"/assistance/{made.id}", status_code=303)


@router.get("/assistance/{request_id}")
def request_page(request_id: RecordId, page: PageDep, session: SessionDep) -> Response:
    return _request(page, session, request_id)


def _request(page: Page, session: Session, request_id: int, *, error: str | None = None,
             status_code: int = 200, field_errors: dict[str, str] | None = None,
             typed_values: dict[str, str] | None = None) -> Response:
    principal = page.require()
    now = utcnow()
    found = assistance.read_request(session, principal.viewer, request_id,
                                    actor=principal.actor, now=now)
    parties = assistance.load_pact(found.pact_id).members_on(now.date())
    offered = steps.possible_actions(queries.request_view(found, now),
                                     state=principal.user.state, roles=principal.user.roles,
                                     now=now)

    def can(action: str, pledge_id: int | None = None) -> bool:
        return steps.Step(action, pledge_id) in offered

    return page.render(
        "assistance_request.html", status_code=status_code,
        req=queries.request_out(found, parties, principal.viewer),
        coverage=queries.coverage_of(found, parties),
        timeline=queries.timeline(session, found, principal.viewer), error=error,
        me=principal.user.state, can=can, today=now.date().isoformat(),
        no_step=not any(s.pledge_id is None or s.action in PLEDGE_BUTTONS for s in offered),
        field_errors=field_errors or {}, typed=typed_values or {})


def _pledge_body(form: dict[str, str]) -> PledgeIn:
    return PledgeIn.model_validate({
        "line_item_id": _number(form.get("line_item_id") or "0"),
        "quantity": _number(form.get("quantity") or "0"),
        "available_from": _moment(form.get("available_on")),
        "description": form.get("description", ""), "note": form.get("note") or None})


def _delivery_body(form: dict[str, str]) -> DeliveryIn:
    return DeliveryIn.model_validate({
        "delivered_quantity": _number(form["delivered_quantity"])
        if form.get("delivered_quantity") else None,
        "over_delivery": form.get("over_delivery") == "on"})


def _deliver(session: Session, request_id: int, pledge_id: int, form: dict[str, str],
             who: assistance.Caller, now: dt.datetime) -> object:
    body = _delivery_body(form)
    return pledging.confirm_delivery(session, request_id, pledge_id,
                                     delivered_quantity=body.delivered_quantity,
                                     delivered_at=None, over_delivery=body.over_delivery,
                                     caller=who, now=now)


def _actions(session: Session, request_id: int, form: dict[str, str],
             who: assistance.Caller) -> dict[str, Callable[[], object]]:
    now = utcnow()
    pledge_id = int(form.get("pledge_id") or 0)
    return {
        "submit": lambda: assistance.submit(session, request_id, caller=who, now=now),
        "open": lambda: assistance.open_request(session, request_id, caller=who, now=now),
        "withdraw": lambda: assistance.withdraw(session, request_id, caller=who, now=now,
                                                reason=form.get("reason", "")),
        "pledge": lambda: pledging.pledge(session, request_id, _pledge_body(form), caller=who,
                                          now=now),
        "decline": lambda: pledging.decline(session, request_id, reason=form.get("reason", ""),
                                            caller=who, now=now),
        "accept": lambda: pledging.accept_pledge(session, request_id, pledge_id, caller=who,
                                                 now=now),
        "deliver": lambda: _deliver(session, request_id, pledge_id, form, who, now),
        "convene": lambda: voting.convene_vote(
            session, request_id, vote_deadline_at=_when(form.get("vote_deadline_on"),
                                                        end_of_day=True) or now,
            caller=who, now=now),
        "vote": lambda: voting.cast_vote(session, request_id, value=form.get("value", ""),
                                         caller=who, now=now),
        "decide": lambda: voting.record_decision(session, request_id, caller=who, now=now),
        "start_delivery": lambda: assistance.start_delivery(session, request_id, caller=who,
                                                            now=now),
        "close": lambda: assistance.close(session, request_id, caller=who, now=now),
    }


@router.post("/assistance/{request_id}/act")
async def act(request_id: RecordId, page: PageDep,
              session: SessionDep) -> Response:
    principal = page.require("liaison", "secretariat")
    form = await page.checked_form()
    queries.get_request(session, principal.viewer, request_id)  # 404 when not visible
    step = _actions(session, request_id, form, caller(principal)).get(form.get("action", ""))
    if step is None:
        return _request(page, session, request_id, status_code=422,
                        error=page.fmt.gettext("Unknown action."))
    try:
        with session.begin_nested():
            step()
    except ValidationError as exc:
        errors = action_errors(exc, page.fmt.gettext, form)
        return _request(page, session, request_id, status_code=422, error=" ".join(
            errors.values()), field_errors=errors, typed_values=typed(form))
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        return _request(page, session, request_id, status_code=status_for(exc),
                        error=explain(exc, page.fmt.gettext))
    return RedirectResponse(f"/assistance/{request_id}", status_code=303)


@router.get("/reconciliation")
def reconciliation_page(page: PageDep, session: SessionDep) -> Response:
    principal = page.require()
    state = page.request.query_params.get("state") or None
    report = reconciliation(session, principal.viewer, state=state, incident_id=None)
    return page.render("reconciliation.html", report=report, state=state)
