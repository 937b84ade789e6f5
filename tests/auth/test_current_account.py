"""Every request sees the account as it is now: no process remembers a caller.

A user disabled, demoted, or whose machine token is revoked is refused on the very next
request, on the busiest routes (the map's list and reports) as on every other.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.incidents import report
from liptako.auth.models import User


def test_a_disabled_user_is_refused_at_once(client: TestClient, auth, session: Session,  # type: ignore[no-untyped-def]
                                            cast: dict[str, User]) -> None:
    headers = auth("bfa_analyst")
    assert client.get("/api/v1/incidents?limit=5", headers=headers).status_code == 200
    assert client.post("/api/v1/incidents", json=report(), headers=headers).status_code == 201
    cast["bfa_analyst"].is_active = False
    session.flush()
    assert client.get("/api/v1/incidents?limit=5", headers=headers).status_code == 401
    assert client.post("/api/v1/incidents", json=report(), headers=headers).status_code == 401


def test_a_role_taken_away_counts_at_once(client: TestClient, auth, session: Session,  # type: ignore[no-untyped-def]
                                          cast: dict[str, User]) -> None:
    headers = auth("ner_analyst")
    assert client.post("/api/v1/incidents", json=report(), headers=headers).status_code == 201
    cast["ner_analyst"].roles = ["observer"]
    session.flush()
    assert client.post("/api/v1/incidents", json=report(), headers=headers).status_code == 403


def test_a_revoked_machine_token_is_refused_at_once(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    made = client.post("/api/v1/auth/api-tokens", json={"name": "feed"},
                       headers=auth("awa_mli_analyst")).json()
    machine = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/api/v1/incidents?limit=5", headers=machine).status_code == 200
    assert client.post("/api/v1/incidents", json=report(), headers=machine).status_code == 201
    assert client.delete(f"/api/v1/auth/api-tokens/{made['id']}",
                         headers=auth("awa_mli_analyst")).status_code == 204
    assert client.get("/api/v1/incidents?limit=5", headers=machine).status_code == 401
    assert client.post("/api/v1/incidents", json=report(), headers=machine).status_code == 401
