from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from liptako.core.config import Settings
from liptako.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from liptako.web.app import create_app


def test_health_reports_the_database(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_says_when_the_database_is_unreachable() -> None:
    bad = Settings(env="test", database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    with TestClient(create_app(bad)) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


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


def test_a_missing_table_is_a_fault_of_the_server_not_an_unavailable_database(
        tmp_path: Path) -> None:
    """SQLite says "no such table" with the same exception class as "database is locked":
    a missed migration or a bug is a 500 with its traceback, not a 503 asking to retry."""
    app = create_app(Settings(env="test", database_url=f"sqlite:///{tmp_path / 'x.db'}"))

    @app.get("/api/v1/boom/{kind}")
    def boom(kind: str) -> None:
        import sqlite3

        from sqlalchemy.exc import OperationalError

        message = {"missing": "no such table: incident", "locked": "database is locked"}[kind]
        raise OperationalError("SELECT 1", None, sqlite3.OperationalError(message))

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/api/v1/boom/missing").status_code == 500
        locked = client.get("/api/v1/boom/locked")
        assert locked.status_code == 503 and locked.headers["retry-after"]
