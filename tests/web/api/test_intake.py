"""POST /api/v1/intake/extract: a report's text read into the draft incident, for the roles
that report incidents; bad input refused naming the field (issue 23, point 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from helpers.web import Tokens
from liptako.intake.service import MAX_TEXT, extract

URL = "/api/v1/intake/extract"
NENI = ("On July 31, suspected Katiba Macina militants shot dead two members of the Dogon "
        "community near Neni")
FRENCH = ("Le 3 mars, des hommes armés du GSIM ont attaqué un poste des FDS près de Djibo : "
          "trois soldats ont été tués et deux civils blessés.")


def test_an_english_text_gives_its_draft(client: TestClient, auth: Tokens) -> None:
    response = client.post(URL, headers=auth("awa_mli_analyst"),
                           json={"text": NENI, "reported_on": "2019-08-01"})
    assert response.status_code == 200, response.text
    draft = response.json()
    # the route answers the domain's draft, as `liptako intake extract --format json` prints it
    assert draft == extract(NENI, reported_on=dt.date(2019, 8, 1)).model_dump(mode="json")
    assert (draft["lang"], draft["reported_on"]) == ("en", "2019-08-01")
    assert draft["date"]["value"] == "2019-07-31"
    assert draft["event_type"]["value"] == "violence_against_civilians"
    assert draft["fatalities"]["value"] == 2
    assert draft["place"]["value"]["matched"] == "Neni"
    assert draft["perpetrator"]["value"][0]["id"] == "jnim.macina"
    for name in ("date", "place", "event_type", "fatalities", "perpetrator", "target"):
        assert 0 <= draft[name]["confidence"] <= 1


def test_a_french_text_gives_its_draft(client: TestClient, auth: Tokens) -> None:
    response = client.post(URL, headers=auth("ibrahim_bfa_liaison"),
                           json={"text": FRENCH, "reported_on": "2020-03-05", "lang": "fr"})
    assert response.status_code == 200, response.text
    draft = response.json()
    assert draft["lang"] == "fr"
    assert draft["date"]["value"] == "2020-03-03"
    assert draft["fatalities"]["value"] == 3
    assert draft["place"]["value"]["iso3"] == "BFA"
    assert "jnim" in {a["id"] for a in draft["perpetrator"]["value"]}


def test_the_report_date_defaults_to_today(client: TestClient, auth: Tokens) -> None:
    draft = client.post(URL, headers=auth("sec"), json={"text": NENI}).json()
    assert draft["reported_on"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert draft["lang"] == "en"  # guessed


@pytest.mark.parametrize(("body", "field"), [
    ({"text": ""}, "text"),
    ({"text": "   \n"}, "text"),
    ({}, "text"),
    ({"text": 5}, "text"),
    ({"text": "x" * (MAX_TEXT + 1)}, "text"),
    ({"text": NENI, "lang": "de"}, "lang"),
    ({"text": NENI, "reported_on": "31/07/2019"}, "reported_on"),
    ({"text": NENI, "source": "press"}, "source"),
])
def test_bad_input_is_refused_naming_the_field(client: TestClient, auth: Tokens,
                                               body: dict[str, object], field: str) -> None:
    response = client.post(URL, headers=auth("ner_analyst"), json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(f"{field}:") or field in {
        e["field"] for e in response.json().get("errors", [])}


def test_only_the_roles_that_report_incidents_may_read_a_text(client: TestClient,
                                                              auth: Tokens) -> None:
    assert client.post(URL, json={"text": NENI}).status_code == 401
    assert client.post(URL, headers=auth("mli_observer"), json={"text": NENI}).status_code == 403
    assert client.post(URL, headers=auth("admin"), json={"text": NENI}).status_code == 403
    assert client.post(URL, headers=auth("moussa_ner_liaison"),
                       json={"text": NENI}).status_code == 200
