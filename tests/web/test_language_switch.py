"""The language switch comes back to the page it was used on, its query included (a page's
filters survive it), but never to a ``lang`` that would undo the switch (issue 18, point 7)."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from helpers.web import sign_in
from liptako.auth.models import User


def _next(html: str) -> str:
    form = re.search(r'<form method="post" action="/language".*?</form>', html, re.S)
    assert form is not None
    value = re.search(r'name="next" value="([^"]*)"', form.group(0))
    assert value is not None
    return unescape(value.group(1))


def test_the_switch_keeps_the_page_query(client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "sec")
    page = client.get("/reconciliation", params=[("state", "NER"), ("lang", "en")])
    assert _next(page.text) == "/reconciliation?state=NER"
    page = client.get("/", params=[("country", "MLI"), ("country", "NER"), ("q", "Ségou")])
    assert _next(page.text) == "/?country=MLI&country=NER&q=S%C3%A9gou"
    assert _next(client.get("/assistance").text) == "/assistance"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    switched = client.post("/language", data={"locale": "en", "csrf_token": csrf.group(1),
                                              "next": _next(page.text)},
                           follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/?country=MLI&country=NER&q=S%C3%A9gou"
    assert '<html lang="en">' in client.get(switched.headers["location"]).text
