"""Early-warning use cases: run a hotspot scan over the stored events and keep its results."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.auth.releasability import visible_clause
from liptako.core.clock import as_utc
from liptako.core.errors import RuleViolation
from liptako.incidents.models import Incident
from liptako.warning.analytics.emerging import emerging_hot_spots
from liptako.warning.analytics.scan import Cluster, ScanSettings, space_time_permutation_scan
from liptako.warning.analytics.trends import Period
from liptako.warning.areas import Areas, areas
from liptako.warning.models import ScanCluster, ScanRun
from liptako.warning.rules import scan_marking, weakest_reader
from liptako.warning.schemas import ScanParameters, study_periods

Progress = Callable[[int, int], None]  # (steps done, steps in all)


def run_scan(session: Session, params: ScanParameters, *, actor: audit.Actor,
             now: dt.datetime, progress: Progress | None = None) -> ScanRun:
    """Run the prospective space-time permutation scan and the emerging hot spot analysis
    over the stored events the scan's readers may see, store both, and audit the run."""
    started = time.perf_counter()
    periods = study_periods(params)
    grid = areas(params.area_level)
    counts, skipped = event_counts(session, params, periods, grid)
    if counts.sum() == 0:
        raise RuleViolation(f"events: expected at least one {', '.join(params.event_types)} "
                            f"event in {params.study_period} to scan, got none")
    try:
        settings = ScanSettings(max_share=params.max_share, max_radius_km=params.max_radius_km,
                                max_duration=params.max_duration,
                                replications=params.replications, prospective=True)
    except ValueError as exc:
        raise RuleViolation(str(exc)) from None
    steps = params.replications + len(periods)
    # a unit without any event in the study period has no expectation in any cylinder and
    # changes no likelihood ratio: left in, it only ties circles that carry it with circles
    # that do not, and a cluster would spread over places where nothing happened
    active = np.flatnonzero(counts.sum(axis=1) > 0)
    scan = space_time_permutation_scan(
        counts[active], grid.coords_km[active], seed=params.seed, settings=settings,
        progress=None if progress is None else lambda done, _total: progress(done, steps))
    hot = emerging_hot_spots(
        counts, grid.neighbours, permutations=params.gi_permutations, seed=params.seed,
        progress=None if progress is None else
        lambda t: progress(params.replications + t, steps))
    if progress is not None:
        progress(steps, steps)
    run = _stored(params, counts, skipped, periods, grid, actor=actor, now=as_utc(now))
    run.categories = {code: str(c) for code, c in zip(grid.codes, hot.categories, strict=True)}
    run.clusters = [_cluster(rank, c, periods, [grid.codes[k] for k in active])
                    for rank, c in enumerate(scan.clusters, start=1)]
    run.seconds = round(time.perf_counter() - started, 3)
    session.add(run)
    session.flush()
    audit.record(session, actor=actor, action="warning.scan", target_type="scan_run",
                 target_id=run.id, now=run.ran_at, after=summary(run),
                 detail={"parameters": _parameters(params)})
    return run


# the unit an event counts in: a shipped unit is admin-2 in Burkina Faso (its provinces),
# admin-1 elsewhere
UNIT: ColumnElement[str] = func.coalesce(Incident.admin2_code, Incident.admin1_code)


def counted(for_state: str | None) -> tuple[ColumnElement[bool], ...]:
    """What a scan or a forecast for these readers counts: live, real events they may all
    see."""
    return Incident.deleted_at.is_(None), Incident.exercise.is_(False), readable(for_state)


def event_counts(session: Session, params: ScanParameters, periods: list[Period],
                 grid: Areas) -> tuple[NDArray[np.int64], int]:
    """Events per unit (rows, ``grid``'s order) and period (columns), and how many events of
    the study period were skipped for want of a unit (never placed on the shipped map)."""
    span = params.study_period
    stmt = (select(Incident.occurred_on, UNIT, func.count())
            .where(*counted(params.for_state), Incident.occurred_on.between(span.start, span.end),
                   Incident.event_type.in_(params.event_types))
            .group_by(Incident.occurred_on, UNIT))
    starts = np.array([p.start for p in periods], dtype="datetime64[D]")
    position = grid.position()
    counts = np.zeros((len(grid.codes), len(periods)), dtype=np.int64)
    skipped = 0
    for day, code, n in session.execute(stmt):
        row = position.get(code)
        if row is None:
            skipped += n
            continue
        column = int(np.searchsorted(starts, np.datetime64(day, "D"), side="right")) - 1
        counts[row, column] += n
    return counts, skipped


def readable(for_state: str | None) -> ColumnElement[bool]:
    """The events every reader of a scan may see (:mod:`liptako.warning.rules`)."""
    if for_state is None:
        return Incident.tlp.in_(("CLEAR", "GREEN"))
    return visible_clause(weakest_reader(for_state), Incident)


def latest_event_day(session: Session, *, for_state: str | None,
                     event_types: tuple[str, ...]) -> dt.date | None:
    """The day of the newest event a scan for these readers and types would count."""
    return session.scalar(select(func.max(Incident.occurred_on)).where(
        *counted(for_state), Incident.event_type.in_(event_types)))


def summary(run: ScanRun) -> dict[str, object]:
    """What a run found, in a few numbers: for the audit trail and the command's last line."""
    significant = [c for c in run.clusters if c.p_value <= 0.05]
    hot = sorted({c for c in run.categories.values() if c.endswith("hot spot")})
    return {"events": run.events, "skipped": run.skipped, "clusters": len(run.clusters),
            "significant": len(significant),
            "hot_units": sum(1 for c in run.categories.values() if c.endswith("hot spot")),
            "cold_units": sum(1 for c in run.categories.values() if c.endswith("cold spot")),
            "hot_categories": hot}


def _stored(params: ScanParameters, counts: NDArray[np.int64], skipped: int,
            periods: list[Period], grid: Areas, *, actor: audit.Actor,
            now: dt.datetime) -> ScanRun:
    marking = scan_marking(params.for_state)
    span = params.study_period
    return ScanRun(
        ran_at=now, ran_by=actor.id, ran_by_name=actor.name, starts_on=span.start,
        ends_on=span.end, time_unit=params.time_unit, periods=len(periods),
        area_level=grid.level, event_types=list(params.event_types),
        replications=params.replications, gi_permutations=params.gi_permutations,
        seed=params.seed, max_share=params.max_share,
        max_radius_km=params.max_radius_km,
        max_duration=params.max_duration or max(1, len(periods) // 2),
        events=int(counts.sum()), skipped=skipped, seconds=0.0, categories={},
        tlp=marking.tlp, originator=marking.originator, audience=marking.audience)


def _cluster(rank: int, found: Cluster, periods: list[Period],
             codes: list[str]) -> ScanCluster:
    finite = np.isfinite(found.relative_risk)
    return ScanCluster(
        rank=rank, units=[codes[k] for k in found.locations],
        radius_km=round(found.radius_km, 3), starts_on=periods[found.start].start,
        ends_on=periods[found.end].end, observed=found.observed, expected=found.expected,
        relative_risk=float(found.relative_risk) if finite else None, llr=found.llr,
        p_value=found.p_value)


def _parameters(params: ScanParameters) -> dict[str, object]:
    values = asdict(params)
    values.update(first_month=f"{params.first_month:%Y-%m}",
                  last_month=f"{params.last_month:%Y-%m}",
                  event_types=list(params.event_types))
    return values
