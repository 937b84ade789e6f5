"""What each kind of alert rule finds: its situations (a key, an area, the incidents behind
it and the kind's figures), read from the incidents, the stored determinations, the latest
hotspot scan or the latest forecast, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from liptako.alerts import rules
from liptako.alerts.models import AlertRule
from liptako.incidents.models import Incident
from liptako.obligations.models import StoredDetermination
from liptako.warning import queries as warning


@dataclass(frozen=True)
class Situation:
    """What a rule found: its key, area (an admin-1 unit, or a cluster's units) and the
    incidents behind it with their counts, and what else the kind says about it."""

    key: str
    area_code: str | None
    incident_ids: tuple[int, ...]
    events: int
    fatalities: int
    units: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)


def _real(since: dt.date, today: dt.date) -> tuple[Any, ...]:
    return (Incident.deleted_at.is_(None), Incident.exercise.is_(False),
            Incident.occurred_on >= since, Incident.occurred_on <= today)


def _window(rule: AlertRule, today: dt.date) -> tuple[Any, ...]:
    return _real(today - dt.timedelta(days=int(rule.params["days"]) - 1), today)


def _thresholds(session: Session, rule: AlertRule, today: dt.date) -> list[Situation]:
    """Each admin-1 unit whose events or fatalities in the window reach the threshold."""
    where = [*_window(rule, today), Incident.admin1_code.is_not(None)]
    if rule.params.get("area"):
        where.append(Incident.admin1_code == rule.params["area"])
    dead = func.coalesce(func.sum(func.coalesce(Incident.fatalities, 0)), 0)
    counts = session.execute(select(Incident.admin1_code, func.count(), dead).where(*where)
                             .group_by(Incident.admin1_code).order_by(Incident.admin1_code))
    found = []
    for code, events, fatalities in counts:
        if rules.reached(rule.kind, int(rule.params["threshold"]), events, int(fatalities)):
            ids = session.scalars(select(Incident.id).where(*where, Incident.admin1_code == code)
                                  .order_by(Incident.id))
            found.append(Situation(rules.situation_key(rule.id, f"unit:{code}"), code,
                                   tuple(ids), events, int(fatalities)))
    return found


def _engagements(session: Session, rule: AlertRule, today: dt.date) -> list[Situation]:
    """Each incident of the window whose stored determination engages one of the articles."""
    stored = StoredDetermination
    engaged = or_(*(stored.engaged.like(f"%,{a},%") for a in rule.params["articles"]))
    rows = session.execute(
        select(Incident.id, Incident.admin1_code, Incident.fatalities)
        .join(stored, stored.incident_id == Incident.id)
        .where(*_window(rule, today), stored.pact_id == rule.params["pact_id"], engaged)
        .order_by(Incident.id))
    return [Situation(rules.situation_key(rule.id, f"incident:{i}"), code, (i,), 1, dead or 0)
            for i, code, dead in rows]


def _clusters(session: Session, rule: AlertRule, today: dt.date) -> list[Situation]:
    """Each significant cluster of the latest scan made for every user, if its study period
    ended within the window; a scan made for one state is that state's analysis and raises
    nothing (its counts include events other states may not see)."""
    run = warning.latest_scan_for_everyone(session)
    if run is None or run.ends_on < today - dt.timedelta(days=int(rule.params["days"]) - 1):
        return []
    found = []
    for cluster in run.clusters:
        incidents = warning.cluster_incidents(session, run, cluster)
        if cluster.p_value > float(rule.params["p_value"]) or not incidents:
            continue
        detail = {"run": run.id, "ran_on": run.ran_at.date().isoformat(), "rank": cluster.rank,
                  "starts_on": cluster.starts_on.isoformat(),
                  "ends_on": cluster.ends_on.isoformat(), "observed": cluster.observed,
                  "expected": round(cluster.expected, 2), "relative_risk":
                  None if cluster.relative_risk is None else round(cluster.relative_risk, 2),
                  "p_value": cluster.p_value}
        found.append(Situation(
            rules.situation_key(rule.id, f"cluster:{cluster.units[0]}"), None,
            tuple(i for i, _ in incidents), len(incidents), sum(d for _, d in incidents),
            units=tuple(cluster.units), detail=detail))
    return found


def _forecasts(session: Session, rule: AlertRule, today: dt.date) -> list[Situation]:
    """Each unit and month, among the rule's next months not yet over, whose forecast in the
    latest forecast made for every user reaches the rule's condition. The incidents behind
    it are the unit's counted events of the twelve months up to the forecast's origin (what
    it learnt most from); the alert is never more open than the forecast's own marking."""
    run = warning.latest_forecast(session, None)
    if run is None:
        return []
    this_month = today.replace(day=1)
    found = []
    for value in run.values:
        if value.ahead > int(rule.params["months"]) or value.month < this_month or \
                not rules.forecast_reached(rule.params, value.expected, value.p_exceed):
            continue
        incidents = warning.unit_incidents(session, run, value.unit, months=12)
        detail = {"run": run.id, "ran_on": run.ran_at.date().isoformat(),
                  "origin": f"{run.origin:%Y-%m}", "month": f"{value.month:%Y-%m}",
                  "expected": value.expected, "low": value.low, "high": value.high,
                  "p_exceed": value.p_exceed, "exceed": run.threshold,
                  "marking": [run.tlp, run.originator, run.audience]}
        found.append(Situation(
            rules.situation_key(rule.id, f"forecast:{value.unit}:{value.month:%Y-%m}"), None,
            tuple(i for i, _ in incidents), len(incidents), sum(d for _, d in incidents),
            units=(value.unit,), detail=detail))
    return found


# a kind's finder
FINDERS: dict[str, Callable[[Session, AlertRule, dt.date], list[Situation]]] = {
    "fatalities": _thresholds, "events": _thresholds, "charter": _engagements,
    "cluster": _clusters, "forecast": _forecasts,
}


def figures(detail: dict[str, Any] | None) -> tuple[Any, ...]:
    """What a forecast situation (or its alert's detail) says beyond its incidents: a newer
    forecast with other figures updates the alert."""
    d = detail or {}
    return (d.get("run"), d.get("expected"), d.get("p_exceed")) if "month" in d else ()
