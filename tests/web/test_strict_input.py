"""The API refuses what its OpenAPI document calls invalid (issue 17, point 7; schemathesis's
negative_data_rejection and unsupported_method checks found each of these accepted): no value
of another JSON type taken for the declared one, dates and times as text only, filter values
from their vocabulary, no record number where a literal path is meant."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.assistance import attacked, request_body
from factories.incidents import report
from liptako.auth.models import User


def _fields(got) -> list[str]:  # type: ignore[no-untyped-def]
    assert got.status_code == 422, got.text
    return [e["field"] for e in got.json()["errors"]]


def test_a_report_with_a_value_of_another_type_is_refused_naming_the_field(
        client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    headers = auth("bfa_analyst")
    for change, field in (({"fatalities": False}, "fatalities"),
                          ({"fatalities": "12"}, "fatalities"),
                          ({"host_permitted": 0}, "host_permitted"),
                          ({"location": {"lat": False, "lon": -1.63}}, "location.lat"),
                          ({"target": {"kind": "civilians", "outside_alliance_area": 1}},
                           "target.outside_alliance_area"),
                          ({"occurred_on": 0}, "occurred_on"),
                          ({"occurred_on": "1715385600"}, "occurred_on"),
                          ({"occurred_on": "2024-05-11T00:00:00"}, "occurred_on")):
        got = client.post("/api/v1/incidents", json=report(**change), headers=headers)
        assert _fields(got) == [field], change
    fine = report(fatalities=12, location={"lat": 14, "lon": -1.63}, host_permitted=False)
    assert client.post("/api/v1/incidents", json=fine, headers=headers).status_code == 201


def test_a_request_for_assistance_takes_times_as_text_and_numbers_as_numbers(
        client: TestClient, auth, session: Session,  # type: ignore[no-untyped-def]
        cast: dict[str, User]) -> None:
    headers = auth("amadou_mli_liaison")
    incident = attacked(session, "MLI", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    now = dt.datetime.now(dt.UTC)
    good = request_body([incident.id], deadline=now + dt.timedelta(days=2))
    for change, field in (({"deadline_at": int(now.timestamp()) + 86_400}, "deadline_at"),
                          ({"deadline_at": (now + dt.timedelta(days=2)).date().isoformat()},
                           "deadline_at"),
                          ({"incident_ids": [True]}, "incident_ids.0"),
                          ({"items": [{**good["items"][0], "quantity": "12"}]},
                           "items.0.quantity")):
        got = client.post("/api/v1/assistance-requests", json={**good, **change},
                          headers=headers)
        assert _fields(got) == [field], change
    assert client.post("/api/v1/assistance-requests", json=good,
                       headers=headers).status_code == 201


def test_filters_take_their_own_vocabulary(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    headers = auth("sec")
    for query, field in (("to=0", "to"), ("from=2024-01-01T00:00:00", "from"),
                         ("source=wge", "source.0"), ("tlp=PURPLE", "tlp.0"),
                         ("event_type=picnic", "event_type.0"), ("country=B", "country.0"),
                         ("actor=JN%20IM", "actor"), ("cursor=%2F%2F", "cursor"),
                         ("bbox=nan,nan,nan,nan", "bbox"), ("bbox=1e3,0,2,1", "bbox")):
        assert _fields(client.get(f"/api/v1/incidents?{query}", headers=headers)) == [field]
    for query in ("to=2024-12-31", "source=national,acled", "tlp=amber&tlp=RED",
                  "bbox=-5.5,9.4,4.2,17.5",
                  "country=bfa, ner", "event_type=battle", "actor=jnim.katiba_macina"):
        got = client.get(f"/api/v1/incidents?{query}", headers=headers)
        assert got.status_code == 200, (query, got.text)
    assert _fields(client.get("/api/v1/stats?from=0", headers=headers)) == ["from"]


def test_a_literal_path_is_not_taken_for_a_record_number(
        client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    headers = auth("amadou_mli_liaison")
    got = client.get("/api/v1/assistance-requests/import-edxl-rm", headers=headers)
    assert got.status_code == 405 and got.headers["allow"] == "POST"
    assert client.get("/api/v1/assistance-requests/abc", headers=headers).status_code == 404
