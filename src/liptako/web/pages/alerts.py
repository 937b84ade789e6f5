"""Alert pages: the alerts list, one alert (its area on a map, its incidents, its messages and
each member state's acknowledgement), the rules page of the secretariat and the
subscriptions page of the administrators. Each calls the same use cases as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from liptako.alerts import queries, rules, service
from liptako.alerts.area import admin1_areas, alert_polygons, polygon_geojson
from liptako.alerts.evaluate import sentences
from liptako.alerts.schemas import RuleIn, RulePatch, SubscriptionIn
from liptako.auth.releasability import audience_list
from liptako.auth.rules import SECRETARIAT, managed_states
from liptako.core import outbox
from liptako.core.clock import utcnow
from liptako.core.errors import DomainError
from liptako.web.deps import RecordId, SessionDep
from liptako.web.errors import status_for
from liptako.web.pages.common import Page, PageDep
from liptako.web.security import caller

router = APIRouter(include_in_schema=False)


def labels(_: Callable[[str], str]) -> dict[str, str]:
    """Words for the codes alert pages show."""
    return {"fatalities": _("Fatalities in a unit"), "events": _("Events in a unit"),
            "charter": _("Incident engaging Art. 6 or 7"),
            "cluster": _("New significant space-time cluster"),
            "forecast": _("Forecast above a threshold"), "current": _("current"),
            "ended": _("ended"), "Extreme": _("Extreme"), "Severe": _("Severe"),
            "Moderate": _("Moderate"), "Minor": _("Minor"), "Unknown": _("Unknown"),
            "Immediate": _("Immediate"), "Expected": _("Expected"), "Future": _("Future"),
            "Past": _("Past"), "Observed": _("Observed"), "Likely": _("Likely"),
            "Possible": _("Possible"), "Unlikely": _("Unlikely"), "Alert": _("Alert"),
            "Update": _("Update"), "webhook": _("Webhook"), "email": _("E-mail"),
            "pending": _("waiting to be sent"), "delivered": _("sent"),
            "failed": _("given up"),
            "fr": "Français", "en": "English"}


def _area_names(locale: str) -> list[tuple[str, str]]:
    return [(code, a.name_fr if locale == "fr" else a.name) for code, a in admin1_areas().items()]


@router.get("/alerts")
def list_page(page: PageDep, session: SessionDep) -> Response:
    principal = page.require()
    found = queries.list_alerts(session, principal.viewer, limit=200)
    rows = [(a, sentences(a, page.locale)[0]) for a in found]
    return page.render("alerts.html", current=[r for r in rows if r[0].status == "current"],
                       ended=[r for r in rows if r[0].status == "ended"],
                       labels=labels(page.fmt.gettext))


@router.get("/alerts/{alert_id:int}")
def alert_page(alert_id: RecordId, page: PageDep, session: SessionDep) -> Response:
    return _alert(page, session, alert_id, done=page.request.query_params.get("done"))


def _alert(page: Page, session: Session, alert_id: int, *, done: str | None = None,
           error: str | None = None, status_code: int = 200) -> Response:
    principal = page.require()
    alert = queries.get_alert(session, principal.viewer, alert_id)
    headline, description = sentences(alert, page.locale)
    latest = alert.messages[-1].seq
    own = next((a for a in alert.acknowledgements if a.state == principal.user.state), None)
    may_ack = rules.acknowledge_problem(principal.user.state, principal.user.roles,
                                        audience_list(alert.audience)) is None \
        and (own is None or own.seq < latest)
    polygons = alert_polygons(alert.area_code, alert.units)
    area = polygon_geojson(polygons) if polygons else None
    # every state's deliveries: for the secretariat's administrators, who run them
    deliveries = outbox.messages_about(session, [f"alert_message:{m.id}" for m in alert.messages]
                                       ) if principal.has_role("admin") \
        and principal.user.state == SECRETARIAT else None
    return page.render("alert.html", status_code=status_code, alert=alert, headline=headline,
                       description=description, board=queries.board(alert), area=area,
                       may_ack=may_ack, latest=latest, done=done, error=error,
                       deliveries=deliveries, labels=labels(page.fmt.gettext))


@router.post("/alerts/{alert_id:int}/acknowledge")
async def acknowledge(alert_id: RecordId, page: PageDep, request: Request,
                      session: SessionDep) -> Response:
    principal = page.require()
    form = await request.form()
    page.check_csrf(str(form.get("csrf_token", "")))
    try:
        service.acknowledge(session, alert_id, caller=caller(principal),
                            note=str(form.get("note", "")), now=utcnow())
    except DomainError as exc:
        _ = page.fmt.gettext
        message = _("Your state has already acknowledged this message.") \
            if status_for(exc) == 409 else _("Your role does not allow this.")
        return _alert(page, session, alert_id, error=message, status_code=status_for(exc))
    return RedirectResponse(f"/alerts/{alert_id}?done=acknowledged", status_code=303)


def _rules(page: Page, session: Session, *, values: dict[str, str] | None = None,
           error: str | None = None, status_code: int = 200) -> Response:
    page.require("secretariat")
    return page.render("alert_rules.html", status_code=status_code,
                       rules=queries.list_rules(session), areas=_area_names(page.locale),
                       area_names=dict(_area_names(page.locale)), kinds=rules.KINDS,
                       severities=rules.SEVERITIES[:4], values=values or {}, error=error,
                       done=page.request.query_params.get("done"),
                       labels=labels(page.fmt.gettext))


@router.get("/alerts/rules")
def rules_page(page: PageDep, session: SessionDep) -> Response:
    return _rules(page, session)


def _whole(text: str) -> int | str | None:
    text = text.strip()
    return None if not text else int(text) if text.isdigit() else text


def _number(text: str) -> float | str | None:
    text = text.strip().replace(",", ".")
    try:
        return float(text) if text else None
    except ValueError:
        return text


def _rule_body(form: dict[str, str]) -> dict[str, Any]:
    kind = form.get("kind", "")
    body: dict[str, Any] = {"name": form.get("name", ""), "kind": kind,
                            "days": _whole(form.get("days", "")) or None,
                            "severity": form.get("severity") or None}
    if kind == "charter":
        body["articles"] = [a for a in ("6", "7") if form.get(f"article{a}")] or None
    elif kind == "cluster":
        body["p_value"] = _number(form.get("p_value", ""))
    elif kind == "forecast":
        body["threshold"] = _whole(form.get("threshold", ""))
        body["probability"] = _number(form.get("probability", ""))
        body["months"] = _whole(form.get("months", ""))
    else:
        body["threshold"] = _whole(form.get("threshold", ""))
        body["area"] = form.get("area") or None
    return body


@router.post("/alerts/rules")
async def create_rule(page: PageDep, session: SessionDep) -> Response:
    principal = page.require("secretariat")
    form = await page.checked_form()
    try:
        body = RuleIn.model_validate(_rule_body(form))
        service.create_rule(session, body, caller=caller(principal), now=utcnow())
    except (ValidationError, DomainError):
        _ = page.fmt.gettext
        return _rules(page, session, values=form, status_code=422,
                      error=_("Check the form: a name of three characters or more, a type, "
                              "a threshold for a threshold rule, a p-value above 0 and at "
                              "most 0.2 for a cluster rule, a threshold or a probability "
                              "(not both) and months from 1 to 6 for a forecast rule, and "
                              "days from 1 to 366."))
    return RedirectResponse("/alerts/rules?done=created", status_code=303)


@router.post("/alerts/rules/{rule_id}/act")
async def rule_act(rule_id: RecordId, page: PageDep, request: Request,
                   session: SessionDep) -> Response:
    principal = page.require("secretariat")
    form = await request.form()
    page.check_csrf(str(form.get("csrf_token", "")))
    action = str(form.get("action", ""))
    if action not in ("disable", "enable"):
        return _rules(page, session, status_code=422,
                      error=page.fmt.gettext("Choose an action."))
    service.update_rule(session, rule_id, RulePatch(active=action == "enable"),
                        caller=caller(principal), now=utcnow())
    return RedirectResponse(f"/alerts/rules?done={action}", status_code=303)


def _subscriptions(page: Page, session: Session, *, status_code: int = 200,
                   values: dict[str, str] | None = None, error: str | None = None,
                   secret: str | None = None, done: str | None = None) -> Response:
    principal = page.require("admin")
    state = principal.user.state
    response = page.render(
        "alert_subscriptions.html", status_code=status_code,
        subscriptions=service.list_subscriptions(session, caller(principal)),
        states=managed_states(state),
        values=values or {}, error=error, secret=secret,
        done=done or page.request.query_params.get("done"), labels=labels(page.fmt.gettext))
    if secret:  # a secret shown once is never kept by the browser
        response.headers["cache-control"] = "no-store"
    return response


@router.get("/alerts/subscriptions")
def subscriptions_page(page: PageDep, session: SessionDep) -> Response:
    return _subscriptions(page, session)


@router.post("/alerts/subscriptions")
async def create_subscription(page: PageDep, session: SessionDep) -> Response:
    principal = page.require("admin")
    form = await page.checked_form()
    try:
        body = SubscriptionIn.model_validate({
            "channel": form.get("channel", ""), "target": form.get("target", ""),
            "state": form.get("state") or None, "language": form.get("language") or "fr"})
        _sub, secret = service.create_subscription(session, body, caller=caller(principal),
                                                   now=utcnow())
    except ValidationError:
        _ = page.fmt.gettext
        return _subscriptions(page, session, status_code=422, values=form,
                              error=_("Check the form: a webhook needs an http(s) address, "
                                      "e-mail needs addresses separated by commas."))
    return _subscriptions(page, session, status_code=201, secret=secret, done="created")


@router.post("/alerts/subscriptions/{subscription_id}/act")
async def subscription_act(subscription_id: RecordId, page: PageDep, request: Request,
                           session: SessionDep) -> Response:
    principal = page.require("admin")
    form = await request.form()
    page.check_csrf(str(form.get("csrf_token", "")))
    if str(form.get("action", "")) != "disable":
        return _subscriptions(page, session, status_code=422,
                              error=page.fmt.gettext("Choose an action."))
    service.disable_subscription(session, subscription_id, caller=caller(principal),
                                 now=utcnow())
    return RedirectResponse("/alerts/subscriptions?done=disabled", status_code=303)
