"""Every route, every role: read from the app's own route table, so a new route needs a row.

Each row gives the status each caller gets, and how to build the request. ``{visible}`` and
``{hidden}`` in a path are replaced by a record the caller may and may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.incidents import report, seed_markings
from factories.users import CAST
from liptako.auth.models import User
from liptako.auth.releasability import Viewer, may_see
from liptako.web.routes import route_table

CALLERS = ["anon", *CAST]
REPORTERS = {"awa_mli_analyst", "amadou_mli_liaison", "ibrahim_bfa_liaison", "bfa_analyst",
             "moussa_ner_liaison", "ner_analyst", "sec"}


@dataclass
class Row:
    ok: int
    allowed: set[str] | None = None  # None: every authenticated caller
    anon: int = 401
    denied: int = 403
    body: Callable[[str], Any] | None = None
    form: Callable[[str], Any] | None = None
    hidden_check: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def expected(self, caller: str) -> int:
        if caller == "anon":
            return self.anon
        if self.allowed is not None and caller not in self.allowed:
            return self.denied
        return self.ok


def _new_user(caller: str) -> dict[str, Any]:
    return {"username": f"made_by_{caller}", "password": "long-enough-pass", "state": "NER",
            "roles": ["observer"]}


MATRIX: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/health"): Row(200, anon=200),
    ("GET", "/api/v1/openapi.json"): Row(200, anon=200),
    ("POST", "/api/v1/auth/token"): Row(
        200, anon=401, form=lambda c: {"username": c, "password": "correct horse battery staple"}),
    ("GET", "/api/v1/auth/me"): Row(200),
    ("POST", "/api/v1/auth/api-tokens"): Row(201, body=lambda c: {"name": f"bot-{c}"}),
    ("GET", "/api/v1/auth/api-tokens"): Row(200),
    ("DELETE", "/api/v1/auth/api-tokens/{token_id}"): Row(404, extra={"token_id": 999999}),
    ("GET", "/api/v1/users"): Row(200, allowed={"admin"}),
    ("POST", "/api/v1/users"): Row(201, allowed={"admin"}, body=_new_user),
    ("GET", "/api/v1/incidents"): Row(200),
    ("POST", "/api/v1/incidents"): Row(201, allowed=REPORTERS, body=lambda c: report()),
    ("GET", "/api/v1/incidents/{incident_id}"): Row(200, hidden_check=True),
    ("GET", "/api/v1/stats"): Row(200),
}


def _api_routes(app: FastAPI) -> set[tuple[str, str]]:
    return route_table(app)


def test_every_route_has_a_row(app: FastAPI) -> None:
    missing = _api_routes(app) - set(MATRIX)
    assert not missing, f"routes without an authorisation row: {sorted(missing)}"
    stale = set(MATRIX) - _api_routes(app)
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


def _pick(seeded: list[Any], user: User | None, visible: bool) -> int | None:
    if user is None:
        return seeded[0].id
    viewer = Viewer(user.id, user.state, tuple(user.roles))
    for incident in seeded:
        if may_see(viewer, incident.tlp, incident.originator, incident.audience) == visible:
            return int(incident.id)
    return None


@pytest.mark.parametrize("caller", CALLERS)
def test_matrix(caller: str, client: TestClient, auth, session: Session,  # type: ignore[no-untyped-def]
                cast: dict[str, User]) -> None:
    seeded = seed_markings(session)
    headers = {} if caller == "anon" else auth(caller)
    user = cast.get(caller)
    failures = []
    for (method, path), row in sorted(MATRIX.items()):
        params = dict(row.extra)
        if "{incident_id}" in path:
            params["incident_id"] = _pick(seeded, user, visible=True)
        url = path.format(**params)
        kwargs: dict[str, Any] = {"headers": headers}
        if row.body:
            kwargs["json"] = row.body(caller)
        if row.form:
            kwargs["data"] = row.form(caller)
        status = client.request(method, url, **kwargs).status_code
        if status != row.expected(caller):
            failures.append(f"{method} {url}: expected {row.expected(caller)}, got {status}")
        hidden = _pick(seeded, user, visible=False) if row.hidden_check and user else None
        if hidden is not None:
            url = path.format(**{**params, "incident_id": hidden})
            got = client.request(method, url, headers=headers)
            if got.status_code != 404 or str(hidden) not in got.text or "tlp" in got.text:
                failures.append(f"{method} {url} (hidden): expected a bare 404, got "
                                f"{got.status_code} {got.text[:80]}")
    assert not failures, "\n".join(failures)
