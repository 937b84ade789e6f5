import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.auth import PASSWORD
from liptako.audit.models import AuditEntry
from liptako.audit.service import SYSTEM
from liptako.auth import service as users
from liptako.auth import tokens
from liptako.auth.models import ApiToken, User
from liptako.auth.passwords import NO_PASSWORD
from liptako.core.config import Settings


def test_password_flow_gives_a_bearer_token(client: TestClient, cast: dict[str, User]) -> None:
    response = client.post("/api/v1/auth/token",
                           data={"username": "awa_mli_analyst", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["access_token"]
    me = client.get("/api/v1/auth/me",
                    headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["state"] == "MLI" and me.json()["roles"] == ["analyst"]


def test_wrong_credentials_are_401_and_audited(client: TestClient, cast: dict[str, User],
                                               session: Session) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "awa_mli_analyst",
                                                       "password": "nope-nope-nope"})
    assert response.status_code == 401
    assert client.get("/api/v1/auth/me").status_code == 401
    actions = session.scalars(select(AuditEntry.action)).all()
    assert "auth.login_failed" in actions


def test_an_account_without_a_password_logs_in_once_given_one(
        client: TestClient, session: Session) -> None:
    now = dt.datetime.now(dt.UTC)
    user = users.create_user(session, username="exercise-ner-liaison", password=None,
                             state="NER", roles=["liaison"], actor=SYSTEM, now=now)
    assert user.password_hash == NO_PASSWORD
    for guess in (NO_PASSWORD, PASSWORD):
        refused = client.post("/api/v1/auth/token",
                              data={"username": "exercise-ner-liaison", "password": guess})
        assert refused.status_code == 401, guess
    users.set_password(session, user=user, password=PASSWORD, actor=SYSTEM, now=now)
    given = client.post("/api/v1/auth/token",
                        data={"username": "exercise-ner-liaison", "password": PASSWORD})
    assert given.status_code == 200


def test_failed_logins_are_rate_limited(client: TestClient, cast: dict[str, User],
                                        settings: Settings) -> None:
    for _ in range(settings.login_max_failures):
        assert client.post("/api/v1/auth/token", data={"username": "sec", "password": "x"}
                           ).status_code == 401
    blocked = client.post("/api/v1/auth/token", data={"username": "sec", "password": PASSWORD})
    assert blocked.status_code == 429
    other = client.post("/api/v1/auth/token",
                        data={"username": "ner_analyst", "password": PASSWORD})
    assert other.status_code == 429  # same address


def test_expired_and_forged_tokens_are_refused(cast: dict[str, User], client: TestClient,
                                               settings: Settings) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    old = tokens.issue_access_token(cast["sec"], secret=settings.secret_key, minutes=30,
                                    now=past)
    forged = tokens.issue_access_token(cast["sec"], secret="another-secret" * 3, minutes=30,
                                       now=dt.datetime.now(dt.UTC))
    for token in (old, forged, "garbage"):
        response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"


def test_api_tokens_are_hashed_and_revocable(client: TestClient, auth, session: Session
                                             ) -> None:  # type: ignore[no-untyped-def]
    created = client.post("/api/v1/auth/api-tokens", json={"name": "ingest-bot"},
                          headers=auth("awa_mli_analyst"))
    assert created.status_code == 201
    clear = created.json()["token"]
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert clear not in stored and all(len(h) == 64 for h in stored)
    machine = {"Authorization": f"Bearer {clear}"}
    assert client.get("/api/v1/auth/me", headers=machine).json()["username"] == "awa_mli_analyst"
    listed = client.get("/api/v1/auth/api-tokens", headers=auth("awa_mli_analyst")).json()
    assert [t["name"] for t in listed] == ["ingest-bot"] and "token" not in listed[0]
    other = client.delete(f"/api/v1/auth/api-tokens/{created.json()['id']}",
                          headers=auth("bfa_analyst"))
    assert other.status_code == 404
    revoked = client.delete(f"/api/v1/auth/api-tokens/{created.json()['id']}",
                            headers=auth("awa_mli_analyst"))
    assert revoked.status_code == 204
    assert client.get("/api/v1/auth/me", headers=machine).status_code == 401


def test_only_admins_manage_users(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    body = {"username": "new_one", "password": "long-enough-pass", "state": "NER",
            "roles": ["analyst"]}
    assert client.post("/api/v1/users", json=body, headers=auth("sec")).status_code == 403
    created = client.post("/api/v1/users", json=body, headers=auth("admin"))
    assert created.status_code == 201 and created.json()["state"] == "NER"
    bad = client.post("/api/v1/users", json={**body, "username": "x2", "state": "FRA"},
                      headers=auth("admin"))
    assert bad.status_code == 422 and "state" in bad.json()["detail"]


def test_security_headers_and_body_limit(client: TestClient, settings: Settings) -> None:
    response = client.get("/api/v1/health")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    big = client.post("/api/v1/auth/token", content=b"x" * (settings.max_body_bytes + 1),
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413
