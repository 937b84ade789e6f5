"""Errors on pages are the site's error page (issue 18, point 5): with the navigation bar of
the visitor, in their language, with the error's status; the API keeps its JSON body."""

from __future__ import annotations

import html
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers.web import sign_in
from liptako.auth.models import User

NAV = 'aria-label="Principal"'  # the signed-in navigation bar, in French


def _text(got: Any) -> str:
    return html.unescape(got.text)


def test_no_such_page_is_a_page_with_the_signed_in_bar(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "amadou_mli_liaison")
    got = client.get("/nothing-here")
    assert got.status_code == 404
    assert got.headers["content-type"].startswith("text/html")
    assert "Il n'y a pas de page à cette adresse." in _text(got)
    assert NAV in _text(got) and "amadou_mli_liaison (MLI)" in _text(got)
    assert 'href="/assistance"' in _text(got)


def test_a_visitor_not_signed_in_gets_the_page_without_the_bar(client: TestClient) -> None:
    got = client.get("/nothing-here", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert got.status_code == 404
    assert "There is no page at this address." in _text(got)
    assert "<nav" not in _text(got) and 'href="/login"' not in _text(got)


def test_the_error_page_speaks_the_accounts_language(
        client: TestClient, cast: dict[str, User], session: Session) -> None:
    sign_in(client, "amadou_mli_liaison")
    cast["amadou_mli_liaison"].locale = "en"
    session.flush()
    got = client.get("/nothing-here", headers={"Accept-Language": "fr"})
    assert "There is no page at this address." in _text(got)
    assert 'aria-label="Main"' in _text(got)


def test_a_path_that_is_not_a_record_number_is_a_422_page(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "bfa_analyst")
    for path in ("/incidents/abc", "/assistance/0", "/incidents/99999999999"):
        got = client.get(path)
        assert got.status_code == 422, path
        assert got.headers["content-type"].startswith("text/html"), path
        assert NAV in _text(got), path
    assert "« abc » n'est pas un numéro d'enregistrement" in _text(client.get("/incidents/abc"))


def test_a_method_the_page_does_not_take_is_a_405_page_with_its_allow(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "amadou_mli_liaison")
    got = client.get("/assistance/5/act")
    assert got.status_code == 405
    assert got.headers["allow"] == "POST"
    assert NAV in _text(got) and "Pas possible ainsi" in _text(got)


def test_a_record_not_found_is_a_page_with_the_bar(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "amadou_mli_liaison")
    got = client.get("/assistance/2000000000")
    assert got.status_code == 404
    assert NAV in _text(got)
    assert "Cet enregistrement n'existe pas ou ne vous est pas diffusable." in _text(got)


def test_a_control_character_in_a_page_form_is_a_422_page(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "amadou_mli_liaison")
    got = client.post("/assistance/new", data={"title": "Air\x00support", "csrf_token": "x"})
    assert got.status_code == 422
    assert "caractère de contrôle" in _text(got) and NAV in _text(got)


def test_the_api_keeps_its_json_body(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    headers = auth("sec")
    invalid = client.get("/api/v1/incidents/abc", headers=headers)
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "incident_id"
    wrong = client.put("/api/v1/incidents", headers=headers)
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"
    asset = client.get("/static/app/nothing.css")
    assert asset.status_code == 404 and asset.json()["code"] == "not_found"
