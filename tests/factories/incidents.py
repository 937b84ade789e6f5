"""National-report incidents across every marking, for visibility tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from liptako.audit.service import Actor
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentIn
from liptako.obligations.recording import record_report

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
POINTS = {"MLI": (14.49, -4.19), "BFA": (14.10, -1.63), "NER": (14.21, 1.45)}
TLPS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
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
