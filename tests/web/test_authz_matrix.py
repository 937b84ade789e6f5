"""Every route, every role: read from the app's own route table, so a new route needs a row.

Each row gives the status each caller gets, and how to build the request. ``{visible}`` and
``{hidden}`` in a path are replaced by a record the caller may and may not see. The callers
are the cast and an administrator of each member state (who manages that state's accounts
and tokens only).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.alerts import seed_matrix
from factories.assistance import (
    LIAISONS,
    matrix_deadline,
    matrix_import,
    matrix_params,
    matrix_pledge,
    matrix_request,
    president_today,
    seed_assistance,
)
from factories.auth import CAST, PASSWORD, STATE_ADMINS, seed_state_admins
from factories.incidents import report, seed_markings
from factories.intel import seed_actor_edits
from factories.obligations import classification
from factories.reports import BUILT_FOR, seed_report_lists
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.auth.releasability import Viewer, may_see
from liptako.auth.tokens import create_api_token
from liptako.core.clock import utcnow
from liptako.web.pages.common import LOGIN_CSRF_COOKIE
from liptako.web.routes import route_table
from liptako.web.security import SESSION_COOKIE, read_session_cookie

CALLERS = ["anon", *CAST, *STATE_ADMINS]
REPORTERS = {"awa_mli_analyst", "amadou_mli_liaison", "ibrahim_bfa_liaison", "bfa_analyst",
             "moussa_ner_liaison", "ner_analyst", "sec"}
ADMINS = {"admin", *STATE_ADMINS}
ANALYSTS = {"awa_mli_analyst", "bfa_analyst", "ner_analyst"}


@dataclass
class Row:
    ok: int
    page: bool = False
    allowed: set[str] | None = None  # None: every authenticated caller
    anon: int = 401
    denied: int = 403
    body: Callable[[str], Any] | None = None
    form: Callable[[str], Any] | None = None
    hidden_check: bool = False
    # the visible incident picked for {incident_id} lies on the caller's own state's
    # territory (any for the secretariat); another state's visible one answers foreign
    own_state: bool = False
    foreign: int = 403
    extra: dict[str, Any] = field(default_factory=dict)
    special: dict[str, int] = field(default_factory=dict)  # callers answered otherwise

    def expected(self, caller: str) -> int:
        if caller in self.special:
            return self.special[caller]
        if caller == "anon":
            return self.anon
        if self.allowed is not None and caller not in self.allowed:
            return self.denied
        return self.ok


def _new_user(caller: str) -> dict[str, Any]:
    return {"username": f"made_by_{caller}", "password": "long-enough-pass", "state": "NER",
            "roles": ["observer"]}


AR = "/api/v1/assistance-requests"
ASSIST: dict[str, int] = {}  # filled per test by seed_assistance: a request at each step
PENDING: dict[str, int] = {}  # decisions awaiting the secretariat's second person, by use
NER_TOKEN: dict[str, int] = {}  # a machine token of a Niger liaison
LIAISON_CAST = set(LIAISONS.values())
PRESIDENT = president_today()  # the presidency's liaison convenes and records decisions
ALERTS: dict[str, int] = {}  # filled per test by seed_matrix: a rule, an alert, a subscription
REPORT_LISTS: dict[str, int] = {}  # filled per test: a weekly report list of Niger
ACTOR_EDITS: dict[str, int] = {}  # filled per test: JNIM's added aliases and links, by use
# analysts of every state and the secretariat (its staff and administrators) edit actors
ACTOR_EDITORS = ANALYSTS | {"sec", "admin"}
JNIM = {"actor_id": "jnim"}
OFFICERS = REPORTERS - {"sec"}  # member states' liaison officers and analysts
# intelligence: every reader exports; all but observers import (liptako.intel.stix_store)
STIX_WRITERS = set(CALLERS) - {"anon", "mli_observer"}
PARTNER_BUNDLE = {"type": "bundle", "id": "bundle--0f4a5b2e-8c1d-4e7f-9a3b-5c6d7e8f9a0b",
                  "objects": [{"type": "threat-actor", "spec_version": "2.1",
                               "id": "threat-actor--2b6a1c9e-3f4d-4a5b-8c7d-9e0f1a2b3c4d",
                               "created": "2026-11-01T00:00:00.000Z",
                               "modified": "2026-11-01T00:00:00.000Z", "name": "GSIM"}]}
NER_SUBSCRIPTION = {"allowed": {"admin", "ner_admin"}, "special": {"mli_admin": 404,
                                                                   "bfa_admin": 404}}

TAXII_AES = {"collection_id": "aes"}


def _taxii_envelope(caller: str) -> dict[str, Any]:
    return {"objects": [{"type": "threat-actor", "spec_version": "2.1",
                         "id": f"threat-actor--{uuid.uuid4()}", "name": f"sent by {caller}",
                         "created": "2026-11-30T10:00:00.000Z",
                         "modified": "2026-11-30T10:00:00.000Z"}]}


TAXII_OBJECT = {**TAXII_AES, "object_id": "threat-actor--00000000-0000-4000-8000-000000000000"}

MATRIX: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/health"): Row(200, anon=200),
    ("GET", "/api/v1/ready"): Row(200, anon=200),
    # for the monitoring network or its token only: the test client's address is in no
    # network and no caller's bearer token is the metrics token (see web/test_observe.py)
    ("GET", "/metrics"): Row(403, anon=403),
    ("GET", "/api/v1/openapi.json"): Row(200, anon=200),
    ("POST", "/api/v1/auth/token"): Row(
        200, anon=401, form=lambda c: {"username": c, "password": "correct horse battery staple"}),
    ("GET", "/api/v1/auth/me"): Row(200),
    ("POST", "/api/v1/auth/api-tokens"): Row(201, body=lambda c: {"name": f"bot-{c}"}),
    ("GET", "/api/v1/auth/api-tokens"): Row(200),
    # a Niger liaison's token: its owner, the secretariat's and Niger's administrators revoke
    # it; another state's administrator is refused; anyone else finds nothing
    ("DELETE", "/api/v1/auth/api-tokens/{token_id}"): Row(
        204, allowed={"moussa_ner_liaison", "admin", "ner_admin"}, denied=404,
        special={"mli_admin": 403, "bfa_admin": 403}, extra={"token_id": "ner"}),
    ("GET", "/api/v1/users"): Row(200, allowed=ADMINS),
    # a Niger observer: the secretariat's and Niger's administrators only
    ("POST", "/api/v1/users"): Row(201, allowed={"admin", "ner_admin"}, body=_new_user),
    # Mali's observer: the secretariat's and Mali's administrators only
    ("POST", "/api/v1/users/{user_id}/disable"): Row(200, allowed={"admin", "mli_admin"},
                                                     extra={"user": "mli_observer"}),
    ("POST", "/api/v1/users/{user_id}/enable"): Row(200, allowed={"admin", "mli_admin"},
                                                    extra={"user": "mli_observer"}),
    ("POST", "/api/v1/users/{user_id}/reset-password"): Row(
        200, allowed={"admin", "mli_admin"}, extra={"user": "mli_observer"}),
    ("GET", "/api/v1/incidents"): Row(200),
    ("GET", "/api/v1/incidents/export"): Row(200),
    ("POST", "/api/v1/incidents"): Row(201, allowed=REPORTERS, body=lambda c: report()),
    ("GET", "/api/v1/incidents/{incident_id}"): Row(200, hidden_check=True),
    # seeded reports have no earlier version: visible ones answer 404 for the version
    ("GET", "/api/v1/incidents/{incident_id}/versions/{version}"): Row(
        404, hidden_check=True, extra={"version": 1}),
    ("GET", "/api/v1/stats"): Row(200),
    ("POST", "/api/v1/incidents/{incident_id}/classifications"): Row(
        201, allowed=ANALYSTS | {"sec"}, body=lambda c: CLASSIFICATION, hidden_check=True,
        own_state=True),
    ("GET", "/api/v1/incidents/{incident_id}/classifications"): Row(200, hidden_check=True),
    ("GET", "/api/v1/classifications"): Row(200),
    ("POST", "/api/v1/classifications/{decision_id}/confirm"): Row(
        200, allowed={"sec"}, body=lambda c: {}, extra={"decision": "confirm"}),
    ("POST", "/api/v1/classifications/{decision_id}/reject"): Row(
        200, allowed={"sec"}, body=lambda c: {"note": "not an attack"},
        extra={"decision": "reject"}),
    ("GET", "/api/v1/duties"): Row(200),
    ("GET", "/api/v1/compliance-cases"): Row(200),
    ("GET", "/api/v1/geo/admin-units"): Row(200),
    ("GET", "/api/v1/geo/areas/{name}"): Row(200, extra={"name": "liptako_gourma"}),
    ("GET", "/api/v1/geo/places"): Row(200, extra={"query": "q=Djibo"}),
    # a text read into a draft, for those who report incidents (nothing stored)
    ("POST", "/api/v1/intake/extract"): Row(
        200, allowed=REPORTERS, body=lambda c: {"text": f"Gunmen killed two herders near "
                                                        f"Djibo ({c})", "lang": "en"}),
    # early warning: the newest scan each caller may see (none here: an empty collection)
    ("GET", "/api/v1/hotspots"): Row(200),
    ("GET", "/api/v1/forecasts"): Row(200),
    # TAXII 2.1: every signed-in caller reads the community's collection (a state's own
    # collection is tested in tests/web/api/test_taxii.py); no such object or status: 404
    ("GET", "/taxii2/"): Row(200, anon=200),  # discovery names an address, no record
    ("GET", "/taxii2/aes/"): Row(200),
    ("GET", "/taxii2/aes/collections/"): Row(200),
    ("GET", "/taxii2/aes/collections/{collection_id}/"): Row(200, extra=TAXII_AES),
    ("GET", "/taxii2/aes/collections/{collection_id}/objects/"): Row(200, extra=TAXII_AES),
    ("GET", "/taxii2/aes/collections/{collection_id}/manifest/"): Row(200, extra=TAXII_AES),
    # every signed-in caller but the observer adds to the community's collection
    ("POST", "/taxii2/aes/collections/{collection_id}/objects/"): Row(
        202, allowed=STIX_WRITERS, body=_taxii_envelope,
        extra=TAXII_AES),
    ("GET", "/taxii2/aes/collections/{collection_id}/objects/{object_id}/"): Row(
        404, extra=TAXII_OBJECT),
    ("GET", "/taxii2/aes/collections/{collection_id}/objects/{object_id}/versions/"): Row(
        404, extra=TAXII_OBJECT),
    ("GET", "/taxii2/aes/status/{status_id}/"): Row(404, extra={"status_id": "none"}),
    ("GET", "/api/v1/trends"): Row(200, extra={"query": "from=2023&to=2024"}),
    ("GET", "/api/v1/stix/bundle"): Row(200),
    # situation reports: every reader builds one, of what it may see
    ("GET", "/api/v1/reports/sitrep"): Row(200, extra={"query": "period=2024-01&format=html"}),
    ("POST", "/api/v1/stix/bundle"): Row(200, allowed=STIX_WRITERS,
                                         body=lambda c: PARTNER_BUNDLE),
    # assistance: ids come from seed_assistance (ASSIST), Mali's requests unless "<name>:*"
    # picks the caller's own state's; rows on one request run in this order
    ("GET", f"{AR}"): Row(200),
    ("GET", f"{AR}/export"): Row(200),
    ("POST", f"{AR}"): Row(201, allowed=LIAISON_CAST, body=lambda c: matrix_request(ASSIST, c)),
    ("GET", f"{AR}/{{request_id}}"): Row(200, extra={"request": "exported"}),
    ("POST", f"{AR}/{{request_id}}/submit"): Row(200, allowed=LIAISON_CAST,
                                                 extra={"request": "draft:*"}),
    ("POST", f"{AR}/{{request_id}}/open"): Row(200, allowed={"sec"},
                                               extra={"request": "submitted"}),
    ("POST", f"{AR}/{{request_id}}/withdraw"): Row(
        200, allowed={"amadou_mli_liaison"}, body=lambda c: {"reason": "situation in hand"},
        extra={"request": "submitted"}),
    ("POST", f"{AR}/{{request_id}}/pledges"): Row(
        201, allowed={"ibrahim_bfa_liaison", "moussa_ner_liaison"},
        body=lambda c: matrix_pledge(ASSIST), extra={"request": "exported"}),
    ("POST", f"{AR}/{{request_id}}/declines"): Row(
        201, allowed={"ibrahim_bfa_liaison", "moussa_ner_liaison"},
        body=lambda c: {"reason": "assets committed elsewhere"}, extra={"request": "convenable"}),
    ("POST", f"{AR}/{{request_id}}/convene"): Row(
        200, allowed={PRESIDENT, "sec"}, body=lambda c: matrix_deadline(),
        extra={"request": "convenable"}),
    ("POST", f"{AR}/{{request_id}}/votes"): Row(201, allowed=LIAISON_CAST,
                                                body=lambda c: {"value": "yes"},
                                                extra={"request": "voting"}),
    ("POST", f"{AR}/{{request_id}}/decision"): Row(201, allowed={PRESIDENT, "sec"},
                                                   extra={"request": "decidable"}),
    ("POST", f"{AR}/{{request_id}}/delivery"): Row(200, allowed={"amadou_mli_liaison", "sec"},
                                                   extra={"request": "adopted"}),
    ("POST", f"{AR}/{{request_id}}/pledges/{{pledge_id}}/deliver"): Row(
        200, allowed={"amadou_mli_liaison"}, body=lambda c: {},
        extra={"request": "adopted", "pledge": "adopted.pledge1"}),
    ("POST", f"{AR}/{{request_id}}/close"): Row(200, allowed={"amadou_mli_liaison", "sec"},
                                                extra={"request": "adopted"}),
    ("POST", f"{AR}/{{request_id}}/pledges/{{pledge_id}}/accept"): Row(
        200, allowed={"amadou_mli_liaison"},
        extra={"request": "exported", "pledge": "exported.pledge1"}),
    ("POST", f"{AR}/{{request_id}}/pledges/{{pledge_id}}/refuse"): Row(
        200, allowed={"amadou_mli_liaison"}, body=lambda c: {"reason": "wrong type"},
        extra={"request": "exported", "pledge": "exported.pledge2"}),
    ("POST", f"{AR}/{{request_id}}/pledges/{{pledge_id}}/withdraw"): Row(
        200, allowed={"moussa_ner_liaison"}, body=lambda c: {},
        extra={"request": "exported", "pledge": "exported.pledge3"}),
    ("GET", f"{AR}/{{request_id}}/coverage"): Row(200, extra={"request": "exported"}),
    ("GET", f"{AR}/{{request_id}}/timeline"): Row(200, extra={"request": "exported"}),
    ("GET", f"{AR}/{{request_id}}/edxl-rm"): Row(200, extra={"request": "exported"}),
    ("GET", f"{AR}/{{request_id}}/pledges/{{pledge_id}}/edxl-rm"): Row(
        200, extra={"request": "exported", "pledge": "exported.pledge4"}),
    ("GET", f"{AR}/{{request_id}}/declines/{{decline_id}}/edxl-rm"): Row(
        200, extra={"request": "voting", "decline": "voting.decline"}),
    ("POST", f"{AR}/import-edxl-rm"): Row(201, allowed=LIAISON_CAST,
                                          body=lambda c: matrix_import(ASSIST, c)),
    ("GET", "/api/v1/reconciliation"): Row(200),
    ("POST", "/api/v1/assistance/run-deadlines"): Row(200, allowed={"sec"} | ADMINS),
    ("GET", "/api/v1/assistance/presidency"): Row(200),
    # alerts: rules by the secretariat, a CLEAR alert everyone may see, acknowledgements by
    # the member states' officers, Niger's subscription managed by its and SEC's admins
    ("GET", "/api/v1/alert-rules"): Row(200),
    ("POST", "/api/v1/alert-rules"): Row(
        201, allowed={"sec"}, body=lambda c: {"name": f"rule by {c}", "kind": "events",
                                              "threshold": 5}),
    ("PATCH", "/api/v1/alert-rules/{rule_id}"): Row(200, allowed={"sec"},
                                                    body=lambda c: {"days": 10},
                                                    extra={"alerts": "rule"}),
    ("GET", "/api/v1/alerts"): Row(200),
    ("GET", "/api/v1/alerts.atom"): Row(200),
    ("GET", "/api/v1/alerts/{alert_id}.cap"): Row(200, extra={"alerts": "alert"}),
    ("GET", "/api/v1/alerts/{alert_id}"): Row(200, extra={"alerts": "alert"}),
    ("POST", "/api/v1/alerts/{alert_id}/acknowledgements"): Row(
        201, allowed=OFFICERS, body=lambda c: {}, extra={"alerts": "alert"}),
    ("GET", "/api/v1/alert-subscriptions"): Row(200, allowed=ADMINS),
    ("POST", "/api/v1/alert-subscriptions"): Row(
        201, allowed=ADMINS, body=lambda c: {"channel": "email", "target": "ops@aes.example"}),
    ("POST", "/api/v1/alert-subscriptions/{subscription_id}/disable"): Row(
        200, extra={"alerts": "subscription"}, **NER_SUBSCRIPTION),  # type: ignore[arg-type]
    # the weekly report's lists: each state's administrators (the secretariat's: any) manage
    # their state's, built for one of its accounts
    ("GET", "/api/v1/report-subscriptions"): Row(200, allowed=ADMINS),
    ("POST", "/api/v1/report-subscriptions"): Row(
        201, allowed=ADMINS, body=lambda c: {"recipients": "ops@aes.example",
                                             "built_for": BUILT_FOR.get(c, "sec")}),
    ("POST", "/api/v1/report-subscriptions/{subscription_id}/disable"): Row(
        200, extra={"report_list": "ner"}, **NER_SUBSCRIPTION),  # type: ignore[arg-type]
    ("GET", "/alerts"): Row(200, anon=303, page=True),
    ("GET", "/alerts/{alert_id}"): Row(200, anon=303, page=True, extra={"alerts": "alert"}),
    ("POST", "/alerts/{alert_id}/acknowledge"): Row(
        303, anon=303, page=True, allowed=OFFICERS, form=lambda c: {"note": ""},
        extra={"alerts": "page_alert"}),
    ("GET", "/alerts/rules"): Row(200, anon=303, page=True, allowed={"sec"}),
    ("POST", "/alerts/rules"): Row(
        303, anon=303, page=True, allowed={"sec"},
        form=lambda c: {"name": f"page rule by {c}", "kind": "charter", "days": "7"}),
    ("POST", "/alerts/rules/{rule_id}/act"): Row(
        303, anon=303, page=True, allowed={"sec"}, form=lambda c: {"action": "disable"},
        extra={"alerts": "rule"}),
    ("GET", "/alerts/subscriptions"): Row(200, anon=303, page=True, allowed=ADMINS),
    ("POST", "/alerts/subscriptions"): Row(
        201, anon=303, page=True, allowed=ADMINS,
        form=lambda c: {"channel": "webhook", "target": "https://x.example/cap"}),
    ("POST", "/alerts/subscriptions/{subscription_id}/act"): Row(
        303, anon=303, page=True, form=lambda c: {"action": "disable"},
        extra={"alerts": "page_subscription"}, **NER_SUBSCRIPTION),  # type: ignore[arg-type]
    # threat actors: everyone signed in reads them; analysts and the secretariat edit
    ("GET", "/api/v1/actors"): Row(200, extra={"query": "family=jihadist"}),
    ("GET", "/api/v1/actors/{actor_id}"): Row(200, extra=JNIM),
    ("POST", "/api/v1/actors/{actor_id}/aliases"): Row(
        201, allowed=ACTOR_EDITORS, body=lambda c: {"name": f"alias by {c}", "lang": "en"},
        extra=JNIM),
    ("DELETE", "/api/v1/actors/{actor_id}/aliases/{alias_id}"): Row(
        204, allowed=ACTOR_EDITORS, extra={**JNIM, "actor_edit": "alias"}),
    ("POST", "/api/v1/actors/{actor_id}/lineage"): Row(
        201, allowed=ACTOR_EDITORS, body=lambda c: {"relation": "predecessor",
                                                    "other_id": "mujao"}, extra=JNIM),
    ("DELETE", "/api/v1/actors/{actor_id}/lineage/{link_id}"): Row(
        204, allowed=ACTOR_EDITORS, extra={**JNIM, "actor_edit": "link"}),
    ("GET", "/actors"): Row(200, anon=303, page=True),
    ("GET", "/actors/{actor_id}"): Row(200, anon=303, page=True, extra=JNIM),
    ("POST", "/actors/{actor_id}/aliases"): Row(
        303, anon=303, page=True, allowed=ACTOR_EDITORS,
        form=lambda c: {"name": f"page alias by {c}", "lang": "fr"}, extra=JNIM),
    ("POST", "/actors/{actor_id}/aliases/{alias_id}/remove"): Row(
        303, anon=303, page=True, allowed=ACTOR_EDITORS, form=lambda c: {},
        extra={**JNIM, "actor_edit": "page_alias"}),
    ("POST", "/actors/{actor_id}/lineage"): Row(
        303, anon=303, page=True, allowed=ACTOR_EDITORS,
        form=lambda c: {"relation": "predecessor", "other_id": "signed_in_blood"}, extra=JNIM),
    ("POST", "/actors/{actor_id}/lineage/{link_id}/remove"): Row(
        303, anon=303, page=True, allowed=ACTOR_EDITORS, form=lambda c: {},
        extra={**JNIM, "actor_edit": "page_link"}),
    ("GET", "/static/{path}"): Row(200, anon=200, extra={"path": "app/app.css"}),
    ("GET", "/static/basemap/{path}"): Row(200, anon=200, extra={"path": "lakes.geojson"}),
    # pages: signed in through the login form, they answer with pages and redirects
    ("GET", "/login"): Row(200, anon=200, page=True),
    # the API browser, open as the OpenAPI document it shows (web/pages/site.py)
    ("GET", "/docs"): Row(200, anon=200, page=True),
    ("GET", "/favicon.ico"): Row(200, anon=200, page=True),
    ("POST", "/login"): Row(400, anon=400, page=True,
                            form=lambda c: {"username": c, "password": "x", "csrf_token": "x"}),
    ("POST", "/logout"): Row(303, anon=303, page=True, form=lambda c: {}),
    ("POST", "/language"): Row(303, anon=303, page=True, form=lambda c: {"locale": "en"}),
    ("GET", "/"): Row(200, anon=303, page=True),
    ("GET", "/units/{code}"): Row(200, anon=303, page=True, extra={"code": "MLI-2688"}),
    ("GET", "/incidents/new"): Row(200, anon=303, page=True, allowed=REPORTERS),
    ("POST", "/incidents/new"): Row(303, anon=303, page=True, allowed=REPORTERS,
                                    form=lambda c: PAGE_REPORT),
    ("GET", "/incidents/{incident_id}"): Row(200, anon=303, page=True, hidden_check=True),
    ("GET", "/assistance"): Row(200, anon=303, page=True),
    ("GET", "/assistance/new"): Row(200, anon=303, page=True, allowed=LIAISON_CAST),
    ("POST", "/assistance/new"): Row(422, anon=303, page=True, allowed=LIAISON_CAST,
                                     form=lambda c: {"title": ""}),
    ("GET", "/assistance/{request_id}"): Row(200, anon=303, page=True,
                                             extra={"request": "exported"}),
    ("POST", "/assistance/{request_id}/act"): Row(
        422, anon=303, page=True, allowed=LIAISON_CAST | {"sec"},
        form=lambda c: {"action": "nonsense"}, extra={"request": "exported"}),
    ("GET", "/reconciliation"): Row(200, anon=303, page=True),
    ("POST", "/incidents/{incident_id}/classify"): Row(
        303, anon=303, page=True, allowed=ANALYSTS | {"sec"}, own_state=True,
        form=lambda c: {"value": "yes", "evidence": "claimed", "rationale": "army post"}),
    ("GET", "/classifications"): Row(200, anon=303, page=True),
    ("GET", "/intel"): Row(200, anon=303, page=True),
    ("GET", "/reports"): Row(200, anon=303, page=True),
    ("GET", "/reports/lists"): Row(200, anon=303, page=True, allowed=ADMINS),
    ("POST", "/reports/lists"): Row(
        303, anon=303, page=True, allowed=ADMINS,
        form=lambda c: {"recipients": "ops@aes.example", "built_for": BUILT_FOR.get(c, "sec")}),
    ("POST", "/reports/lists/{list_id}/disable"): Row(
        303, anon=303, page=True, form=lambda c: {}, extra={"report_list": "page_ner"},
        **NER_SUBSCRIPTION),  # type: ignore[arg-type]
    ("GET", "/reports/sitrep.{fmt}"): Row(200, anon=303, page=True,
                                          extra={"fmt": "html", "query": "period=2024-01"}),
    ("GET", "/intel/bundle"): Row(200, anon=303, page=True),
    # a form without its file: refused, naming what is missing
    ("POST", "/intel"): Row(422, anon=303, page=True, allowed=STIX_WRITERS, form=lambda c: {}),
    ("GET", "/admin/users"): Row(200, anon=303, page=True, allowed=ADMINS),
    ("POST", "/admin/users"): Row(
        201, anon=303, page=True, allowed={"admin", "ner_admin"},
        form=lambda c: {"username": f"page_by_{c}", "state": "NER", "roles": "observer"}),
    ("POST", "/admin/users/{user_id}/act"): Row(
        200, anon=303, page=True, allowed={"admin", "mli_admin"},
        form=lambda c: {"action": "reset-password"}, extra={"user": "mli_observer"}),
    ("POST", "/classifications/{decision_id}/review"): Row(
        303, anon=303, page=True, allowed={"sec"}, form=lambda c: {"action": "confirm"},
        extra={"decision": "page"}),
}

CLASSIFICATION = {"question": "attack_on_sovereignty", "value": True,
                  "evidence": "claimed by the group", "rationale": "army post overrun"}
PAGE_REPORT = {"occurred_on": "2024-05-11", "lat": "14.1", "lon": "-1.63",
               "description": "Armed men attacked an army post.", "event_type": "battle",
               "fatalities": "2", "tlp": "AMBER"}


def _api_routes(app: FastAPI) -> set[tuple[str, str]]:
    return route_table(app)


def test_every_route_has_a_row(app: FastAPI) -> None:
    missing = _api_routes(app) - set(MATRIX)
    assert not missing, f"routes without an authorisation row: {sorted(missing)}"
    stale = set(MATRIX) - _api_routes(app)
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


def _pick(seeded: list[Any], user: User | None, visible: bool, *,
          territory: str | None = None) -> int | None:
    """A seeded incident the user may (not) see, on ``territory`` ("other": not the user's
    own state's) if given."""
    if user is None:
        return seeded[0].id
    viewer = Viewer(user.id, user.state, tuple(user.roles))
    for incident in seeded:
        on = incident.iso3 == user.state if territory == "own" else \
            incident.iso3 != user.state if territory == "other" else True
        if on and may_see(viewer, incident.tlp, incident.originator, incident.audience) == visible:
            return int(incident.id)
    return None


def _seed_pending(session: Session, cast: dict[str, User], seeded: list[Any]) -> None:
    """A pending classification for each row that reviews one: Burkina's analyst answers yes
    on Burkina incidents the secretariat may see, which would open duties to Burkina."""
    analyst = cast["bfa_analyst"]
    open_to_sec = [i for i in seeded if i.iso3 == "BFA" and i.tlp in ("CLEAR", "GREEN")]
    PENDING.clear()
    for use, incident in zip(("confirm", "reject", "page"), open_to_sec, strict=False):
        decision = classification(session, incident, value=True, decided_by=analyst.id,
                                  state="BFA")
        assert decision.status == "pending"
        PENDING[use] = decision.id


def _page_login(client: TestClient, caller: str) -> str:
    """Sign in through the login form; returns the session's CSRF token."""
    client.get("/login")
    form = {"username": caller, "password": PASSWORD, "next": "/",
            "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE) or ""}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    data = read_session_cookie(client.app.state.settings,  # type: ignore[attr-defined]
                               client.cookies.get(SESSION_COOKIE) or "")
    assert data is not None
    return str(data["csrf"])


def _check(client: TestClient, caller: str, row: Row, method: str, path: str,
           params: dict[str, Any], headers: dict[str, str], csrf: str | None) -> list[str]:
    url = path.format(**params) + (f"?{params['query']}" if "query" in params else "")
    kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": False}
    if row.body:
        kwargs["json"] = row.body(caller)
    if row.form:
        kwargs["data"] = {**row.form(caller), **({"csrf_token": csrf} if csrf else {})}
    status = client.request(method, url, **kwargs).status_code
    if status != row.expected(caller):
        return [f"{method} {url}: expected {row.expected(caller)}, got {status}"]
    return []


@pytest.mark.parametrize("caller", CALLERS)
def test_matrix(caller: str, client: TestClient, auth, session: Session,  # type: ignore[no-untyped-def]
                cast: dict[str, User]) -> None:
    cast = {**cast, **seed_state_admins(session)}
    seeded = seed_markings(session)
    ASSIST.clear()
    ASSIST.update(seed_assistance(session, cast))
    _seed_pending(session, cast, seeded)
    ner_token, _ = create_api_token(session, user=cast["moussa_ner_liaison"], name="ner-bot",
                                    actor=Actor(None, "seed", "NER"), now=utcnow())
    NER_TOKEN["ner"] = ner_token.id
    ALERTS.clear()
    ALERTS.update(seed_matrix(session))
    ACTOR_EDITS.clear()
    ACTOR_EDITS.update(seed_actor_edits(session))
    REPORT_LISTS.clear()
    REPORT_LISTS.update(seed_report_lists(session, cast))
    headers = {} if caller == "anon" else auth(caller)
    user = cast.get(caller)
    failures: list[str] = []
    rows = sorted(MATRIX.items(), key=lambda item: (item[1].page, item[0][1] == "/logout"))
    csrf = None
    for (method, path), row in rows:
        if row.page and csrf is None and caller != "anon":
            csrf, headers = _page_login(client, caller), {}
        params = dict(row.extra)
        if "request" in row.extra:
            params.update(matrix_params(ASSIST, row.extra, caller))
        if "decision" in row.extra:
            params["decision_id"] = PENDING[row.extra["decision"]]
        if "user" in row.extra:
            params["user_id"] = cast[row.extra["user"]].id
        if "alerts" in row.extra:
            kind = row.extra["alerts"]
            params[f"{kind.removeprefix('page_')}_id"] = ALERTS[kind]
        if "report_list" in row.extra:
            kind = row.extra["report_list"]
            key = "list_id" if kind.startswith("page_") else "subscription_id"
            params[key] = REPORT_LISTS[kind]
        if "actor_edit" in row.extra:
            kind = row.extra["actor_edit"]
            params[f"{kind.removeprefix('page_')}_id"] = ACTOR_EDITS[kind]
        if "token_id" in row.extra:
            params["token_id"] = NER_TOKEN[row.extra["token_id"]]
        if "{incident_id}" in path:
            own = row.own_state and user is not None and user.state != "SEC"
            params["incident_id"] = _pick(seeded, user, visible=True,
                                          territory="own" if own else None)
            if own and row.expected(caller) == row.ok:  # another state's: refused
                foreign = {**params, "incident_id": _pick(seeded, user, visible=True,
                                                          territory="other")}
                failures += _check(client, caller, replace(row, ok=row.foreign), method, path,
                                   foreign, headers, csrf)
        failures += _check(client, caller, row, method, path, params, headers, csrf)
        allowed = row.expected(caller) == row.ok
        hidden = _pick(seeded, user, visible=False) if row.hidden_check and user and allowed \
            else None
        if hidden is not None:
            url = path.format(**{**params, "incident_id": hidden})
            kwargs = {"json": row.body(caller)} if row.body else {}
            got = client.request(method, url, headers=headers, **kwargs)
            # the record's marking, as JSON or as a page writes it (a random token in a page
            # may spell "tlp" by chance: it has no quote or colon)
            if got.status_code != 404 or re.search(r'"tlp"|TLP:', got.text):
                failures.append(f"{method} {url} (hidden): expected a bare 404, got "
                                f"{got.status_code} {got.text[:80]}")
    assert not failures, "\n".join(failures)
