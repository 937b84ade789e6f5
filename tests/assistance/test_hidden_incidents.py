"""A request invokes incidents that keep their own markings: a reader who may see the request
but not one of its incidents learns neither that incident's id nor its duties, only how many
were left out - in the request, its timeline, its EDXL-RM export and the reconciliation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy.orm import Session

from factories.assistance import (
    HOUR,
    NOW,
    attacks,
    caller,
    made_by,
    offer,
    opened,
)
from helpers.web import sign_in
from liptako.assistance import exchange, pledging, queries
from liptako.assistance.edxl.validate import NS
from liptako.assistance.models import AssistanceRequest
from liptako.assistance.reconciliation import reconciliation
from liptako.auth.models import User
from liptako.incidents.models import Incident

Cast = dict[str, User]
PARTIES = ("BFA", "MLI", "NER")
API = "/api/v1/assistance-requests"


def _invoked(session: Session, cast: Cast, *, now: dt.datetime = NOW,
             ) -> tuple[AssistanceRequest, dict[str, Incident]]:
    """Mali invokes Art. 6 on three attacks in one AMBER request: one shared with the other
    parties (AMBER to BFA and NER), one for itself (RED), one for the secretariat
    (AMBER+STRICT to SEC). BFA pledges, NER declines."""
    shared, = attacks(session, ["MLI"], now=now)
    own, = attacks(session, ["MLI"], now=now, tlp="RED", audience=[],
                   description="Attack on MLI: sources inside the armed group")
    for_sec, = attacks(session, ["MLI"], now=now, tlp="AMBER+STRICT", audience=["SEC"])
    made = opened(session, cast, [shared, own, for_sec], now=now)
    offer(session, cast, made, "BFA", now=now)
    pledging.decline(session, made.id, reason="Forces engaged at home",
                     caller=caller(made_by(cast, "NER")), now=now)
    return made, {"shared": shared, "own": own, "for_sec": for_sec}


def _viewer(cast: Cast, name: str) -> Any:
    return caller(cast[name]).viewer


def test_a_request_names_only_the_incidents_and_duties_the_reader_may_see(
        session: Session, cast: Cast) -> None:
    made, inc = _invoked(session, cast)
    seen = {}
    for name in ("amadou_mli_liaison", "ibrahim_bfa_liaison", "sec"):
        out = queries.request_out(made, PARTIES, _viewer(cast, name))
        seen[name] = (out.incident_ids, out.hidden_incidents,
                      sorted({d.incident_id for d in out.duties}), out.hidden_duties)
    every = [inc["shared"].id, inc["own"].id, inc["for_sec"].id]
    assert seen["amadou_mli_liaison"] == (every, 0, sorted(every), 0)
    assert seen["ibrahim_bfa_liaison"] == ([inc["shared"].id], 2, [inc["shared"].id], 4)
    assert seen["sec"] == ([inc["shared"].id, inc["for_sec"].id], 1,
                           [inc["shared"].id, inc["for_sec"].id], 2)


def test_the_timeline_leaves_out_hidden_incidents_and_their_duties(session: Session,
                                                                   cast: Cast) -> None:
    made, inc = _invoked(session, cast)
    hidden_duties = {d.id for d in made.duties if d.incident_id != inc["shared"].id}
    filed = next(e for e in queries.timeline(session, made, _viewer(cast, "ibrahim_bfa_liaison"))
                 if e.action == "file")
    detail = filed.detail or {}
    assert (detail["incidents"], detail["incidents_hidden"]) == ([inc["shared"].id], 2)
    assert not hidden_duties & set(detail["duties"]) and detail["duties_hidden"] == 4
    whole = next(e for e in queries.timeline(session, made) if e.action == "file")
    assert len((whole.detail or {})["incidents"]) == 3


def test_the_edxl_export_names_only_the_incidents_the_reader_may_see(session: Session,
                                                                     cast: Cast) -> None:
    made, inc = _invoked(session, cast)
    xml = exchange.export_request(made, now=NOW, viewer=_viewer(cast, "ibrahim_bfa_liaison"))
    root = etree.fromstring(xml)
    ids = [e.text for e in root.findall("rmsg:IncidentInformation/rm:IncidentID", NS)]
    assert ids == [f"liptako:incident:{inc['shared'].id}"]


def test_the_reconciliation_leaves_out_rows_of_hidden_incidents(session: Session,
                                                                cast: Cast) -> None:
    _, inc = _invoked(session, cast)
    bfa = _viewer(cast, "ibrahim_bfa_liaison")
    report = reconciliation(session, bfa)
    assert {r.incident_id for r in report.rows} == {inc["shared"].id}
    assert set(report.by_incident) == {inc["shared"].id}
    assert report.hidden_incidents == 2
    secret = reconciliation(session, bfa, incident_id=inc["own"].id)
    assert (secret.rows, secret.by_incident, secret.hidden_incidents) == ([], {}, 0)
    sec = reconciliation(session, _viewer(cast, "sec"))
    assert {r.incident_id for r in sec.rows} == {inc["shared"].id, inc["for_sec"].id}
    assert sec.hidden_incidents == 1
    mli = reconciliation(session, _viewer(cast, "amadou_mli_liaison"))
    assert {r.incident_id for r in mli.rows} == {i.id for i in inc.values()}
    assert mli.hidden_incidents == 0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_the_api_shows_hidden_incidents_only_as_a_count(client: TestClient, auth: Any,
                                                        session: Session, cast: Cast) -> None:
    made, inc = _invoked(session, cast, now=_now() - HOUR)
    bfa = auth("ibrahim_bfa_liaison")
    out = client.get(f"{API}/{made.id}", headers=bfa).json()
    assert (out["incident_ids"], out["hidden_incidents"], out["hidden_duties"]) == (
        [inc["shared"].id], 2, 4)
    assert {d["incident_id"] for d in out["duties"]} == {inc["shared"].id}
    events = client.get(f"{API}/{made.id}/timeline", headers=bfa).json()
    filed = next(e for e in events if e["action"] == "file")
    assert filed["detail"]["incidents"] == [inc["shared"].id]
    xml = client.get(f"{API}/{made.id}/edxl-rm", headers=bfa).content
    assert f"liptako:incident:{inc['own'].id}<".encode() not in xml
    rows = client.get("/api/v1/reconciliation", headers=bfa).json()
    assert {r["incident_id"] for r in rows["rows"]} == {inc["shared"].id}
    assert rows["hidden_incidents"] == 2


def test_the_pages_show_hidden_incidents_only_as_a_count(client: TestClient, session: Session,
                                                         cast: Cast) -> None:
    made, inc = _invoked(session, cast, now=_now() - HOUR)
    sign_in(client, "ibrahim_bfa_liaison")
    page = client.get(f"/assistance/{made.id}").text
    links = set(re.findall(r'href="/incidents/(\d+)"', page))
    assert links == {str(inc["shared"].id)}
    assert 'id="hidden-incidents"' in page and 'id="hidden-duties"' in page
    table = client.get("/reconciliation").text
    assert set(re.findall(r'href="/incidents/(\d+)"', table)) == {str(inc["shared"].id)}
    assert re.search(r'id="hidden-incidents">[^<]*: 2<', table)
