"""A situation report's context: the Charter articles its incidents engage and the duties
they opened, the requests for assistance alive in the period, the alerts in force, the
latest hotspot scan and forecast, each read as the report's reader may see them.

Each part is a list of plain rows (what the template prints); the marking of every record
that goes in is counted in the report's ``tlps``, whose most restricted is printed on each
page.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import shapely
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from liptako.alerts.models import Alert
from liptako.alerts.queries import visible_alerts_clause
from liptako.assistance.models import AssistanceRequest
from liptako.assistance.queries import visible_requests_clause
from liptako.auth.releasability import visible_clause
from liptako.charter.errors import InvalidPact
from liptako.charter.pacts import add_months, load_pact
from liptako.core.geo import admin_index
from liptako.incidents.models import Incident
from liptako.obligations.models import Duty, StoredDetermination
from liptako.reports import words
from liptako.reports.sitrep import Sitrep, in_scope
from liptako.warning.analytics.trends import Period
from liptako.warning.queries import latest_forecast, latest_scan

SIGNIFICANT = 0.05
FORECASTS = 8
HORIZON = 6  # months after a period whose forecast a report shows


def fill(session: Session, report: Sitrep) -> None:
    """Add every context part to ``report``."""
    report.context["articles"] = articles(session, report)
    report.context["duties"] = duties(session, report)
    report.context["requests"] = requests(session, report)
    report.context["alerts"] = alerts(session, report)
    report.context["hotspots"] = hotspots(session, report)
    report.context["forecasts"] = forecasts(session, report)


def _day_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=dt.UTC)
    return start, dt.datetime.combine(period.end, dt.time.max, tzinfo=dt.UTC)


def _alive(opened: Any, ended: Any, period: Period) -> ColumnElement[bool]:
    """Records opened by the period's end and not ended before its start."""
    start, end = _day_bounds(period)
    return and_(opened <= end, or_(ended.is_(None), ended >= start))


def article_name(pact_id: str, article: str, lang: str) -> str:
    """``AES Art. 6 (Collective defence)``; the bare reference for an unknown pact."""
    try:
        pact = load_pact(pact_id)
    except InvalidPact:
        return f"{pact_id} Art. {article}"
    title = next((p.title.get(lang) for p in pact.provisions if p.article == article), "")
    short = pact.short_name or pact.id
    return f"{short} Art. {article}" + (f" ({title})" if title else "")


def articles(session: Session, report: Sitrep) -> list[dict[str, object]]:
    """Each pact article the period's incidents engage (or may engage, undetermined)."""
    req = report.request
    engaged: Counter[tuple[str, str]] = Counter()
    pending: Counter[tuple[str, str]] = Counter()
    stmt = (select(StoredDetermination.pact_id, StoredDetermination.engaged,
                   StoredDetermination.undetermined)
            .join(Incident, Incident.id == StoredDetermination.incident_id)
            .where(in_scope(report.reader, req.country, req.period)))
    for pact_id, yes, maybe in session.execute(stmt):
        engaged.update((pact_id, a) for a in yes.split(",") if a)
        pending.update((pact_id, a) for a in maybe.split(",") if a)
    keys = sorted(set(engaged) | set(pending), key=lambda k: (k[0], k[1].zfill(4)))
    return [{"article": article_name(pact, art, req.lang), "engaged": engaged[(pact, art)],
             "undetermined": pending[(pact, art)]} for pact, art in keys]


def duties(session: Session, report: Sitrep) -> list[dict[str, object]]:
    """The duties opened in the period by incidents the reader may see (not an exercise's),
    counted by article, debtor, beneficiary and status."""
    req = report.request
    start, end = _day_bounds(req.period)
    stmt = (select(Duty.pact_id, Duty.article, Duty.owed_by, Duty.beneficiary, Duty.status,
                   Incident.tlp)
            .join(Incident, Incident.id == Duty.incident_id)
            .where(visible_clause(report.reader.viewer, Incident),
                   Incident.exercise.is_(False), Incident.deleted_at.is_(None),
                   Duty.opened_at.between(start, end)))
    if req.country != "all":
        stmt = stmt.where(or_(Duty.owed_by == req.country, Duty.beneficiary == req.country))
    counts: Counter[tuple[str, str, str, str, str]] = Counter()
    for pact_id, article, owed_by, beneficiary, status, tlp in session.execute(stmt):
        counts[(pact_id, article, owed_by, beneficiary, status)] += 1
        report.tlps[tlp] += 1
    return [{"article": article_name(p, a, req.lang), "owed_by": o, "beneficiary": b,
             "status": words.DUTY_STATUSES[req.lang].get(s, s), "count": n}
            for (p, a, o, b, s), n in sorted(counts.items())]


def requests(session: Session, report: Sitrep) -> list[dict[str, object]]:
    """The requests for assistance alive in the period (not an exercise's)."""
    req = report.request
    stmt = (select(AssistanceRequest)
            .where(visible_requests_clause(report.reader.viewer),
                   AssistanceRequest.exercise.is_(False),
                   _alive(AssistanceRequest.created_at, AssistanceRequest.closed_at, req.period))
            .order_by(AssistanceRequest.created_at, AssistanceRequest.id))
    if req.country != "all":
        stmt = stmt.where(AssistanceRequest.requesting_state == req.country)
    rows = []
    for r in session.scalars(stmt):
        report.tlps[r.tlp] += 1
        rows.append({
            "id": r.id, "title": r.title, "requesting": r.requesting_state,
            "article": article_name(r.pact_id, r.article, req.lang),
            "status": words.STATUSES[req.lang].get(r.status, r.status),
            "submitted": words.short_day(r.submitted_at.date(), req.lang)
            if r.submitted_at else "–",
            "deadline": words.short_day(r.deadline_at.date(), req.lang)})
    return rows


def alerts(session: Session, report: Sitrep) -> list[dict[str, object]]:
    """The alerts in force at some time in the period, in its area."""
    req = report.request
    stmt = (select(Alert).where(visible_alerts_clause(report.reader.viewer),
                                _alive(Alert.raised_at, Alert.ended_at, req.period))
            .order_by(Alert.raised_at, Alert.id))
    if req.country != "all":
        stmt = stmt.where(Alert.iso3 == req.country)
    rows = []
    for a in session.scalars(stmt):
        report.tlps[a.tlp] += 1
        rows.append({"id": a.id, "area": a.area_name, "severity": a.severity,
                     "events": a.events, "fatalities": a.fatalities,
                     "raised": words.short_day(a.raised_at.date(), req.lang),
                     "ended": words.short_day(a.ended_at.date(), req.lang)
                     if a.ended_at else ""})
    return rows


def _unit_name(code: str, lang: str) -> tuple[str, str, float, float]:
    """A unit's name, country and centre (lat, lon)."""
    index = admin_index()
    unit = index.unit(code)
    centre = shapely.centroid(index.polygons[index.index_of(code)])
    name = (unit.name_fr or unit.name) if lang == "fr" else unit.name
    return name, unit.iso3, float(centre.y), float(centre.x)


def hotspots(session: Session, report: Sitrep) -> list[dict[str, object]]:
    """The clusters of the latest scan the reader may see whose window meets the period and
    whose centre lies in the area."""
    req = report.request
    run = latest_scan(session, report.reader.viewer)
    if run is None:
        return []
    rows = []
    for c in sorted(run.clusters, key=lambda c: c.rank):
        if c.ends_on < req.period.start or c.starts_on > req.period.end:
            continue
        name, iso3, lat, lon = _unit_name(c.units[0], req.lang)
        if req.country not in ("all", iso3):
            continue
        rows.append({"rank": c.rank, "centre": f"{name} ({iso3})", "lat": lat, "lon": lon,
                     "radius_km": c.radius_km, "units": len(c.units),
                     "window": f"{words.short_day(c.starts_on, req.lang)} – "
                               f"{words.short_day(c.ends_on, req.lang)}",
                     "observed": c.observed, "expected": round(c.expected, 1),
                     "p_value": c.p_value, "significant": c.p_value <= SIGNIFICANT})
    if rows:
        report.tlps[run.tlp] += 1
    report.notes["scan"] = {"ran": words.short_day(run.ran_at.date(), req.lang),
                            "start": words.short_day(run.starts_on, req.lang),
                            "end": words.short_day(run.ends_on, req.lang)}
    return rows


def forecasts(session: Session, report: Sitrep) -> list[dict[str, Any]]:
    """The latest forecast's first month for the area's units, the most expected first; only
    when that month falls in the period or the six months after it (an older forecast says
    nothing of the period)."""
    req = report.request
    run = latest_forecast(session, report.reader.viewer)
    if run is None:
        return []
    first = [v for v in run.values if v.ahead == 1]
    horizon = add_months(req.period.end, HORIZON)
    if not first or not req.period.start <= first[0].month <= horizon:
        return []
    rows: list[dict[str, Any]] = []
    for v in sorted(first, key=lambda v: (-v.expected, v.unit)):
        try:
            name, iso3, _, _ = _unit_name(v.unit, req.lang)
        except KeyError:
            continue
        if req.country in ("all", iso3):
            rows.append({"unit": f"{name} ({iso3})",
                         "month": f"{words.MONTHS[req.lang][v.month.month - 1]} "
                                  f"{v.month.year}",
                         "expected": words.number(v.expected, req.lang, 1),
                         "interval": f"{words.number(v.low, req.lang)}–"
                                     f"{words.number(v.high, req.lang)}",
                         "p_exceed": f"{words.number(100 * v.p_exceed, req.lang)} %"})
        if len(rows) == FORECASTS:
            break
    if rows:
        report.tlps[run.tlp] += 1
        report.notes["forecast"] = {"origin": words.short_day(run.origin, req.lang),
                                    "threshold": run.threshold, "model": run.model}
    return rows
