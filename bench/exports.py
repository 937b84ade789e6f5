"""Exports of incidents: rows per second and peak memory, CSV / GeoJSON / XLSX.

A fresh, migrated SQLite database in a temporary directory (or ``--database-url``, an empty
migrated database of your own) gets ``--rows`` incidents (100,000 by default) in one bulk
insert; then each format is exported twice to a temporary file through
:func:`liptako.reports.exports.export_incidents`, the domain function behind
``GET /api/v1/incidents/export``: once timed, once under tracemalloc for its peak (Python
allocations). The peak of an export of a tenth of the rows is printed beside it: a streamed
export's ratio stays near 1, one that held every row would be near 10. Exits 1 if a ratio
exceeds 1.5.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from liptako.audit.service import Actor
from liptako.auth.releasability import Viewer
from liptako.core import migrate
from liptako.core.config import Settings
from liptako.core.db import make_engine
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentFilter
from liptako.reports.exports import export_incidents
from liptako.reports.writers import FORMATS

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
START = dt.date(2000, 1, 1)
PER_DAY = 20
VIEWER = Viewer(None, "BFA", ("analyst",))


def seed(session: Session, n: int) -> None:
    batch = 10_000
    for first in range(0, n, batch):
        session.execute(insert(Incident), [
            {"source": "acled", "source_id": f"BENCH{i:08d}", "content_hash": f"{i:064x}",
             "occurred_on": START + dt.timedelta(days=i // PER_DAY),
             "lat": 12.0 + (i % 97) * 0.01, "lon": -1.5 + (i % 89) * 0.01, "iso3": "BFA",
             "admin1_code": "BF13", "admin1_name": "Centre-Nord", "src_location": "Kaya",
             "event_type": "battle", "fatalities": i % 9,
             "description": f"Clash {i} between an armed group and the army near Kaya.",
             "tlp": "GREEN", "originator": "BFA", "audience": "", "created_at": NOW,
             "updated_at": NOW} for i in range(first, min(n, first + batch))])


def export(session: Session, fmt: str, rows: int, *, traced: bool) -> tuple[float, int, int]:
    """Seconds, peak bytes (0 untraced) and the rows written, for the first ``rows``."""
    flt = IncidentFilter(date_to=START + dt.timedelta(days=rows // PER_DAY - 1))
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        count = export_incidents(session, VIEWER, flt, fmt=fmt, out=out,
                                 actor=Actor(None, "bench", "BFA"), now=NOW)
    seconds = time.perf_counter() - started
    peak = 0
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, peak, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        if args.database_url is None:
            migrate.upgrade(Settings(env="test", database_url=url))
        engine = make_engine(url)
        with Session(engine) as session:
            started = time.perf_counter()
            seed(session, args.rows)
            session.flush()
            print(f"seeded {args.rows:,} incidents in {time.perf_counter() - started:.1f} s")
            worst = 0.0
            for fmt in FORMATS:
                seconds, _, count = export(session, fmt, args.rows, traced=False)
                _, small, _ = export(session, fmt, args.rows // 10, traced=True)
                _, large, _ = export(session, fmt, args.rows, traced=True)
                ratio = large / small
                worst = max(worst, ratio)
                print(f"{fmt:8} {count:,} rows in {seconds:5.1f} s = {count / seconds:8,.0f} "
                      f"rows/s; peak {large / 1e6:5.2f} MB ({small / 1e6:5.2f} MB for "
                      f"{args.rows // 10:,} rows: x{ratio:.2f})")
            session.rollback()
        engine.dispose()
    print(f"worst peak ratio (10x the rows): x{worst:.2f}; target below x1.5")
    return 0 if worst <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
