"""Incidents: national reports across every marking (visibility tests), imported events."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from liptako.audit.service import Actor
from liptako.incidents.models import Incident
from liptako.incidents.schemas import ActorRef, EventRecord, IncidentIn
from liptako.obligations.recording import record_batch, record_report

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
POINTS = {"MLI": (14.49, -4.19), "BFA": (14.10, -1.63), "NER": (14.21, 1.45)}
TLPS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
COUNTRY = {"MLI": "Mali", "BFA": "Burkina Faso", "NER": "Niger"}
AUDIENCES: tuple[list[str], ...] = ([], ["NER"], ["SEC"])


def report(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "occurred_on": "2024-05-11", "location": {"lat": 14.10, "lon": -1.63},
        "description": "Armed men attacked an army post.", "event_type": "battle",
        "fatalities": 12,
        "perpetrator": {"kind": "non_state_armed_group", "group_type": "jihadist",
                        "actor": "jnim"},
        "target": {"kind": "state_forces", "party": "BFA"}, "tlp": "AMBER",
        "audience": ["BFA", "NER"]}
    body.update(overrides)
    return body


def seed_markings(session: Session) -> list[Incident]:
    """One incident per originator x TLP x audience: 45 in all."""
    out = []
    for i, (state, tlp, audience) in enumerate(itertools.product(POINTS, TLPS, AUDIENCES)):
        lat, lon = POINTS[state]
        payload = IncidentIn.model_validate(report(
            location={"lat": lat, "lon": lon}, tlp=tlp, audience=audience,
            fatalities=i, description=f"marking test {state} {tlp} {audience}",
            occurred_on=(dt.date(2024, 1, 1) + dt.timedelta(days=i)).isoformat()))
        out.append(record_report(session, payload, actor=Actor(None, "seed", state),
                                   state=state, pact_ids=(), now=NOW))
    return out


def event(i: int, **overrides: Any) -> EventRecord:
    """A public dataset's event, the i-th of a series: a battle between JNIM and an AES
    state's army at one of the three capitals' surroundings, a day apart."""
    state = ("MLI", "BFA", "NER")[i % 3]
    lat, lon = POINTS[state]
    values: dict[str, Any] = dict(
        line=i + 2, source="acled", source_id=f"{state}{i:06d}", source_version="1600000000",
        occurred_on=dt.date(2020, 1, 1) + dt.timedelta(days=i), occurred_until=None,
        date_precision=1, lat=lat + (i % 7) * 0.01, lon=lon - (i % 5) * 0.01,
        geo_precision=1, iso3=state, event_type="battle", src_event_type="Battles",
        src_sub_event_type="Armed clash", fatalities=i % 11, fatalities_low=None,
        fatalities_high=None, civilian_targeting=False, description=f"Clash number {i}.",
        sources="test", src_admin=(None, None, None), src_location=None,
        actors=(ActorRef("actor1", "JNIM: Group for Support of Islam and Muslims"),
                ActorRef("actor2", f"Military Forces of {COUNTRY[state]}")))
    values.update(overrides)
    return EventRecord(**values)


def seed_events(session: Session, n: int, *, pact_ids: tuple[str, ...] = ()) -> list[int]:
    """``n`` imported events, recorded as one batch (its audit entries sealed); their ids."""
    counts = record_batch(session, [event(i) for i in range(n)], actor=Actor(None, "seed", None),
                          now=NOW, pact_ids=pact_ids)
    session.flush()
    return counts.inserted_ids
