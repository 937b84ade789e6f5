"""The text a report was read from goes with it and is kept with the incident as its source:
through the report form (its hidden ``source_text``) and the API; over 20,000 characters it
is refused naming the field (issue 23, point 2)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.incidents import report
from helpers.web import Tokens, sign_in
from liptako.auth.models import User
from liptako.incidents.models import Incident

TEXT = ("Le 3 mars, des hommes armés du GSIM ont attaqué un poste des FDS près de Djibo : "
        "trois soldats ont été tués.")


def _form(client: TestClient, **fields: str) -> dict[str, str]:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/incidents/new").text)
    assert found is not None
    return {"csrf_token": found.group(1), "occurred_on": "2024-03-03", "lat": "14.1",
            "lon": "-1.63", "place_name": "Djibo", "event_type": "battle", "fatalities": "3",
            "description": "Attaque d'un poste des FDS.", "tlp": "AMBER", **fields}


def test_the_form_keeps_the_text_and_the_incident_page_shows_it(
        client: TestClient, cast: dict[str, User], session: Session) -> None:
    sign_in(client, "bfa_analyst")
    response = client.post("/incidents/new", data=_form(client, source_text=TEXT),
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    incident_id = int(response.headers["location"].split("/")[2].split("?")[0])
    assert session.get(Incident, incident_id).sources == TEXT  # type: ignore[union-attr]
    page = client.get(f"/incidents/{incident_id}").text
    found = re.search(r'<blockquote class="source-text" id="source-text">([^<]*)</blockquote>',
                      page)
    assert found is not None and html.unescape(found.group(1)) == TEXT
    assert "Texte d'origine" in html.unescape(page)


def test_a_report_without_a_text_shows_no_source_text(
        client: TestClient, cast: dict[str, User], session: Session) -> None:
    sign_in(client, "bfa_analyst")
    response = client.post("/incidents/new", data=_form(client), follow_redirects=False)
    assert response.status_code == 303, response.text
    incident_id = int(response.headers["location"].split("/")[2].split("?")[0])
    assert session.get(Incident, incident_id).sources is None  # type: ignore[union-attr]
    assert 'id="source-text"' not in client.get(f"/incidents/{incident_id}").text


def test_a_text_over_twenty_thousand_characters_is_refused_next_to_its_field(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "bfa_analyst")
    response = client.post("/incidents/new", data=_form(client, source_text="x" * 20_001),
                           follow_redirects=False)
    assert response.status_code == 422
    said = re.search(r'<p class="field-error" id="source_text-error">([^<]*)</p>',
                     response.text)
    assert said is not None
    assert "20 000" in html.unescape(said.group(1))  # the signed-in analyst reads French


def test_the_api_keeps_the_text_and_refuses_a_longer_one(client: TestClient,
                                                         auth: Tokens) -> None:
    created = client.post("/api/v1/incidents", headers=auth("ner_analyst"),
                          json=report(source_text=TEXT))
    assert created.status_code == 201, created.text
    assert created.json()["sources"] == TEXT
    refused = client.post("/api/v1/incidents", headers=auth("ner_analyst"),
                          json=report(source_text="x" * 20_001))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["source_text"]
