"""The OpenAPI document declares what the API answers (issue 17, point 7): the error body, the
error statuses of each route, the bearer token, the media type of answers that are not JSON;
and the framework's own refusals (404, 405) speak the same body, with an honest ``Allow``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

ERROR = {"$ref": "#/components/schemas/ErrorOut"}


def _operations(app: FastAPI) -> dict[str, dict[str, Any]]:
    doc = app.openapi()
    return {f"{method.upper()} {path}": op for path, ops in doc["paths"].items()
            for method, op in ops.items()}


def test_every_error_answer_is_declared_with_the_error_body(app: FastAPI) -> None:
    operations = _operations(app)
    public = {"GET /api/v1/health", "GET /api/v1/ready", "POST /api/v1/auth/token"}
    assert public < set(operations)
    for name, op in operations.items():
        errors = {status: answer for status, answer in op["responses"].items()
                  if status.startswith("4")}
        for status, answer in errors.items():
            assert answer["content"] == {"application/json": {"schema": ERROR}}, (name, status)
        if name not in public:
            assert op["security"] == [{"OAuth2PasswordBearer": []}], name
            assert {"401", "422"} <= set(errors), name
    assert "429" in operations["POST /api/v1/auth/token"]["responses"]
    assert "409" in operations["POST /api/v1/assistance-requests/{request_id}/votes"]["responses"]
    assert "403" in operations["POST /api/v1/incidents"]["responses"]
    assert "HTTPValidationError" not in app.openapi()["components"]["schemas"]


def test_the_error_body_is_the_one_the_api_sends(client: TestClient, app: FastAPI) -> None:
    schema = app.openapi()["components"]["schemas"]["ErrorOut"]
    assert set(schema["required"]) == {"code", "detail"}
    assert set(schema["properties"]) == {"code", "detail", "errors"}
    refused = client.post("/api/v1/incidents", content=b"{", headers={
        "Content-Type": "application/json"})
    assert set(refused.json()) == {"code", "detail"}


def test_answers_that_are_not_json_are_declared_with_their_media_type(app: FastAPI) -> None:
    operations = _operations(app)
    edxl = [op for name, op in operations.items() if name.endswith("/edxl-rm")]
    assert len(edxl) == 3
    for op in edxl:
        assert set(op["responses"]["200"]["content"]) == {"application/xml"}
    listing = operations["GET /api/v1/incidents"]["responses"]
    assert set(listing["200"]["content"]) == {"application/geo+json"}
    assert set(listing["422"]["content"]) == {"application/json"}


def test_the_frameworks_refusals_use_the_error_body_and_an_honest_allow(
        client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    unreadable = client.post("/api/v1/auth/token", content=b"username=a&password=b",
                             headers={"Content-Type": "multipart/form-data"})  # no boundary
    assert unreadable.status_code == 422
    assert unreadable.json()["errors"] == [{"field": "body",
                                            "message": "Missing boundary in multipart."}]
    for method, path, allow in (("OPTIONS", "/api/v1/users", "GET, POST"),
                                ("DELETE", "/api/v1/incidents", "GET, POST"),
                                ("PUT", "/api/v1/assistance-requests/5", "GET"),
                                ("GET", "/api/v1/assistance-requests/import-edxl-rm", "POST")):
        got = client.request(method, path)
        assert got.status_code == 405, (method, path)
        assert got.headers["allow"] == allow, (method, path)
        assert got.json()["code"] == "method_not_allowed"
