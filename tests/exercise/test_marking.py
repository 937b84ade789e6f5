"""Every exercise record says so: on its page, in the lists, on the map and in the API."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.incidents import report
from helpers.web import Tokens, sign_in
from liptako.assistance.models import AssistanceRequest
from liptako.audit import service as audit
from liptako.exercise import service as exercise
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentIn
from liptako.obligations.recording import record_report

BANNER = '<p class="exercise-banner" id="exercise"><strong>EXERCICE</strong>'
BADGE = '<span class="badge exercise">EXERCICE</span>'


def test_exercise_records_are_marked_wherever_they_show(
        client: TestClient, session: Session, auth: Tokens) -> None:
    real = record_report(session, IncidentIn.model_validate(report()),
                         actor=audit.Actor(None, "seed", "BFA"), state="BFA",
                         pact_ids=("aes-2023",), now=dt.datetime.now(dt.UTC))
    exercise.load_exercise(session, pact_ids=("aes-2023",), now=dt.datetime.now(dt.UTC))
    played = session.scalars(select(Incident).where(Incident.exercise.is_(True))
                             .order_by(Incident.id)).first()
    requests = session.scalars(select(AssistanceRequest).where(
        AssistanceRequest.status != "draft").order_by(AssistanceRequest.id)).all()
    assert played is not None and len(requests) == 4

    api = client.get("/api/v1/incidents?limit=5000", headers=auth("sec")).json()
    marked = {f["id"]: f["properties"]["exercise"] for f in api["features"]}
    assert marked[played.id] is True and marked[real.id] is False
    assert sum(marked.values()) == 31
    one = client.get(f"/api/v1/incidents/{played.id}", headers=auth("sec")).json()
    assert one["exercise"] is True and one["description"].startswith("EXERCICE EXERCICE")
    listed = client.get("/api/v1/assistance-requests", headers=auth("sec")).json()
    assert {r["id"]: r["exercise"] for r in listed} == {r.id: True for r in requests}

    sign_in(client, "sec")
    assert BANNER in client.get(f"/incidents/{played.id}").text
    assert "exercise-banner" not in client.get(f"/incidents/{real.id}").text
    assert client.get("/assistance").text.count(BADGE) == 4
    assert BANNER in client.get(f"/assistance/{requests[0].id}").text
