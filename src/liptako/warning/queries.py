"""The read side of early warning: the latest hotspot scan a reader may see, and the
incidents a stored cluster counted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, selectinload

from liptako.auth.releasability import Viewer, visible_clause
from liptako.incidents.models import Incident
from liptako.warning.models import ForecastRun, ScanCluster, ScanRun
from liptako.warning.rules import scan_marking, scanned_for
from liptako.warning.schemas import month_shift
from liptako.warning.service import UNIT, counted


def last_scan_at(session: Session) -> dt.datetime | None:
    """When the newest stored hotspot scan ran, whoever may see it (for monitoring)."""
    return session.scalar(select(func.max(ScanRun.ran_at)))


def latest_scan(session: Session, viewer: Viewer) -> ScanRun | None:
    """The newest stored scan whose marking lets the viewer see it, with its clusters."""
    return session.scalar(
        select(ScanRun).where(visible_clause(viewer, ScanRun))
        .order_by(ScanRun.ran_at.desc(), ScanRun.id.desc()).limit(1)
        .options(selectinload(ScanRun.clusters)))


def latest_scan_for_everyone(session: Session) -> ScanRun | None:
    """The newest stored scan made for every user (not for one state), with its clusters."""
    everyone = scan_marking(None)
    return session.scalar(
        select(ScanRun).where(ScanRun.tlp == everyone.tlp,
                              ScanRun.originator == everyone.originator)
        .order_by(ScanRun.ran_at.desc(), ScanRun.id.desc()).limit(1)
        .options(selectinload(ScanRun.clusters)))


def cluster_incidents(session: Session, run: ScanRun,
                      cluster: ScanCluster) -> list[tuple[int, int]]:
    """The incidents of a cluster as its run counts them now: (id, fatalities), by id.

    The same events as the scan's counts (:func:`liptako.warning.service.event_counts`): real,
    not deleted, of the run's event types, readable by all the run's readers, in the
    cluster's units and period; an incident recorded since the run joins them."""
    return _counted_by(session, run, Incident.occurred_on.between(cluster.starts_on,
                                                                  cluster.ends_on),
                       Incident.event_type.in_(run.event_types), UNIT.in_(cluster.units))


def latest_forecast(session: Session, viewer: Viewer | None) -> ForecastRun | None:
    """The newest stored forecast the viewer may see (None: made for every user), with its
    values."""
    everyone = scan_marking(None)
    visible: ColumnElement[bool] = visible_clause(viewer, ForecastRun) if viewer else and_(
        ForecastRun.tlp == everyone.tlp, ForecastRun.originator == everyone.originator)
    return session.scalar(
        select(ForecastRun).where(visible)
        .order_by(ForecastRun.ran_at.desc(), ForecastRun.id.desc()).limit(1)
        .options(selectinload(ForecastRun.values)))


def unit_incidents(session: Session, run: ForecastRun, unit: str, *,
                   months: int) -> list[tuple[int, int]]:
    """The events a forecast counted in one unit over the ``months`` up to its origin:
    (id, fatalities), by id."""
    first = month_shift(run.origin, 1 - months)
    last = month_shift(run.origin, 1) - dt.timedelta(days=1)
    return _counted_by(session, run, Incident.occurred_on.between(first, last),
                       UNIT == unit)  # noqa: SIM300 - a column, not a constant


def _counted_by(session: Session, run: ScanRun | ForecastRun,
                *where: ColumnElement[bool]) -> list[tuple[int, int]]:
    """(id, fatalities) of the events a stored run counts (its readers') that meet ``where``,
    by id."""
    rows = session.execute(
        select(Incident.id, func.coalesce(Incident.fatalities, 0))
        .where(*counted(scanned_for(run.tlp, run.originator)), *where).order_by(Incident.id))
    return [(int(i), int(dead)) for i, dead in rows]


def unit_history(session: Session, viewer: Viewer, unit: str, *,
                 months: int = 24) -> list[tuple[dt.date, int, int]]:
    """A unit's events and fatalities per month, (first day, events, fatalities), over the
    ``months`` up to the newest real event the viewer may see anywhere; months without an
    event at zero, the earliest first; empty while the viewer sees none."""
    real = (Incident.deleted_at.is_(None), Incident.exercise.is_(False),
            visible_clause(viewer, Incident))
    newest = session.scalar(select(func.max(Incident.occurred_on)).where(*real))
    if newest is None:
        return []
    last = newest.replace(day=1)
    first = month_shift(last, 1 - months)
    rows = session.execute(
        select(Incident.occurred_on, func.coalesce(Incident.fatalities, 0))
        .where(*real, UNIT == unit,  # noqa: SIM300 - a column, not a constant
               Incident.occurred_on.between(first, month_shift(last, 1) - dt.timedelta(days=1))))
    counts = {month_shift(first, k): [0, 0] for k in range(months)}
    # grouped here rather than in SQL: a month's expression differs between SQLite and
    # PostgreSQL, and a unit holds few rows
    for day, dead in rows:
        row = counts[day.replace(day=1)]
        row[0] += 1
        row[1] += int(dead)
    return [(month, events, dead) for month, (events, dead) in counts.items()]
