"""A request's transaction commits before its response is sent.

So a client told 201 finds its record at once, and a commit that fails is an error response,
never a success: the chain's head is held by another transaction here, so the commit of the
request (which seals its audit entry) cannot finish.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from factories.auth import PASSWORD, seed_cast
from factories.incidents import report
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory
from liptako.web.app import create_app


def test_a_failed_commit_is_not_reported_as_success(fresh_database_url: str) -> None:
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("on SQLite a second writer waits at BEGIN, before any work is done")
    engine = make_engine(fresh_database_url)
    with make_session_factory(engine)() as session:
        seed_cast(session)
        session.commit()
    settings = Settings(env="test", database_url=fresh_database_url, secret_key="t" * 40)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        token = client.post("/api/v1/auth/token", data={"username": "admin",
                                                        "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        with engine.connect() as holder:  # holds the chain's head past the 5 s lock timeout
            holder.execute(text("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE"))
            response = client.post("/api/v1/auth/api-tokens", json={"name": "bot"},
                                   headers=headers)
            holder.rollback()
        assert response.status_code >= 500, response.text
        listed = client.get("/api/v1/auth/api-tokens", headers=headers).json()
        assert [t["name"] for t in listed] == []
    engine.dispose()


def test_a_recorded_refusal_is_committed_and_nothing_else(fresh_database_url: str) -> None:
    """A refusal the audit records (core.errors.Refused) outlives the 403; a refusal by a
    role check records nothing, and neither keeps a half-done change."""
    engine = make_engine(fresh_database_url)
    with make_session_factory(engine)() as session:
        seed_cast(session)
        session.commit()
    settings = Settings(env="test", database_url=fresh_database_url, secret_key="t" * 40)
    with TestClient(create_app(settings)) as client:
        token = client.post("/api/v1/auth/token", data={"username": "bfa_analyst",
                                                        "password": PASSWORD}).json()
        analyst = {"Authorization": f"Bearer {token['access_token']}"}
        incident = client.post("/api/v1/incidents", headers=analyst, json=report(
            location={"lat": 13.51, "lon": 2.11}, target={"kind": "state_forces",
                                                          "party": "NER"})).json()
        assert incident["iso3"] == "NER"
        refused = client.post(f"/api/v1/incidents/{incident['id']}/classifications",
                              headers=analyst, json={"question": "attack_on_sovereignty",
                                                     "value": True, "evidence": "claimed",
                                                     "rationale": "army post"})
        assert refused.status_code == 403, refused.text
    with engine.connect() as conn:
        actions = conn.execute(text(
            "SELECT action FROM audit_entry WHERE target_id = :id ORDER BY seq"),
            {"id": str(incident["id"])}).scalars().all()
        decisions = conn.execute(text("SELECT count(*) FROM classification_decision")).scalar()
    assert actions[-1] == "classification.refused" and decisions == 0
    engine.dispose()
