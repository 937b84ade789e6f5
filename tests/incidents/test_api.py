from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.incidents import report, seed_markings
from liptako.audit.models import AuditEntry
from liptako.auth.models import User
from liptako.auth.releasability import Viewer, may_see


def test_contract_example_is_stored_and_returned(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    created = client.post("/api/v1/incidents", json=report(), headers=auth("bfa_analyst"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id"] > 0 and body["originator"] == "BFA" and body["tlp"] == "AMBER"
    assert body["iso3"] == "BFA" and body["admin2_name"] == "Soum"
    assert body["admin1_name"] == "Sahel" and body["in_liptako_gourma"] is True
    assert body["audience"] == ["BFA", "NER"]
    assert [a["actor_id"] for a in body["actors"]] == ["jnim"]
    again = client.get(f"/api/v1/incidents/{body['id']}", headers=auth("ner_analyst"))
    assert again.status_code == 200 and again.json()["description"] == body["description"]


def test_invalid_body_names_each_bad_field(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    bad = report(occurred_on="2024-02-30", fatalities=-1, tlp="PURPLE",
                 location={"lat": 95, "lon": 0}, event_type="picnic")
    response = client.post("/api/v1/incidents", json=bad, headers=auth("bfa_analyst"))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"occurred_on", "fatalities", "tlp", "location.lat", "event_type"} <= fields


def test_a_body_that_is_not_json_is_refused_with_a_message(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    headers = {**auth("bfa_analyst"), "Content-Type": "application/json"}
    response = client.post("/api/v1/incidents", content=b'{"occurred_on": ', headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
    assert "JSON" in response.json()["detail"]
    assert client.post("/api/v1/incidents", content=b"[]", headers=headers).status_code == 422


def test_the_report_body_is_documented(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    body = doc["paths"]["/api/v1/incidents"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"occurred_on", "location", "description", "event_type"} <= set(schema["required"])
    assert "tlp" in schema["properties"]
    for part in ("Location", "Perpetrator", "Target"):  # what it refers to is there too
        assert part in doc["components"]["schemas"]


def test_observers_and_admins_cannot_report(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    for name in ("mli_observer", "admin"):
        assert client.post("/api/v1/incidents", json=report(),
                           headers=auth(name)).status_code == 403


def test_lists_and_stats_show_exactly_what_each_user_may_see(
        client: TestClient, auth, session: Session, cast: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    seeded = seed_markings(session)
    ids = {i.id for i in seeded}
    for name, user in cast.items():
        viewer = Viewer(user.id, user.state, tuple(user.roles))
        expected = {i.id for i in seeded if may_see(viewer, i.tlp, i.originator, i.audience)}
        got = client.get("/api/v1/incidents?limit=5000", headers=auth(name)).json()
        listed = {f["id"] for f in got["features"]} & ids
        assert listed == expected, name
        stats = client.get("/api/v1/stats?from=2024-01-01&to=2024-03-01",
                           headers=auth(name)).json()
        assert stats["events"] == len(expected), name
        for hidden in ids - expected:
            response = client.get(f"/api/v1/incidents/{hidden}", headers=auth(name))
            assert response.status_code == 404
            assert response.json()["detail"] == f"incident {hidden}: not found"


def test_filters_and_cursor_pagination(client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    seed_markings(session)
    headers = auth("sec")
    pages, cursor, seen = 0, None, []
    while True:
        url = "/api/v1/incidents?limit=7&source=national&from=2024-01-01&to=2024-02-14"
        page = client.get(url + (f"&cursor={cursor}" if cursor else ""), headers=headers).json()
        seen += [f["id"] for f in page["features"]]
        pages += 1
        cursor = page.get("next")
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and pages == -(-len(seen) // 7)
    niger = client.get("/api/v1/incidents?country=NER&limit=5000", headers=headers).json()
    assert niger["features"] and all(f["properties"]["iso3"] == "NER"
                                     for f in niger["features"])
    box = client.get("/api/v1/incidents?bbox=-2,13,0,15&limit=5000", headers=headers).json()
    assert all(-2 <= f["geometry"]["coordinates"][0] <= 0 for f in box["features"])
    assert client.get("/api/v1/incidents?bbox=1,2,3", headers=headers).status_code == 422
    assert client.get("/api/v1/incidents?cursor=zz", headers=headers).status_code == 422


def test_sensitive_reads_are_audited(client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    created = client.post("/api/v1/incidents", json=report(tlp="RED", audience=["NER"]),
                          headers=auth("bfa_analyst")).json()
    client.get(f"/api/v1/incidents/{created['id']}", headers=auth("moussa_ner_liaison"))
    reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "incident.read")).all()
    assert [(r.actor_name, r.target_id) for r in reads] == [
        ("moussa_ner_liaison", str(created["id"]))]


def test_earlier_versions_stay_retrievable(client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    import datetime as dt

    from helpers.data import ACLED_DYADIC
    from liptako.audit import service as audit
    from liptako.ingest.acled import read_acled
    from liptako.obligations.recording import record_batch as load_batch

    with ACLED_DYADIC.open(encoding="utf-8", newline="") as handle:
        record = next(iter(read_acled(handle, today=dt.date(2026, 11, 27))))
    now = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    load_batch(session, [record], actor=audit.SYSTEM, now=now)  # type: ignore[list-item]
    newer = dataclasses.replace(record, fatalities=99, source_version="9999999999")  # type: ignore[type-var]
    load_batch(session, [newer], actor=audit.SYSTEM, now=now)
    listed = client.get("/api/v1/incidents?limit=1&source=acled", headers=auth("sec")).json()
    incident_id = listed["features"][0]["id"]
    current = client.get(f"/api/v1/incidents/{incident_id}", headers=auth("sec")).json()
    assert current["version"] == 2 and current["fatalities"] == 99
    assert [v["version"] for v in current["versions"]] == [1]
    old = client.get(f"/api/v1/incidents/{incident_id}/versions/1", headers=auth("sec")).json()
    assert old["record"]["fatalities"] == record.fatalities  # type: ignore[union-attr]
    assert client.get(f"/api/v1/incidents/{incident_id}/versions/7",
                      headers=auth("sec")).status_code == 404


def test_an_anonymous_report_is_refused_before_its_body_is_read(client: TestClient) -> None:
    response = client.post("/api/v1/incidents", json={"occurred_on": "not a date"})
    assert response.status_code == 401, response.text
    response = client.get("/api/v1/incidents?bbox=nonsense")
    assert response.status_code == 401, response.text
    forged = {"Authorization": "Bearer not.a.token"}
    assert client.post("/api/v1/incidents", json={}, headers=forged).status_code == 401


def test_several_values_of_one_filter(client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    made = seed_markings(session)
    headers = auth("sec")
    for query, wanted in (("tlp=AMBER,RED", {"AMBER", "RED"}),
                          ("tlp=CLEAR&tlp=GREEN&tlp=AMBER", {"CLEAR", "GREEN", "AMBER"})):
        page = client.get(f"/api/v1/incidents?{query}&limit=5000", headers=headers)
        assert page.status_code == 200, page.text
        got = {f["properties"]["tlp"] for f in page.json()["features"]}
        assert got == wanted
    sources = client.get("/api/v1/incidents?source=national,acled&country=BFA,NER&limit=5000",
                         headers=headers).json()["features"]
    assert {f["properties"]["iso3"] for f in sources} == {"BFA", "NER"}
    viewer = Viewer(None, "SEC", ("secretariat",))
    assert len(sources) == sum(1 for i in made if i.iso3 in ("BFA", "NER")
                               and may_see(viewer, i.tlp, i.originator, i.audience))
