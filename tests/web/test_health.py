from fastapi import FastAPI
from fastapi.testclient import TestClient

from liptako.core.config import Settings
from liptako.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from liptako.web.app import create_app


def test_health_says_the_process_answers(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_stays_up_when_the_database_is_unreachable() -> None:
    """Liveness: a database outage must not make a supervisor restart the servers
    (readiness says it, see test_observe)."""
    bad = Settings(env="test", database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    with TestClient(create_app(bad)) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 200


def test_openapi_document_is_served(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/health" in doc["paths"]


def test_domain_errors_map_to_status_and_json(settings: Settings) -> None:
    app: FastAPI = create_app(settings)
    errors = {"nf": NotFound("incident 7"), "cf": Conflict("already voted"),
              "rv": RuleViolation("fatalities: expected >= 0"), "pd": PermissionDenied("no")}

    @app.get("/api/v1/boom/{kind}")
    def boom(kind: str) -> None:
        raise errors[kind]

    with TestClient(app) as client:
        got = {k: client.get(f"/api/v1/boom/{k}") for k in errors}
    assert {k: r.status_code for k, r in got.items()} == {"nf": 404, "cf": 409, "rv": 422,
                                                         "pd": 403}
    assert got["cf"].json() == {"code": "conflict", "detail": "already voted"}
