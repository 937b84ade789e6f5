"""Authentication comes before the body (issue 17, point 7): a caller without valid credentials
hears 401 whatever the body holds; a signed-in caller hears what is wrong with the body.

FastAPI reads a JSON body before it runs a route's dependencies, so a body that is not JSON
would otherwise be refused (422) before the caller is authenticated."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.incidents import report
from helpers.web import sign_in
from liptako.auth.models import User

ROUTE = "/api/v1/incidents"
JSON = {"Content-Type": "application/json"}
NOT_JSON = b'{"description": "Armed men attacked'
NOT_UTF8 = b'{"description": "\xff\xfe"}'


def _assert_401(got) -> None:  # type: ignore[no-untyped-def]
    assert got.status_code == 401, got.text
    assert got.headers["www-authenticate"] == "Bearer"
    assert got.json()["code"] == "unauthenticated"


def test_a_bad_token_and_a_body_that_is_not_json_is_401(client: TestClient) -> None:
    for body in (NOT_JSON, NOT_UTF8):
        _assert_401(client.post(ROUTE, content=body,
                                headers={**JSON, "Authorization": "Bearer nonsense"}))
        _assert_401(client.post(ROUTE, content=body, headers=JSON))  # no credentials at all


def test_a_bad_token_and_an_invalid_json_object_is_401(client: TestClient) -> None:
    bad = {"Authorization": "Bearer nonsense"}
    _assert_401(client.post(ROUTE, json={"fatalities": "many", "unknown": 1}, headers=bad))
    _assert_401(client.post(ROUTE, json=[1, 2], headers=bad))
    # a control character is refused naming the field, but only to a caller who is signed in
    _assert_401(client.post(ROUTE, json=report(description="Armed\x00men"), headers=bad))


def test_a_disabled_account_and_a_body_that_is_not_json_is_401(
        client: TestClient, auth, cast: dict[str, User],  # type: ignore[no-untyped-def]
        session: Session) -> None:
    headers = {**auth("bfa_analyst"), **JSON}
    cast["bfa_analyst"].is_active = False  # the token is well signed; its account is not
    session.flush()
    _assert_401(client.post(ROUTE, content=NOT_JSON, headers=headers))


def test_a_signed_in_caller_hears_what_is_wrong_with_the_body(
        client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    headers = auth("bfa_analyst")
    for body in (NOT_JSON, NOT_UTF8):
        got = client.post(ROUTE, content=body, headers={**headers, **JSON})
        assert got.status_code == 422, got.text
        assert got.json()["code"] == "invalid"
        assert got.json()["errors"][0]["field"] == "body"
    got = client.post(ROUTE, json=report(fatalities=-1), headers=headers)
    assert got.status_code == 422
    assert [e["field"] for e in got.json()["errors"]] == ["fatalities"]
    got = client.post(ROUTE, json=report(description="Armed\x00men"), headers=headers)
    assert got.status_code == 422
    assert [e["field"] for e in got.json()["errors"]] == ["description"]


def test_a_session_cookie_without_its_csrf_header_is_403_before_the_body(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "bfa_analyst")
    got = client.post(ROUTE, content=NOT_JSON, headers=JSON)
    assert got.status_code == 403 and "csrf" in got.json()["detail"]


def test_public_routes_answer_as_before(client: TestClient) -> None:
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    token = client.post("/api/v1/auth/token", content=NOT_JSON, headers=JSON)
    assert token.status_code == 422
    assert {e["field"] for e in token.json()["errors"]} == {"username", "password"}
