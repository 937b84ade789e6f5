"""The intelligence exchange over HTTP: the bundle a caller may see, a partner's bundle
imported, and the page that does both, in French and English."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from stix2validator import ValidationOptions, validate_instance

from factories.incidents import report
from helpers.web import sign_in
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.incidents.schemas import IncidentIn
from liptako.intel.stix import MEDIA_TYPE_STIX, stix_id
from liptako.obligations.recording import record_report

API = "/api/v1/stix/bundle"
GSIM = {"type": "threat-actor", "spec_version": "2.1",
        "id": "threat-actor--2b6a1c9e-3f4d-4a5b-8c7d-9e0f1a2b3c4d",
        "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
        "name": "GSIM"}


def bundle(*objects: dict[str, Any]) -> dict[str, Any]:
    return {"type": "bundle", "id": "bundle--0f4a5b2e-8c1d-4e7f-9a3b-5c6d7e8f9a0b",
            "objects": list(objects)}


def red_report(session: Session) -> None:
    payload = IncidentIn.model_validate(report(
        tlp="RED", audience=[], location={"lat": 16.27, "lon": -0.04},
        perpetrator={"kind": "non_state_armed_group", "group_type": "jihadist",
                     "actor": "is_sahel"}))
    record_report(session, payload, actor=Actor(None, "seed", "MLI"), state="MLI",
                  pact_ids=(), now=dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))


def test_the_bundle_is_stix_the_caller_may_see_and_the_same_twice(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    red_report(session)
    got = client.get(API, headers=auth("awa_mli_analyst"))
    assert got.status_code == 200 and got.headers["content-type"] == MEDIA_TYPE_STIX
    assert validate_instance(got.json(), ValidationOptions(version="2.1")).is_valid
    assert client.get(API, headers=auth("awa_mli_analyst")).content == got.content
    sightings = [o for o in got.json()["objects"] if o["type"] == "sighting"]
    assert [s["sighting_of_ref"] for s in sightings] == [stix_id("threat-actor", "is_sahel")]
    other = client.get(API, headers={**auth("ner_analyst"), "accept": "application/json"})
    assert other.headers["content-type"] == "application/json"
    assert not [o for o in other.json()["objects"] if o["type"] == "sighting"]
    one = client.get(API, params={"actor": "is_sahel"}, headers=auth("awa_mli_analyst")).json()
    assert {o["type"] for o in one["objects"]} >= {"threat-actor", "sighting", "location"}
    assert client.get(API, params={"actor": "nobody"},
                      headers=auth("awa_mli_analyst")).status_code == 404


def test_a_partners_bundle_is_imported_and_an_invalid_one_refused_naming_the_object(
        client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    headers = auth("moussa_ner_liaison")
    done = client.post(API, json=bundle(GSIM), headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["actors"] == {GSIM["id"]: "jnim"}
    assert done.json()["stored"][0]["tlp"] == "AMBER"
    again = client.post(API, json=bundle(GSIM), headers=headers).json()
    assert again["stored"] == [] and again["duplicates"] == [
        {"id": GSIM["id"], "version": "2026-11-01T00:00:00.000000Z"}]
    nameless = {k: v for k, v in GSIM.items() if k != "name"}
    refused = client.post(API, json=bundle(nameless), headers=headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_bundle"
    assert refused.json()["errors"] == [{"field": GSIM["id"],
                                         "message": "'name' is a required property"}]


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found is not None
    return found.group(1)


def test_the_page_downloads_and_uploads_in_both_languages(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "awa_mli_analyst")
    page = client.get("/intel?lang=en")
    assert "Intelligence exchange" in page.text and 'href="/intel"' in page.text
    assert "Échange de renseignement" in client.get("/intel?lang=fr").text
    # the TAXII collections this reader may read: the community's and Mali's, not Niger's
    assert "http://testserver/taxii2/" in page.text
    assert "<code>aes</code>" in page.text and "<code>mli</code>: released to Mali" in page.text
    assert "<code>ner</code>" not in page.text
    file = client.get("/intel/bundle", params={"actor": "jnim"})
    assert file.headers["content-disposition"] == 'attachment; filename="liptako-stix-jnim.json"'
    csrf = _csrf(client.get("/intel?lang=en").text)
    upload = {"bundle": ("partner.json", json.dumps(bundle(GSIM)), "application/json")}
    done = client.post("/intel?lang=en", data={"csrf_token": csrf}, files=upload)
    assert done.status_code == 200 and "Stored: 1; already stored: 0; refused: 0." in done.text
    assert f"{GSIM['id']} → Jama&#39;at Nusrat al-Islam wal-Muslimin (JNIM)" in done.text
    bad = {"bundle": ("partner.json", json.dumps(bundle({**GSIM, "id": "threat-actor--x"})),
                      "application/json")}
    refused = client.post("/intel?lang=en", data={"csrf_token": csrf}, files=bad)
    assert refused.status_code == 422 and "threat-actor--x" in refused.text
    assert "Nothing was stored" in refused.text
    garbled = client.post("/intel?lang=en", data={"csrf_token": csrf},
                          files={"bundle": ("partner.json", "{not json", "application/json")})
    assert garbled.status_code == 422 and "The file is not JSON" in garbled.text


def test_observers_read_but_are_not_offered_the_upload(client: TestClient,
                                                       cast: dict[str, User]) -> None:
    sign_in(client, "mli_observer")
    page = client.get("/intel?lang=en")
    assert page.status_code == 200 and 'type="file"' not in page.text


def test_since_takes_a_time_with_its_offset_only(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    headers = auth("awa_mli_analyst")
    later = client.get(API, params={"since": "2999-01-01T00:00:00Z"}, headers=headers)
    assert later.status_code == 200 and later.json()["objects"] == []
    for wrong in ("0.5", "2026-12-01"):
        assert client.get(API, params={"since": wrong}, headers=headers).status_code == 422
