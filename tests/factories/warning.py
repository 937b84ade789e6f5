"""Events placed in chosen admin units and months, for hotspot scans; a planted cluster."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import shapely
from sqlalchemy.orm import Session

from factories.incidents import NOW, event, report
from liptako.audit.service import Actor
from liptako.core.geo import admin_index
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentIn
from liptako.obligations.recording import record_batch, record_report
from liptako.warning.areas import areas

SEED = Actor(None, "seed", None)
# units across the three states, away from the planted pair
BACKGROUND = ("MLI-2688", "MLI-2690", "MLI-2793", "MLI-2794", "MLI-2810", "BFA-2806",
              "BFA-2815", "BFA-2826", "NER-796", "NER-92")
PLANTED = "NER-93"  # Dosso, with the unit nearest its centre


def unit_point(code: str) -> tuple[float, float]:
    """A point (lat, lon) inside a shipped unit."""
    index = admin_index()
    point = shapely.point_on_surface(index.polygons[index.index_of(code)])
    return float(point.y), float(point.x)


def nearest_unit(code: str) -> str:
    """The unit whose centre is nearest ``code``'s (a scan's circle of two about it)."""
    grid = areas()
    here = grid.coords_km[grid.position()[code]]
    distance = np.hypot(*(grid.coords_km - here).T)
    _itself, second, third = np.argsort(distance)[:3]
    assert distance[second] < distance[third], "a circle of two exists about the unit"
    return grid.codes[int(second)]


def import_events(session: Session, plan: Iterable[tuple[str, dt.date, int]], *,
                  first: int = 0, event_type: str = "battle") -> int:
    """Public-dataset events (CLEAR): ``n`` in unit ``code`` on ``day`` for each entry; the
    number recorded."""
    records = []
    for code, day, n in plan:
        lat, lon = unit_point(code)
        for _ in range(n):
            k = first + len(records)
            records.append(event(k, source_id=f"SCAN{k:06d}", occurred_on=day, lat=lat,
                                 lon=lon, iso3=code[:3], event_type=event_type))
    record_batch(session, records, actor=SEED, now=NOW, pact_ids=())
    session.flush()
    return len(records)


def national_report(session: Session, code: str, day: dt.date, *, tlp: str, state: str,
                    audience: list[str] | None = None, exercise: bool = False) -> Incident:
    """A state's report of a battle in ``code`` with its marking."""
    lat, lon = unit_point(code)
    made = record_report(session, IncidentIn.model_validate(report(
        occurred_on=day.isoformat(), location={"lat": lat, "lon": lon}, tlp=tlp,
        audience=audience or [])), actor=Actor(None, "seed", state), state=state, pact_ids=(),
        now=NOW)
    made.exercise = exercise
    session.flush()
    return made


def planted_cluster(session: Session, year: int = 2019) -> tuple[str, str]:
    """One battle a month in twelve units through ``year``, and ten more a month in the
    planted pair (Dosso and its nearest unit) from October: the pair's codes."""
    pair = (PLANTED, nearest_unit(PLANTED))
    months = [dt.date(year, m, 15) for m in range(1, 13)]
    plan = [(code, day, 1) for code in (*pair, *BACKGROUND) for day in months]
    plan += [(code, day, 10) for code in pair for day in months[9:]]
    import_events(session, plan)
    return pair
