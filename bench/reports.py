"""Benchmark: a month's situation report on the whole shared ACLED data (issue 22, point 5).

Run from the repository root::

    .venv/bin/python bench/reports.py [--period 2019-07] [--country all] [--repeats 3]
        [--data ../shared/data] [--database-url URL] [--no-analytics] [--profile]

A fresh, migrated SQLite database in a temporary directory gets every event of
``acled_sahel.csv`` (Mali, Burkina Faso, Niger) through the importer ``liptako ingest acled``
runs (:func:`liptako.cli.ingest.load_parsed`: the registry, the actors, the Charter
evaluation of each incident), then one hotspot scan (the two years up to the latest event, as
``liptako warning scan`` by default) and one forecast (as ``liptako forecast run``), so that
the report's hotspot and forecast sections have content (``--no-analytics`` skips both). With
``--database-url`` an existing migrated database is used as it stands; only when it holds no
incident is it loaded as above.

Then the report for ``--period`` (default: the last complete month of the data) and
``--country`` is built as PDF for the secretariat, ``--repeats`` times
(:func:`liptako.reports.service.make_sitrep`, each in a transaction rolled back afterwards so
that every run sees the same database): each run's time split into the steps make_sitrep
reports (incidents, context, typesetting, and the audit record after them), the median
against the 10 s target and the median's ratio to the baseline, the plain read of the rows
the report counts (one SELECT of the period's incidents the reader may see, the columns the
report reads). ``--profile`` prints where one more run spends its time (cProfile). Exits 1
if the median misses the target.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import itertools
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import liptako.models  # noqa: F401 - every table mapped, so that foreign keys resolve
from liptako.audit.service import SYSTEM
from liptako.auth.rules import SECRETARIAT
from liptako.cli.common import progress_bar
from liptako.core import migrate
from liptako.core.config import Settings
from liptako.core.db import make_engine
from liptako.incidents.models import Incident
from liptako.obligations.models import StoredDetermination
from liptako.reports.service import STEPS, Built, make_sitrep
from liptako.reports.sitrep import Reader, SitrepRequest, in_scope

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
TARGET_S = 10.0
READER = Reader(None, "secretariat", SECRETARIAT, ("secretariat",))


# --- the database ----------------------------------------------------------------------------


def load_acled(settings: Settings, path: Path) -> str:
    """Every event of ``path`` through the importer of ``liptako ingest acled``; its summary."""
    from liptako.cli.ingest import load_parsed
    from liptako.ingest.acled import read_acled

    started = time.perf_counter()
    with progress_bar("ingest acled") as bar:
        task = bar.add_task("ingest", total=path.stat().st_size)
        with bar.open(path, "rb", task_id=task) as handle:
            counts, _bad = load_parsed(settings, read_acled(handle, today=dt.date.today()),
                                       batch_size=5000)
    s = counts.summary()
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        found = session.execute(select(
            func.count(), func.count().filter(StoredDetermination.engaged != ""),
            func.count().filter(StoredDetermination.undetermined != ""))).one()
    engine.dispose()
    return (f"ACLED {path.name}: read {s['read']:,}, inserted {s['inserted']:,}, rejected "
            f"{s['rejected']}, outside their country {s['outside_country']}; Charter "
            f"determinations {found[0]:,} ({found[1]:,} engaging an article, {found[2]:,} "
            f"undetermined); {time.perf_counter() - started:.1f} s (not timed below)")


def run_analytics(session: Session) -> str:
    """One hotspot scan and one forecast with the commands' defaults; what they found."""
    from liptako.warning.forecast import run_forecast
    from liptako.warning.schemas import (
        DEFAULT_MONTHS,
        VIOLENCE,
        ForecastParameters,
        ScanParameters,
        month_shift,
    )
    from liptako.warning.service import latest_event_day, run_scan

    now = dt.datetime.now(dt.UTC)
    day = latest_event_day(session, for_state=None, event_types=VIOLENCE)
    if day is None:
        return "no event to scan or forecast from: hotspots and forecasts skipped"
    last = day.replace(day=1)
    started = time.perf_counter()
    with progress_bar("scan") as bar:
        task = bar.add_task("scan", total=None)
        scan = run_scan(session, ScanParameters(month_shift(last, 1 - DEFAULT_MONTHS), last),
                        actor=SYSTEM, now=now,
                        progress=lambda done, total: bar.update(task, completed=done,
                                                                total=total))
    scanned = time.perf_counter() - started
    with progress_bar("forecast") as bar:
        task = bar.add_task("forecast", total=None)
        forecast = run_forecast(session, ForecastParameters(), actor=SYSTEM, now=now,
                                progress=lambda done, total: bar.update(task, completed=done,
                                                                        total=total))
    return (f"scan {scan.starts_on:%Y-%m}..{scan.ends_on:%Y-%m}: {len(scan.clusters)} "
            f"cluster(s), {scanned:.1f} s; forecast after {forecast.origin:%Y-%m}: "
            f"{forecast.seconds:.1f} s (neither timed below)")


def prepare(url: str, data: Path, *, fresh: bool, analytics: bool) -> None:
    """Load the shared data into the database at ``url`` unless it holds incidents."""
    settings = Settings(env="test", database_url=url)
    if fresh:
        migrate.upgrade(settings)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            held = session.scalar(select(func.count()).select_from(Incident)) or 0
        if held:
            print(f"database holds {held:,} incidents: used as it stands")
            return
        print(load_acled(settings, data / "acled_sahel.csv"))
        if analytics:
            with Session(engine) as session, session.begin():
                print(run_analytics(session))
        else:
            print("hotspot scan and forecast skipped (--no-analytics): those sections empty")
    finally:
        engine.dispose()


def last_complete_month(session: Session) -> str:
    """The month of the latest event if it falls on the month's last day, else the one
    before (a month whose last days are missing would look quieter than it was)."""
    day = session.scalar(select(func.max(Incident.occurred_on))
                         .where(Incident.deleted_at.is_(None), Incident.exercise.is_(False)))
    if day is None:
        raise SystemExit("the database holds no incident: nothing to report on")
    if (day + dt.timedelta(days=1)).day != 1:
        day = day.replace(day=1) - dt.timedelta(days=1)
    return f"{day:%Y-%m}"


# --- timing ----------------------------------------------------------------------------------


def build(session: Session, request: SitrepRequest) -> tuple[Built, dict[str, float], float]:
    """One PDF report, rolled back; its content, each step's seconds and the total."""
    marks: list[float] = []
    started = time.perf_counter()
    built = make_sitrep(session, request, "pdf", reader=READER, actor=SYSTEM,
                        now=dt.datetime.now(dt.UTC),
                        step=lambda _: marks.append(time.perf_counter()))
    total = time.perf_counter() - started
    session.rollback()  # the audit record: every run sees the same database
    edges = [started, *marks, started + total]
    steps = dict(zip([*STEPS, "audit"], [b - a for a, b in itertools.pairwise(edges)],
                     strict=True))
    return built, steps, total


def plain_read(session: Session, request: SitrepRequest) -> tuple[float, int]:
    """Seconds and rows of one SELECT of the period's incidents the reader may see."""
    started = time.perf_counter()
    rows = session.execute(
        select(Incident.occurred_on, Incident.event_type, Incident.fatalities, Incident.lat,
               Incident.lon, Incident.tlp, Incident.source)
        .where(in_scope(READER, request.country, request.period))).all()
    session.rollback()
    return time.perf_counter() - started, len(rows)


def timed_runs(session: Session, request: SitrepRequest,
               repeats: int) -> tuple[list[float], list[dict[str, float]], Built]:
    """``repeats`` builds, each printed as it ends."""
    totals, splits, built = [], [], None
    for k in range(1, repeats + 1):
        built, steps, total = build(session, request)
        totals.append(total)
        splits.append(steps)
        print(f"  run {k}: {total:6.2f} s  (" + ", ".join(f"{name} {s:.2f}"
                                                       for name, s in steps.items()) + ")")
    assert built is not None
    return totals, splits, built


def describe(built: Built) -> str:
    report = built.report
    pages = len(pypdf.PdfReader(io.BytesIO(built.content)).pages)
    ctx = {k: len(v) for k, v in report.context.items()}
    return (f"  PDF {len(built.content):,} bytes, {pages} pages, TLP:{report.tlp}; "
            f"{report.headline[0].now} events, {report.headline[1].now} fatalities "
            f"(previous period {report.headline[0].before}, {report.headline[1].before}); "
            f"{len(report.points)} map points; context rows: "
            + ", ".join(f"{k} {n}" for k, n in ctx.items()))


def profile(run: Callable[[], Any], top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(run)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


# --- main ------------------------------------------------------------------------------------


def report_section(url: str, args: argparse.Namespace) -> bool:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            period = args.period or last_complete_month(session)
            session.rollback()
            request = SitrepRequest.parse(period, args.country, "fr")
            print(f"\nsitrep {period} ({request.country}), PDF for the secretariat, "
                  f"{args.repeats} runs:")
            totals, splits, built = timed_runs(session, request, args.repeats)
            reads = [plain_read(session, request) for _ in range(args.repeats)]
            print(describe(built))
            median = statistics.median(totals)
            base = statistics.median(r[0] for r in reads)
            print("  steps (median s): " + ", ".join(
                f"{name} {statistics.median(s[name] for s in splits):.2f}"
                for name in splits[0]))
            print(f"  baseline: plain read of the period's {reads[0][1]:,} incidents, median "
                  f"{base * 1000:.1f} ms; report / baseline x{median / base:,.0f}")
            ok = median <= TARGET_S
            print(f"  median {median:.2f} s (runs {', '.join(f'{t:.2f}' for t in totals)} s); "
                  f"target <= {TARGET_S:.0f} s: ratio {median / TARGET_S:.3f}, "
                  f"{'met' if ok else 'NOT met'}")
            if args.profile:
                profile(lambda: build(session, request))
    finally:
        engine.dispose()
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--period", default=None, help="2019-07, 2019, or two days joined by "
                    "':' (default: the last complete month of the data)")
    ap.add_argument("--country", default="all", help="all, BFA, MLI or NER")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    ap.add_argument("--database-url", default=None, help="an existing migrated database")
    ap.add_argument("--no-analytics", action="store_true",
                    help="skip the hotspot scan and the forecast of a fresh database")
    ap.add_argument("--profile", action="store_true", help="cProfile one more run")
    args = ap.parse_args()
    if args.database_url is None and not (args.data / "acled_sahel.csv").exists():
        print(f"ACLED: {args.data / 'acled_sahel.csv'} not found, skipped")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        prepare(url, args.data, fresh=args.database_url is None,
                analytics=not args.no_analytics)
        ok = report_section(url, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
