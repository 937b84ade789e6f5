"""Bad input never makes a server error (issue 17, point 7): a record number beyond the
database's integer range, in any path or filter of any route, is refused (422) or not found
(404) before it reaches the database."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from liptako.web.routes import route_table

HUGE = 2**40


def _url(path: str) -> str:
    return re.sub(r"\{(\w+_id|version)\}", str(HUGE), path)


def test_record_numbers_beyond_the_range_are_refused_on_every_route(
        app: FastAPI, auth) -> None:  # type: ignore[no-untyped-def]
    headers = auth("sec")
    crashed = []
    with TestClient(app, raise_server_exceptions=False) as client:
        for method, path in sorted(route_table(app)):
            if _url(path) == path:  # no record number in it
                continue
            got = client.request(method, _url(path), headers=headers, json={},
                                 follow_redirects=False)
            # refused for the caller's role (403) or the number itself (404, 422), never 5xx
            if got.status_code not in (303, 403, 404, 422):
                crashed.append(f"{method} {path}: {got.status_code}")
        for query in ("/api/v1/duties?incident_id=", "/api/v1/compliance-cases?incident_id=",
                      "/api/v1/reconciliation?incident_id="):
            got = client.get(f"{query}{HUGE}", headers=headers)
            if got.status_code != 422:
                crashed.append(f"GET {query}: {got.status_code}")
    assert crashed == []


def test_control_characters_in_json_strings_are_refused_naming_the_field(
        client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    from factories.incidents import report

    headers = auth("bfa_analyst")
    for body, field in ((report(description="Armed men\x00 attacked"), "description"),
                        (report(perpetrator={"kind": "unknown", "actor": "JN\x07IM"}),
                         "perpetrator.actor"),
                        (report(audience=["NER", "B\x1bFA"]), "audience.1")):
        got = client.post("/api/v1/incidents", json=body, headers=headers)
        assert got.status_code == 422, got.text
        assert got.json()["errors"][0]["field"] == field
    fine = report(description="Line one,\n\tline two.\r\n")
    assert client.post("/api/v1/incidents", json=fine, headers=headers).status_code == 201


def test_lone_surrogates_and_non_characters_are_refused_too(
        client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    headers = {**auth("bfa_analyst"), "content-type": "application/json"}
    for escape in ("\\ud800", "\\uffff"):  # JSON escapes: valid JSON, no text XML allows
        raw = '{"occurred_on": "2024-05-11", "description": "x' + escape + 'y"}'
        got = client.post("/api/v1/incidents", content=raw, headers=headers)
        assert got.status_code == 422, got.text
        assert got.json()["errors"][0]["field"] == "description"


def test_control_characters_in_forms_are_refused(
        client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    from helpers.web import sign_in

    sign_in(client, "amadou_mli_liaison")
    got = client.post("/assistance/new", data={"title": "Air\x00support", "csrf_token": "x"})
    # a page's form: the error page says what is wrong (tests/web/pages/test_errors.py)
    assert got.status_code == 422 and "text/html" in got.headers["content-type"]
    fine = client.post("/assistance/new", data={"title": "Line\r\nbreak", "csrf_token": "x"})
    assert fine.status_code == 403  # reaches the page, which checks the form's token


def test_the_control_character_check_names_paths_as_the_api_does() -> None:
    from liptako.web.deps import control_field

    assert control_field({"a": [{"b": "ok"}, {"c": "x\x00"}]}) == "a.1.c"
    assert control_field({"bad\x01key": 1}) == "bad\x01key"
    assert control_field("\x7f") == "body"
    assert control_field(["ok", "\udfff"]) == "1"
    assert control_field({"a": "tab\tnewline\n", "n": 1, "z": None}) is None
