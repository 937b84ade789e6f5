from fastapi.testclient import TestClient

from factories.incidents import report


def _create(client: TestClient, auth, **overrides: object) -> dict:  # type: ignore[no-untyped-def,type-arg]
    response = client.post("/api/v1/incidents", json=report(**overrides),
                           headers=auth("bfa_analyst"))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_new_report_carries_its_determinations(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    body = _create(client, auth)
    [aes] = body["determinations"]
    assert aes["pact"] == "aes-2023" and aes["territory"] == "BFA"
    statuses = {p["article"]: p["status"] for p in aes["provisions"]}
    assert statuses == {"4": "engaged", "5": "not_engaged", "6": "undetermined",
                        "7": "not_engaged", "8": "not_engaged"}
    art6 = next(p for p in aes["provisions"] if p["article"] == "6")
    assert art6["missing"] == ["classification.attack_on_sovereignty"]
    assert any("6" in reason for reason in art6["reasons"])


def test_classification_by_an_analyst_opens_duties_once_confirmed(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    incident = _create(client, auth)
    decision = {"question": "attack_on_sovereignty", "value": True,
                "evidence": "Claim by JNIM media", "rationale": "Army post overrun"}
    for name in ("mli_observer", "ibrahim_bfa_liaison", "admin"):
        denied = client.post(f"/api/v1/incidents/{incident['id']}/classifications",
                             json=decision, headers=auth(name))
        assert denied.status_code == 403, name
    made = client.post(f"/api/v1/incidents/{incident['id']}/classifications", json=decision,
                       headers=auth("bfa_analyst"))
    assert made.status_code == 201 and made.json()["decided_by_state"] == "BFA"
    assert made.json()["status"] == "pending"  # it opens duties: the secretariat confirms
    confirmed = client.post(f"/api/v1/classifications/{made.json()['id']}/confirm", json={},
                            headers=auth("sec"))
    assert confirmed.status_code == 200, confirmed.text
    after = client.get(f"/api/v1/incidents/{incident['id']}", headers=auth("sec")).json()
    art6 = next(p for p in after["determinations"][0]["provisions"] if p["article"] == "6")
    assert art6["status"] == "engaged" and art6["owed_by"] == ["MLI", "NER"]
    duties = client.get(f"/api/v1/duties?incident_id={incident['id']}",
                        headers=auth("moussa_ner_liaison")).json()
    assert sorted((d["owed_by"], d["beneficiary"], d["status"]) for d in duties) == [
        ("MLI", "BFA", "open"), ("NER", "BFA", "open")]
    bad = client.post(f"/api/v1/incidents/{incident['id']}/classifications",
                      json={**decision, "question": "is_it_bad"}, headers=auth("sec"))
    assert bad.status_code == 422


def test_duties_follow_the_incident_visibility(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    hidden = _create(client, auth, tlp="AMBER+STRICT", audience=[],
                     occurred_on="2023-10-01", location={"lat": 14.1, "lon": -1.63},
                     perpetrator={"kind": "international_organization"},
                     target={"kind": "territory"})
    own = client.get(f"/api/v1/duties?incident_id={hidden['id']}", headers=auth("bfa_analyst"))
    assert len(own.json()) == 2
    other = client.get(f"/api/v1/duties?incident_id={hidden['id']}",
                       headers=auth("moussa_ner_liaison"))
    assert other.json() == []


def test_the_map_list_says_which_articles_each_incident_engages(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    incident = _create(client, auth, description="Charter marks on the map list")
    headers = auth("sec")
    day = incident["occurred_on"]
    url = f"/api/v1/incidents?source=national&from={day}&to={day}&limit=5000"

    def marks() -> tuple[list[str], list[str]]:
        [feature] = [f for f in client.get(url, headers=headers).json()["features"]
                     if f["id"] == incident["id"]]
        return feature["properties"]["engaged"], feature["properties"]["undetermined"]

    assert marks() == (["4"], ["6"])
    made = client.post(f"/api/v1/incidents/{incident['id']}/classifications",
                       headers=auth("bfa_analyst"),
                       json={"question": "attack_on_sovereignty", "value": True,
                             "evidence": "Claim by JNIM media", "rationale": "Army post overrun"})
    client.post(f"/api/v1/classifications/{made.json()['id']}/confirm", json={}, headers=headers)
    assert marks() == (["4", "6"], [])
