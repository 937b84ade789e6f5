"""One incident's page, and the analysts' report form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from liptako.assistance import steps
from liptako.assistance.models import AssistanceRequest, request_incident
from liptako.assistance.queries import visible_requests_clause
from liptako.assistance.schemas import RequestIn
from liptako.auth.releasability import Viewer, may_see
from liptako.auth.rules import SECRETARIAT
from liptako.core.clock import utcnow
from liptako.core.errors import DomainError
from liptako.incidents import service as incidents
from liptako.incidents.models import Incident
from liptako.incidents.rules import REPORTERS, TLP_LEVELS
from liptako.incidents.schemas import IncidentIn, IncidentOut
from liptako.obligations import queries as obligation_queries
from liptako.obligations import recording
from liptako.obligations import rules as obligation_rules
from liptako.obligations import service as obligations
from liptako.obligations.models import ClassificationDecision
from liptako.web.deps import RecordId, SessionDep
from liptako.web.errors import status_for
from liptako.web.pages.common import Page, PageDep, event_type_names
from liptako.web.pages.refusals import explain, say
from liptako.web.security import Principal

router = APIRouter(include_in_schema=False)

# what to tell a person about each field, whatever the validator said (in their language)
FIELD_MESSAGES = {
    "occurred_on": "Enter the date of the incident, not in the future.",
    "location": "Choose the place on the map or from the list, or enter its coordinates.",
    "description": "Describe what happened (up to 5,000 characters).",
    "event_type": "Choose the type of event.",
    "fatalities": "Enter a whole number of fatalities, 0 or more.",
    "perpetrator": "Check the perpetrator.",
    "target": "Check the target.",
    "tlp": "Choose a TLP marking.",
    "audience": "Choose only states of the Alliance or the secretariat.",
    "source_text": "The text is too long: keep it under 20,000 characters.",
}


@router.get("/incidents/new")
def report_form(page: PageDep) -> Response:
    page.require(*REPORTERS)
    return _render_form(page, values={"tlp": "AMBER", "occurred_on": utcnow().date().isoformat()},
                        errors={})


@router.post("/incidents/new")
async def submit_report(page: PageDep, request: Request, session: SessionDep) -> Response:
    principal = page.require(*REPORTERS)
    form = await request.form()
    page.check_csrf(str(form.get("csrf_token", "")))
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    values["audience"] = ",".join(str(v) for v in form.getlist("audience"))
    try:
        payload = IncidentIn.model_validate(_payload(values, form.getlist("audience")))
    except ValidationError as exc:
        errors = {str(e["loc"][0]): page.fmt.gettext(FIELD_MESSAGES.get(str(e["loc"][0]),
                                                                        "Check this field."))
                  for e in exc.errors()}
        return _render_form(page, values=values, errors=errors, status_code=422)
    incident = recording.record_report(session, payload, actor=principal.actor,
                                       state=principal.user.state,
                                       pact_ids=page.settings.pacts, now=utcnow())
    return RedirectResponse(f"/incidents/{incident.id}?created=1", status_code=303)


def _number(text: str | None) -> float | int | str | None:
    if text is None or not text.strip():
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _payload(values: dict[str, str], audience: list[Any]) -> dict[str, Any]:
    """The API body built from the form: empty fields mean unknown."""
    perpetrator = {k: values.get(f"perpetrator_{k}") or None
                   for k in ("kind", "group_type", "actor", "state")}
    target = {k: values.get(f"target_{k}") or None for k in ("kind", "party")}
    body: dict[str, Any] = {
        "occurred_on": values.get("occurred_on") or None,
        "location": {"lat": _number(values.get("lat")), "lon": _number(values.get("lon"))},
        "description": values.get("description", "").strip(),
        "event_type": values.get("event_type") or None,
        "fatalities": _number(values.get("fatalities")),
        "place_name": values.get("place_name") or None,
        "tlp": values.get("tlp") or None,
        "audience": [str(a) for a in audience],
        "source_text": values.get("source_text", "").strip() or None,
    }
    if any(perpetrator.values()):
        body["perpetrator"] = {k: v for k, v in perpetrator.items() if v}
    if any(target.values()):
        body["target"] = {k: v for k, v in target.items() if v}
    return body


def _render_form(page: Page, *, values: dict[str, str], errors: dict[str, str],
                 status_code: int = 200) -> Response:
    _ = page.fmt.gettext
    return page.render(
        "report.html", status_code=status_code, values=values, errors=errors,
        event_types=[(c, _(n)) for c, n in event_type_names(_)], tlps=TLP_LEVELS,
        states=[("BFA", _("Burkina Faso")), ("MLI", _("Mali")), ("NER", _("Niger")),
                ("SEC", _("Secretariat"))],
        today=dt.date.today().isoformat())


REVIEWER = "secretariat"
# whether the secretariat may see an incident at its marking (a pending classification on
# one it may not see cannot be confirmed until the originator shares it)
SECRETARIAT_VIEWER = Viewer(None, SECRETARIAT, (REVIEWER,))
FILING_PACT = str(RequestIn.model_fields["pact_id"].default)  # the one the request form invokes


def _offers(page: Page, principal: Principal, incident: Incident, out: IncidentOut,
            decisions: list[ClassificationDecision]) -> dict[str, Any]:
    """What the page offers the reader on the incident: the classification form, only while
    the question is open to them; a request for assistance, or what must happen first."""
    statuses = [d.status for d in decisions]
    user = principal.user
    offers: dict[str, Any] = {"may_classify": obligation_rules.classification_offered(
        roles=user.roles, state=user.state, incident_id=incident.id,
        incident_state=incident.iso3, in_force=[d["in_force"] for d in out.determinations],
        statuses=statuses), "file_article": None, "filing_needs": None}
    if not principal.has_role("liaison"):
        return offers
    provisions: list[dict[str, Any]] = next(
        (d["provisions"] for d in out.determinations if d["pact"] == FILING_PACT), [])
    filing = steps.invocable(incident.id, FILING_PACT, provisions, state=user.state,
                             incident_state=incident.iso3, pending="pending" in statuses)
    if isinstance(filing, str):
        offers["file_article"] = filing
    else:
        offers["filing_needs"] = say(filing, page.fmt.gettext)
    return offers


@router.get("/incidents/{incident_id}")
def incident_page(incident_id: RecordId, page: PageDep, session: SessionDep) -> Response:
    principal = page.require()
    return _incident(page, session, _read(session, principal, incident_id))


def _read(session: Session, principal: Principal, incident_id: int) -> Incident:
    return incidents.read_incident(session, principal.viewer, incident_id,
                                   actor=principal.actor, now=utcnow())


def _incident(page: Page, session: Session, incident: Incident, *, status_code: int = 200,
              form_error: str | None = None, action_error: str | None = None) -> Response:
    principal = page.require()
    _ = page.fmt.gettext
    out = obligation_queries.incident_out(session, incident)
    decisions = obligation_queries.decisions_of(session, incident.id)
    return page.render(
        "incident.html", status_code=status_code, incident=out,
        type_names=dict((c, _(n)) for c, n in event_type_names(_)),
        created=page.request.query_params.get("created") == "1", decisions=decisions,
        secretariat_sees=may_see(SECRETARIAT_VIEWER, incident.tlp, incident.originator,
                                 incident.audience),
        may_review=principal.has_role(REVIEWER),
        reviewed=page.request.query_params.get("reviewed"),
        duties=obligation_queries.visible_duties(session, principal.viewer,
                                                 incident_id=incident.id),
        cases=obligation_queries.visible_cases(session, principal.viewer,
                                               incident_id=incident.id),
        form_error=form_error, action_error=action_error,
        classified=page.request.query_params.get("classified"),
        requests=_linked_requests(session, principal.viewer, incident.id),
        **_offers(page, principal, incident, out, decisions))


def _linked_requests(session: Session, viewer: Viewer, incident_id: int) -> list[Any]:
    """Assistance requests that invoke the pact on this incident, as the viewer may see them."""
    stmt = (select(AssistanceRequest)
            .join(request_incident, request_incident.c.request_id == AssistanceRequest.id)
            .where(request_incident.c.incident_id == incident_id,
                   visible_requests_clause(viewer))
            .order_by(AssistanceRequest.id))
    return list(session.scalars(stmt))


@router.post("/incidents/{incident_id}/classify")
async def classify(incident_id: RecordId, page: PageDep, request: Request,
                   session: SessionDep) -> Response:
    principal = page.require(*obligation_rules.CLASSIFIERS)
    incident = _read(session, principal, incident_id)
    form = await request.form()
    page.check_csrf(str(form.get("csrf_token", "")))
    evidence, rationale = str(form.get("evidence", "")), str(form.get("rationale", ""))
    value = str(form.get("value", ""))
    if value not in ("yes", "no") or len(evidence.strip()) < 3 or len(rationale.strip()) < 3:
        message = page.fmt.gettext("Give the answer, the evidence and the rationale.")
        return _incident(page, session, incident, status_code=422, form_error=message)
    try:
        decision = obligations.record_classification(
            session, incident=incident, question="attack_on_sovereignty", value=value == "yes",
            evidence=evidence, rationale=rationale, actor=principal.actor,
            pact_ids=page.settings.pacts, now=utcnow())
    except DomainError as exc:  # a refusal's audit entry commits with the page
        return _refused(page, session, incident, exc)
    return RedirectResponse(f"/incidents/{incident_id}?classified={decision.status}"
                            "#classifications", status_code=303)


def _refused(page: Page, session: Session, incident: Incident, exc: DomainError) -> Response:
    """The incident's page again, saying what the refused step needs."""
    if exc.code == "not_found":
        raise exc
    return _incident(page, session, incident, status_code=status_for(exc),
                     action_error=explain(exc, page.fmt.gettext))


@router.get("/classifications")
def pending_decisions(page: PageDep, session: SessionDep) -> Response:
    """The decisions awaiting a second person of the secretariat, on incidents the reader
    may see."""
    principal = page.require()
    return page.render("classifications.html", decisions=obligation_queries.visible_decisions(
        session, principal.viewer, status="pending"), may_review=principal.has_role(REVIEWER))


@router.post("/classifications/{decision_id}/review")
async def review(decision_id: RecordId, page: PageDep, request: Request,
                 session: SessionDep) -> Response:
    principal = page.require(REVIEWER)
    form = await request.form()
    page.check_csrf(str(form.get("csrf_token", "")))
    decision, incident = obligation_queries.visible_decision(session, principal.viewer,
                                                             decision_id)
    action, note = str(form.get("action", "")), str(form.get("note", "")).strip()
    if action not in ("confirm", "reject") or (action == "reject" and len(note) < 3):
        message = page.fmt.gettext("Confirm, or reject and say why.")
        return _incident(page, session, incident, status_code=422, form_error=message)
    try:
        obligations.review_classification(
            session, decision=decision, incident=incident, confirm=action == "confirm",
            note=note or None, actor=principal.actor, pact_ids=page.settings.pacts,
            now=utcnow())
    except DomainError as exc:  # someone reviewed it first, or the reader may not
        return _refused(page, session, incident, exc)
    return RedirectResponse(f"/incidents/{incident.id}?reviewed={action}#classifications",
                            status_code=303)
