"""The JSON API end to end, with the seeded cast: every role acts through its own token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories.assistance import (
    DAY,
    HOUR,
    attacked,
    opened,
    presidency_liaison,
    request_body,
)
from liptako.assistance import edxl
from liptako.assistance.models import Pledge
from liptako.audit.models import AuditEntry
from liptako.auth.models import User

API = "/api/v1/assistance-requests"
Cast = dict[str, User]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ok(response: Any, code: int = 200) -> Any:
    assert response.status_code == code, response.text
    return response.json()


def _pledge(item_id: int, **overrides: Any) -> dict[str, Any]:
    return {"line_item_id": item_id, "quantity": 4,
            "available_from": (_now() + DAY).isoformat(), "description": "Two Su-24 with crews",
            **overrides}


def test_a_request_from_filing_to_closing(client: TestClient, auth: Any, session: Session,
                                          cast: Cast) -> None:
    incident = attacked(session, "MLI", now=_now() - HOUR)
    mli, bfa, ner, sec = (auth(n) for n in ("amadou_mli_liaison", "ibrahim_bfa_liaison",
                                            "moussa_ner_liaison", "sec"))
    president = auth(presidency_liaison(_now().date()))
    made = _ok(client.post(API, json=request_body([incident.id], deadline=_now() + 2 * DAY),
                           headers=mli), 201)
    rid, items = made["id"], made["items"]
    assert (made["status"], made["requesting_state"], made["incident_ids"]) == (
        "draft", "MLI", [incident.id])
    assert sorted(d["owed_by"] for d in made["duties"]) == ["BFA", "NER"]
    assert client.get(f"{API}/{rid}", headers=bfa).status_code == 404
    assert _ok(client.post(f"{API}/{rid}/submit", headers=mli))["status"] == "submitted"
    assert _ok(client.post(f"{API}/{rid}/open", headers=sec))["status"] == "open_for_pledges"
    offer = _ok(client.post(f"{API}/{rid}/pledges", json=_pledge(items[0]["id"]), headers=bfa),
                201)
    _ok(client.post(f"{API}/{rid}/pledges", json=_pledge(items[1]["id"], quantity=1),
                    headers=ner), 201)
    assert _ok(client.post(f"{API}/{rid}/pledges/{offer['id']}/accept",
                           headers=mli))["status"] == "accepted"
    _ok(client.post(f"{API}/{rid}/convene",
                    json={"vote_deadline_at": (_now() + DAY).isoformat()}, headers=president))
    for headers in (mli, bfa, ner):
        _ok(client.post(f"{API}/{rid}/votes", json={"value": "yes"}, headers=headers), 201)
    decision = _ok(client.post(f"{API}/{rid}/decision", headers=president), 201)
    assert (decision["outcome"], decision["pact_id"], decision["rule"]) == (
        "adopted", "aes-2023", "unanimity")
    late = client.post(f"{API}/{rid}/pledges", json=_pledge(items[2]["id"]), headers=ner)
    assert late.status_code == 409
    assert late.json()["detail"] == (f"request {rid} is decided: expected submitted or open "
                                     "for pledges to pledge")
    assert _ok(client.post(f"{API}/{rid}/delivery", headers=mli))["status"] == "in_delivery"
    delivered = _ok(client.post(f"{API}/{rid}/pledges/{offer['id']}/deliver",
                                json={"delivered_quantity": 3}, headers=mli))
    assert (delivered["status"], delivered["delivered_quantity"]) == ("delivered", 3)
    assert _ok(client.post(f"{API}/{rid}/close", headers=sec))["status"] == "closed"
    steps = [e["action"] for e in _ok(client.get(f"{API}/{rid}/timeline", headers=ner))]
    assert steps[:3] == ["file", "submit", "open"] and steps[-1] == "close"
    coverage = _ok(client.get(f"{API}/{rid}/coverage", headers=sec))
    assert [(c["requested"], c["pledged"], c["delivered"]) for c in coverage["items"]] == [
        (12, 4, 3), (2, 1, 0), (300, 0, 0)]
    assert [g["position"] for g in coverage["gaps"]] == [1, 2, 3]
    rows = _ok(client.get("/api/v1/reconciliation", params={"incident_id": incident.id},
                          headers=sec))["rows"]
    assert {(r["state"], r["duty_status"]) for r in rows} == {("BFA", "discharged"),
                                                             ("NER", "open")}


def test_a_malian_liaison_cannot_pledge_for_niger_or_vote_twice(
        client: TestClient, auth: Any, session: Session, cast: Cast) -> None:
    now = _now() - HOUR
    made = opened(session, cast, [attacked(session, "BFA", now=now)], now=now,
                  requester="BFA")
    item = made.items[0].id
    mli, ner = auth("amadou_mli_liaison"), auth("moussa_ner_liaison")
    refused = client.post(f"{API}/{made.id}/pledges", json=_pledge(item, state="NER"),
                          headers=mli)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["state"]
    assert session.scalar(select(func.count()).select_from(Pledge)) == 0
    own = _ok(client.post(f"{API}/{made.id}/pledges", json=_pledge(item), headers=mli), 201)
    assert own["state"] == "MLI"
    niger = _ok(client.post(f"{API}/{made.id}/pledges", json=_pledge(item), headers=ner), 201)
    assert client.post(f"{API}/{made.id}/pledges/{niger['id']}/withdraw", json={},
                       headers=mli).status_code == 403
    _ok(client.post(f"{API}/{made.id}/convene",
                    json={"vote_deadline_at": (_now() + DAY).isoformat()}, headers=auth("sec")))
    _ok(client.post(f"{API}/{made.id}/votes", json={"value": "no"}, headers=mli), 201)
    again = client.post(f"{API}/{made.id}/votes", json={"value": "yes"}, headers=mli)
    assert again.status_code == 409 and "votes are final" in again.json()["detail"]
    assert client.post(f"{API}/{made.id}/votes", json={"value": "yes", "state": "NER"},
                       headers=mli).status_code == 422
    votes = _ok(client.get(f"{API}/{made.id}", headers=ner))["votes"]
    assert [(v["state"], v["value"]) for v in votes] == [("MLI", "no")]


def test_hidden_requests_answer_404_everywhere(client: TestClient, auth: Any,
                                               session: Session, cast: Cast) -> None:
    incident = attacked(session, "MLI", now=_now() - HOUR)
    draft = _ok(client.post(API, json=request_body([incident.id], deadline=_now() + 2 * DAY),
                            headers=auth("amadou_mli_liaison")), 201)
    bfa = auth("ibrahim_bfa_liaison")
    for path in ("", "/coverage", "/timeline", "/edxl-rm"):
        got = client.get(f"{API}/{draft['id']}{path}", headers=bfa)
        assert (got.status_code, got.json()["code"]) == (404, "not_found"), path
    assert client.post(f"{API}/{draft['id']}/submit", headers=bfa).status_code == 404
    assert draft["id"] not in {r["id"] for r in _ok(client.get(API, headers=bfa))}


def test_edxl_rm_out_and_back_in(client: TestClient, auth: Any, session: Session,
                                 cast: Cast) -> None:
    now = _now() - HOUR
    made = opened(session, cast, [attacked(session, "MLI", now=now)], now=now)
    ner = auth("moussa_ner_liaison")
    exported = client.get(f"{API}/{made.id}/edxl-rm", headers=ner)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/xml")
    assert exported.headers["content-disposition"] == (
        f'attachment; filename="liptako-request-{made.id}-edxl-rm.xml"')
    assert edxl.check(edxl.parse(exported.content)) == "RequestResource"
    again = client.post(f"{API}/import-edxl-rm", content=exported.content,
                        headers={**auth("amadou_mli_liaison"), "content-type": "application/xml"})
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    reply = edxl.ResponseMessage(
        "ResponseToRequestResource", "urn:uuid:ner-reply", now, made.message_id,
        made.message_id, "NER", (edxl.Answer("a-1", "item-2", "Accept", description="Medevac",
                                             quantity=1, unit="helicopters",
                                             available_from=now + DAY),))
    imported = _ok(client.post(f"{API}/import-edxl-rm",
                               json={"message": edxl.response(reply).decode()}, headers=ner), 201)
    assert (imported["kind"], imported["request_id"], len(imported["pledge_ids"])) == (
        "pledges", made.id, 1)
    pledge_xml = client.get(f"{API}/{made.id}/pledges/{imported['pledge_ids'][0]}/edxl-rm",
                            headers=ner)
    assert edxl.check(edxl.parse(pledge_xml.content)) == "ResponseToRequestResource"
    assert pledge_xml.headers["content-disposition"].startswith("attachment; filename=")
    for body, ctype in ((b"{}", "application/json"), (b"x", "text/plain")):
        bad = client.post(f"{API}/import-edxl-rm", content=body,
                          headers={**ner, "content-type": ctype})
        assert bad.status_code == 422, bad.text
    broken = client.post(f"{API}/import-edxl-rm", content=b"<oops", headers={
        **ner, "content-type": "application/xml"})
    assert (broken.status_code, broken.json()["code"]) == (422, "invalid_edxl_rm")


def test_deadlines_and_the_presidency(client: TestClient, auth: Any, session: Session,
                                      cast: Cast) -> None:
    now = _now() - 3 * DAY
    opened(session, cast, [attacked(session, "MLI", now=now)], now=now)
    assert client.post("/api/v1/assistance/run-deadlines",
                       headers=auth("amadou_mli_liaison")).status_code == 403
    report = _ok(client.post("/api/v1/assistance/run-deadlines", headers=auth("sec")))
    assert (report["reminded"], report["escalated"]) == (2, 2)
    assert _ok(client.post("/api/v1/assistance/run-deadlines", headers=auth("admin")))[
        "reminded"] == 0
    term = _ok(client.get("/api/v1/assistance/presidency", headers=auth("mli_observer")))
    assert presidency_liaison(_now().date()).startswith(
        {"BFA": "ibrahim", "MLI": "amadou", "NER": "moussa"}[term["state"]])


def test_reading_a_red_request_is_audited(client: TestClient, auth: Any, session: Session,
                                          cast: Cast) -> None:
    now = _now() - HOUR
    made = opened(session, cast, [attacked(session, "MLI", now=now)], now=now, tlp="RED")
    assert client.get(f"{API}/{made.id}", headers=auth("mli_observer")).status_code == 404
    _ok(client.get(f"{API}/{made.id}", headers=auth("moussa_ner_liaison")))
    assert client.get(f"{API}/{made.id}/edxl-rm", headers=auth("sec")).status_code == 200
    reads = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "assistance_request.read")).all()
    assert [(r.actor_name, r.target_id) for r in reads] == [
        ("moussa_ner_liaison", str(made.id)), ("sec", str(made.id))]
    listed = _ok(client.get(API, params={"status": "open_for_pledges", "state": "MLI"},
                            headers=auth("ibrahim_bfa_liaison")))
    assert [r["id"] for r in listed] == [made.id]


def test_reading_a_red_request_on_its_page_is_audited(client: TestClient, session: Session,
                                                      cast: Cast) -> None:
    """The request's page audits a restricted read as the API does (issue 17, point 4)."""
    from helpers.web import sign_in

    now = _now() - HOUR
    made = opened(session, cast, [attacked(session, "MLI", now=now)], now=now, tlp="RED")
    sign_in(client, "moussa_ner_liaison")
    assert client.get(f"/assistance/{made.id}").status_code == 200
    reads = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "assistance_request.read")).all()
    assert [(r.actor_name, r.target_id) for r in reads] == [("moussa_ner_liaison", str(made.id))]
