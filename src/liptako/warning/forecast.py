"""Forecasts from the stored events: the panel of units and months, the rolling-origin
backtest that says how well the learned model would have done, and the stored forecasts of
the months ahead.

The panel counts the registry's live incidents (never an exercise's, never a deleted one) in
the unit the hotspot scans use (:func:`liptako.warning.service.event_counts`: the admin-2
code when there is one, Burkina Faso's provinces, else the admin-1 code) and in the calendar
month of ``occurred_on``; by default only those every user may see (CLEAR and GREEN, as
:func:`liptako.warning.service.readable` with no state). An unknown fatality count counts as
none. The data cover the months up to that of the newest event counted: a target month after
it is not scored, whatever origins were asked.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.core.clock import as_utc, month_id, month_start
from liptako.core.errors import RuleViolation
from liptako.incidents.models import Incident, IncidentActor
from liptako.incidents.rules import EVENT_TYPES
from liptako.warning.analytics.backtest import BacktestResult, BacktestSettings, rolling_backtest
from liptako.warning.analytics.forecast_model import QuantileForest
from liptako.warning.analytics.outlook import outlook
from liptako.warning.analytics.panel import Panel, panel_from_events
from liptako.warning.areas import areas
from liptako.warning.models import ForecastRun, ForecastValue
from liptako.warning.rules import ACTOR_CLASSES, actor_class, scan_marking
from liptako.warning.schemas import BacktestParameters, ForecastParameters
from liptako.warning.service import UNIT, counted

Progress = Callable[[int, int], None]  # (fits done, fits in all)
LEARNED = "quantile_forest"


def forecast_panel(session: Session, *, for_state: str | None, area_level: str = "adm1",
                   first_month: dt.date | None = None) -> tuple[Panel, int]:
    """The counted events as a panel (from ``first_month`` or the first event, whichever is
    earlier, to the newest event's month), and how many events lie in no shipped unit."""
    where = counted(for_state)
    rows = session.execute(select(Incident.id, Incident.occurred_on, UNIT, Incident.event_type,
                                  Incident.fatalities, Incident.civilian_targeting)
                           .where(*where)).all()
    if not rows:
        raise RuleViolation("events: expected stored events to forecast from, got none that "
                            "may be counted (live, not an exercise's, "
                            f"{'CLEAR or GREEN' if for_state is None else 'visible'})")
    classes = _actor_flags(session, where)
    position = areas(area_level).position()
    kinds = {kind: k for k, kind in enumerate(EVENT_TYPES)}
    placed = [r for r in rows if r[2] in position and r[3] in kinds]
    if not placed:
        raise RuleViolation(f"events: expected events in the shipped {area_level} "
                            f"units, got {len(rows)} in none")
    flags = np.array([classes.get(r[0], np.zeros(len(ACTOR_CLASSES), bool)) for r in placed])
    flags[:, ACTOR_CLASSES.index("civilians")] |= [bool(r[5]) for r in placed]
    months = [month_id(r[1]) for r in placed]
    panel = panel_from_events(
        units=[position[r[2]] for r in placed], months=months,
        types=[kinds[r[3]] for r in placed], fatalities=[r[4] or 0 for r in placed],
        n_units=len(position),
        first_month=min(months) if first_month is None else min(min(months),
                                                                 month_id(first_month)),
        last_month=max(months), event_types=EVENT_TYPES, actor_flags=flags,
        actor_classes=ACTOR_CLASSES)
    return panel, len(rows) - len(placed)


def backtest_forecasts(session: Session, params: BacktestParameters, *,
                       progress: Progress | None = None) -> dict[str, Any]:
    """Run the rolling-origin backtest of the learned model and the baselines over the
    stored events; the report as the issue's JSON object (and a few keys more)."""
    panel, unplaced = forecast_panel(session, for_state=params.for_state,
                                     area_level=params.area_level,
                                     first_month=params.first_origin)
    settings = BacktestSettings(
        origins=tuple(range(month_id(params.first_origin), month_id(params.last_origin) + 1)),
        horizons=params.horizons, target=params.target, samples=params.samples,
        seed=params.seed)
    result = rolling_backtest(panel, areas(params.area_level).neighbours, settings,
                              models={LEARNED: QuantileForest()}, progress=progress)
    return report(result, panel, params, unplaced)


def run_forecast(session: Session, params: ForecastParameters, *, actor: audit.Actor,
                 now: dt.datetime, progress: Progress | None = None) -> ForecastRun:
    """Forecast every unit's fatalities in the months after the newest counted event (its
    month taken as complete), store the run and its values, and audit it."""
    started = time.perf_counter()
    panel, _unplaced = forecast_panel(session, for_state=params.for_state,
                                      area_level=params.area_level)
    grid = areas(params.area_level)
    horizons = tuple(range(1, params.months + 1))
    ahead = outlook(panel, grid.neighbours, QuantileForest(), horizons=horizons,
                    samples=params.samples, seed=params.seed, progress=progress)
    marking = scan_marking(params.for_state)
    run = ForecastRun(
        ran_at=as_utc(now), ran_by=actor.id, ran_by_name=actor.name,
        origin=month_start(panel.last_month), data_from=month_start(panel.first_month),
        months=params.months, area_level=params.area_level, target="fatalities",
        model=LEARNED, samples=params.samples, seed=params.seed, threshold=ahead.threshold,
        events=int(panel.events.sum()), seconds=0.0, tlp=marking.tlp,
        originator=marking.originator, audience=marking.audience)
    run.values = [
        ForecastValue(unit=code, ahead=h, month=month_start(panel.last_month + h),
                      expected=round(float(ahead.expected[u, k]), 3),
                      median=float(ahead.median[u, k]), low=float(ahead.low[u, k]),
                      high=float(ahead.high[u, k]), p_exceed=round(float(ahead.p_exceed[u, k]), 4))
        for u, code in enumerate(grid.codes) for k, h in enumerate(horizons)]
    run.seconds = round(time.perf_counter() - started, 3)
    session.add(run)
    session.flush()
    found = forecast_summary(run)
    audit.record(session, actor=actor, action="forecast.run", target_type="forecast_run",
                 target_id=run.id, now=run.ran_at, after=found,
                 detail={"parameters": asdict(params), "summary": found})
    return run


def forecast_summary(run: ForecastRun) -> dict[str, Any]:
    """What a run says in a few numbers: for the audit trail and the command's last line."""
    first = [v for v in run.values if v.ahead == 1]
    riskiest = max(first, key=lambda v: (v.p_exceed, v.expected))
    return {"origin": f"{run.origin:%Y-%m}", "units": len(first), "months": run.months,
            "expected_next_month": round(sum(v.expected for v in first), 1),
            "riskiest_unit": riskiest.unit, "riskiest_p_exceed": riskiest.p_exceed,
            "threshold": run.threshold}


def report(result: BacktestResult, panel: Panel, params: BacktestParameters,
           unplaced: int) -> dict[str, Any]:
    """The backtest's JSON object: the issue's keys, then what was scored and skipped."""
    settings = result.settings
    last = _month(panel.last_month)
    skipped = [{"origin": _month(o), "horizons": [h for h, s in zip(settings.horizons, row,
                                                                       strict=True) if not s],
                "reason": f"target months after {last}, the last month of the stored events"}
               for o, row in zip(settings.origins, result.scored, strict=True) if not row.all()]
    return {
        "unit": params.area_level, "target": f"log1p_{params.target}",
        "origins": [_month(o) for o in settings.origins], "horizons": list(settings.horizons),
        "models": result.summary(),
        "scored_pairs": {str(h): int(result.scored[:, k].sum())
                         for k, h in enumerate(settings.horizons)},
        "skipped": skipped, "samples": settings.samples, "seed": settings.seed,
        "data": {"first_month": _month(panel.first_month), "last_month": last,
                 "units": panel.n_units, "events": int(panel.events.sum()),
                 "events_in_no_unit": unplaced},
    }


def _actor_flags(session: Session, counted: tuple[Any, ...]) -> dict[int, np.ndarray]:
    """Each counted incident's actor classes, from its actors' canonical ids."""
    stmt = (select(IncidentActor.incident_id, IncidentActor.actor_id).join(Incident)
            .where(*counted, IncidentActor.actor_id.is_not(None)))
    out: dict[int, np.ndarray] = {}
    for incident_id, actor_id in session.execute(stmt):
        kind = actor_class(actor_id) if actor_id else None
        if kind is not None:
            out.setdefault(incident_id, np.zeros(len(ACTOR_CLASSES), bool))[
                ACTOR_CLASSES.index(kind)] = True
    return out


def _month(mid: int) -> str:
    return f"{month_start(mid):%Y-%m}"
