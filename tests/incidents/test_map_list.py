"""The map's list shows each incident as it is stored now: features are built when a page is
read, so an import, a re-import with other values and actors, or a change made through the ORM
shows on the next page."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.incidents import event
from liptako.audit.service import SYSTEM
from liptako.core.clock import utcnow
from liptako.incidents.models import Incident, IncidentActor
from liptako.incidents.schemas import ActorRef
from liptako.obligations.recording import record_batch


def _feature(client: TestClient, headers: dict[str, str], source_id: str) -> dict:  # type: ignore[type-arg]
    page = client.get("/api/v1/incidents?source=acled&limit=50", headers=headers).json()
    found = [f for f in page["features"] if f["properties"]["description"].endswith(source_id)]
    assert len(found) == 1, page
    return found[0]  # type: ignore[no-any-return]


def test_the_feature_follows_every_change(client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    headers = auth("sec")
    first = event(0, description="Clash at MLI000000")
    record_batch(session, [first], actor=SYSTEM, now=utcnow())
    shown = _feature(client, headers, "MLI000000")
    assert shown["geometry"] == {"type": "Point", "coordinates": [first.lon, first.lat]}
    assert shown["properties"]["actors"] == ["jnim", "state.mli.military"]
    assert shown["properties"]["fatalities"] == first.fatalities

    newer = dataclasses.replace(first, fatalities=40, lat=first.lat + 0.5,
                                actors=(ActorRef("actor1", "Islamic State (Sahel)"),),
                                source_version="1700000000")
    record_batch(session, [newer], actor=SYSTEM, now=utcnow())
    shown = _feature(client, headers, "MLI000000")
    assert shown["properties"]["fatalities"] == 40
    assert shown["geometry"]["coordinates"] == [newer.lon, newer.lat]
    assert shown["properties"]["actors"] == ["is_sahel"]

    incident = session.scalars(select(Incident).where(Incident.source_id == "MLI000000")).one()
    incident.event_type = "riot"
    incident.actors.append(IncidentActor(role="actor2", raw="JNIM", actor_id="jnim"))
    session.flush()
    shown = _feature(client, headers, "MLI000000")
    assert shown["properties"]["event_type"] == "riot"
    assert shown["properties"]["actors"] == ["is_sahel", "jnim"]
