"""A list response that shows AMBER+STRICT or RED incidents leaves one audit entry naming
them (issue 17, point 4); one that shows none leaves none."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.incidents import seed_markings
from liptako.audit.models import AuditEntry
from liptako.auth.releasability import Viewer, may_see


def _list_entries(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "incident.list")
                                .order_by(AuditEntry.seq)))


def test_a_page_with_restricted_incidents_is_audited_once_naming_them(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    made = seed_markings(session)
    for name, state in (("bfa_analyst", "BFA"), ("sec", "SEC")):
        before = len(_list_entries(session))
        page = client.get("/api/v1/incidents?limit=5000", headers=auth(name)).json()
        viewer = Viewer(None, state, ("analyst",) if state != "SEC" else ("secretariat",))
        restricted = sorted(i.id for i in made if i.tlp in ("AMBER+STRICT", "RED")
                            and may_see(viewer, i.tlp, i.originator, i.audience))
        assert restricted, "the seed gives each caller restricted incidents it may see"
        assert sorted(f["id"] for f in page["features"]
                      if f["properties"]["tlp"] in ("AMBER+STRICT", "RED")) == restricted
        entries = _list_entries(session)[before:]
        assert len(entries) == 1 and sorted(entries[0].detail["incident_ids"]) == restricted


def test_a_page_without_restricted_incidents_leaves_no_entry(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    seed_markings(session)
    page = client.get("/api/v1/incidents?limit=5000&tlp=CLEAR,GREEN,AMBER",
                      headers=auth("bfa_analyst"))
    assert page.status_code == 200 and page.json()["features"]
    assert _list_entries(session) == []
