"""The map's list over millions of incidents, partitioned by month or not (issue 24, point 7).

A database of its own on the PostgreSQL server (``--server``, 127.0.0.1:5432 by default;
dropped at the end unless ``--keep``) is migrated to head, then gets ``--rows`` synthetic
incidents (5 million by default; seeded, generated in SQL by generate_series in chunks, one or
two actors each) over twelve West African states, ten admin-1 and a hundred admin-2 areas per
state, forty armed groups and twenty years, the recent years denser, as an import would leave
them: the table's secondary indexes and constraints are dropped for the load and made again
after it, then VACUUM ANALYZE.

Then the migration path of docs/scale.md, deploy/postgres/partition_incidents.sql, is printed
and run as it stands (timed): the table becomes one partitioned by month and the old one, with
the same rows and indexes, stays in the schema liptako_unpartitioned, the baseline.

Then the map's list is read through the app's own query (incidents.queries.
feature_collection, the function behind ``GET /api/v1/incidents``) with the API's page size
(500) for ``--windows`` map windows (a month or a quarter, one state, a box inside it, read by
that state's analyst), following the cursor for up to ``--pages`` pages, ``--repeats`` times,
on the partitioned table and on the baseline in turn. It prints the median and p95 time per
page of each against the target (median under 100 ms) and their ratio; exits 1 if the two
tables give different pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from liptako.auth.releasability import Viewer
from liptako.core import migrate
from liptako.core.config import Settings
from liptako.core.db import make_engine
from liptako.incidents import queries
from liptako.incidents.rules import EVENT_TYPES
from liptako.incidents.schemas import IncidentFilter

ROOT = Path(__file__).resolve().parents[1]
SQL = ROOT / "deploy" / "postgres" / "partition_incidents.sql"
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PAGE = 500  # the API's page (web/api/incidents.py DEFAULT_PAGE)
TARGET_MS = 100.0
LAST_DAY = "2026-11-30"
YEARS = 20
CHUNK = 100_000
# states and their boxes (min lon, min lat, max lon, max lat), the Sahel's first: the
# generator draws the first ones more often
STATES = {
    "BFA": (-5.5, 9.5, 2.4, 15.0), "MLI": (-12.0, 10.5, 4.2, 24.0),
    "NER": (0.2, 11.7, 15.9, 23.5), "TCD": (13.5, 7.5, 24.0, 23.4),
    "NGA": (2.7, 4.3, 14.6, 13.9), "MRT": (-17.0, 14.7, -4.8, 27.3),
    "SEN": (-17.5, 12.3, -11.4, 16.7), "GIN": (-15.0, 7.2, -7.6, 12.6),
    "CIV": (-8.6, 4.4, -2.5, 10.7), "GHA": (-3.2, 4.7, 1.2, 11.2),
    "TGO": (-0.1, 6.1, 1.8, 11.1), "BEN": (0.8, 6.2, 3.8, 12.4),
}
console = Console()


def _pick(values: list[Any]) -> str:
    """The SQL of the s-th of ``values`` (s from 1)."""
    return f"(ARRAY{values})[s]"


ISO3, X0, Y0, X1, Y1 = (_pick(list(v)) for v in zip(*((k, *box) for k, box in STATES.items()),
                                                       strict=True))


def _r(k: int) -> str:
    """The k-th uniform draw of row n, from a hash of (n, k) and the seed: the same rows
    whatever the chunks."""
    return f"((hashint8extended(n * 16 + {k}, :seed) & 2147483647) / 2147483648.0::float8)"


INCIDENTS = f"""
INSERT INTO incident (id, source, source_id, version, content_hash, occurred_on, lat, lon,
    iso3, admin1_code, admin1_name, admin2_code, admin2_name, event_type, fatalities,
    description, tlp, originator, audience, exercise, search_text, created_at, updated_at)
SELECT n, (ARRAY['acled', 'acled', 'ucdp', 'national'])[1 + floor({_r(2)} * 4)::int],
    'S' || n, 1, lpad(to_hex(n), 64, '0'),
    DATE '{LAST_DAY}' - floor(power({_r(3)}, 1.6) * {YEARS * 365})::int,
    {Y0} + {_r(4)} * ({Y1} - {Y0}), {X0} + {_r(5)} * ({X1} - {X0}), {ISO3},
    {ISO3} || '-' || a1, 'Region ' || a1, {ISO3} || '-' || a1 || '-' || a2, 'District ' || a2,
    (ARRAY{list(EVENT_TYPES)})[1 + floor({_r(8)} * {len(EVENT_TYPES)})::int],
    floor(power({_r(9)}, 4) * 50)::int, 'Synthetic event ' || n || ' in Region ' || a1,
    CASE WHEN t < 0.85 THEN 'CLEAR' WHEN t < 0.95 THEN 'GREEN'
         WHEN t < 0.99 THEN 'AMBER' ELSE 'RED' END,
    {ISO3}, '', false, 'synthetic event ' || n || ' in region ' || a1, now(), now()
FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS n, LATERAL (
    SELECT 1 + floor(power({_r(1)}, 1.6) * {len(STATES)})::int AS s,
           floor({_r(6)} * 10) AS a1, floor({_r(7)} * 10) AS a2, {_r(10)} AS t) AS draws
"""
ACTORS = """
INSERT INTO incident_actor (incident_id, role, raw, actor_id)
SELECT id, 'actor1', 'Armed group ' || g, 'group' || g
FROM incident, LATERAL (SELECT id::bigint * 7919 % 40 AS g) AS draw
WHERE id BETWEEN :first AND :last
UNION ALL
SELECT id, 'actor2', 'Military Forces of ' || iso3, 'state.' || lower(iso3) || '.military'
FROM incident WHERE id BETWEEN :first AND :last AND id % 2 = 0
"""


def _set_aside(conn: Connection, table: str) -> list[str]:
    """Drop a table's secondary indexes and its unique and foreign keys (a bulk load is faster
    without them); the statements that make them again."""
    again = [row[0] for row in conn.execute(text(
        "SELECT indexdef FROM pg_indexes WHERE tablename = :t AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass))"),
        {"t": table})]
    constraints = conn.execute(text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) AND contype IN ('u', 'f')"), {"t": table}).all()
    for name, _ in constraints:
        conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for statement in again:
        conn.execute(text(f"DROP INDEX {statement.split()[2]}"))
    return again + [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                    for name, definition in constraints]


def load(engine: Engine, rows: int, seed: int) -> float:
    """The synthetic incidents and their actors; seconds taken."""
    started = time.perf_counter()
    with engine.begin() as conn:
        again = _set_aside(conn, "incident") + _set_aside(conn, "incident_actor")
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("loading incidents", total=rows)
        for first in range(1, rows + 1, CHUNK):
            last = min(rows, first + CHUNK - 1)
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL synchronous_commit = off"))
                conn.execute(text(INCIDENTS), {"first": first, "last": last, "seed": seed})
                conn.execute(text(ACTORS), {"first": first, "last": last})
            progress.update(task, completed=last)
        task = progress.add_task("indexes and constraints", total=len(again))
        with engine.begin() as conn:
            for statement in again:
                conn.execute(text(statement))
                progress.advance(task)
            conn.execute(text("SELECT setval('incident_id_seq', :n)"), {"n": rows})
    vacuum(engine, "incident", "incident_actor")
    return time.perf_counter() - started


def vacuum(engine: Engine, *tables: str) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in tables:
            conn.execute(text(f"VACUUM ANALYZE {table}"))


def partition(engine: Engine) -> float:
    """The migration path, printed and run as it stands; seconds taken."""
    sql = SQL.read_text()
    console.rule(f"migration path: {SQL.relative_to(ROOT)}")
    console.print(sql, markup=False, highlight=False, soft_wrap=True)
    console.rule()
    started = time.perf_counter()
    with console.status("partitioning the incident table by month"), engine.begin() as conn:
        # the driver's own cursor, without parameters: the file's format() calls hold % signs
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()
    took = time.perf_counter() - started
    vacuum(engine, "incident", "liptako_unpartitioned.incident")
    return took


@dataclass(frozen=True)
class Window:
    """What a map shows: a state's analyst's period and box."""

    viewer: Viewer
    flt: IncidentFilter

    @classmethod
    def draw(cls, rng: random.Random, months: int) -> Window:
        iso3 = rng.choice(list(STATES)[:6])  # where the events are
        x0, y0, x1, y1 = STATES[iso3]
        w, h = (x1 - x0) * 0.6, (y1 - y0) * 0.6
        left, bottom = x0 + rng.random() * (x1 - x0 - w), y0 + rng.random() * (y1 - y0 - h)
        last = dt.date.fromisoformat(LAST_DAY)
        back = rng.randrange(0, 12 * 8)  # a period of the last eight years
        start = dt.date(last.year - (back // 12), 1 + (back % 12), 1)
        end_month = start.month - 1 + months
        end = dt.date(start.year + end_month // 12, 1 + end_month % 12, 1) - dt.timedelta(days=1)
        return cls(Viewer(None, iso3, ("analyst",)), IncidentFilter(
            country=[iso3], bbox=(left, bottom, left + w, bottom + h), date_from=start,
            date_to=min(end, last)))

    def label(self) -> str:
        return f"{self.flt.country[0]} {self.flt.date_from}..{self.flt.date_to}"


def read_pages(session: Session, window: Window, pages: int) -> tuple[list[float], list[Any]]:
    """Seconds per page and the pages' feature ids, following the cursor."""
    seconds, ids, cursor = [], [], None
    for _ in range(pages):
        started = time.perf_counter()
        page = queries.feature_collection(session, window.viewer, window.flt, limit=PAGE,
                                          cursor=cursor)
        seconds.append(time.perf_counter() - started)
        ids.append([f["id"] for f in page["features"]])
        cursor = page.get("next")
        if cursor is None:
            break
    return seconds, ids


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 \
        else values[0]


def measure(url: str, windows: list[Window], *, pages: int,
            repeats: int) -> tuple[dict[str, list[float]], list[str]]:
    """Seconds per page on each table (in turn, window by window), and any differences."""
    engines = {"partitioned": make_engine(url), "unpartitioned": make_engine(url)}
    times: dict[str, list[float]] = {name: [] for name in engines}
    differ: list[str] = []
    try:
        sessions = {name: Session(engine) for name, engine in engines.items()}
        sessions["unpartitioned"].execute(text(
            "SET search_path TO liptako_unpartitioned, public"))  # incident: the old table
        for session in sessions.values():
            for window in windows[:2]:  # warm up: plans, caches
                read_pages(session, window, 1)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("map pages", total=repeats * len(windows))
            for _ in range(repeats):
                for window in windows:
                    seen = {}
                    for name, session in sessions.items():
                        seconds, seen[name] = read_pages(session, window, pages)
                        times[name] += seconds
                    if seen["partitioned"] != seen["unpartitioned"]:
                        differ.append(window.label())
                    progress.advance(task)
        for session in sessions.values():
            session.close()
    finally:
        for engine in engines.values():
            engine.dispose()
    return times, differ


def report(times: dict[str, list[float]], windows: list[Window]) -> dict[str, float]:
    table = Table(title=f"map list, {PAGE} per page, {len(windows)} windows "
                        f"(a month or a quarter, one state, a box)")
    for column in ("table", "pages", "median ms", "p95 ms", f"median < {TARGET_MS:.0f} ms"):
        table.add_column(column, justify="right")
    medians = {}
    for name, seconds in times.items():
        ms = [s * 1000 for s in seconds]
        medians[name] = statistics.median(ms)
        table.add_row(name, str(len(ms)), f"{medians[name]:.1f}", f"{p95(ms):.1f}",
                      "yes" if medians[name] < TARGET_MS else "NO")
    console.print(table)
    return medians


def run(args: argparse.Namespace) -> int:
    server = make_url(args.server)
    name = f"liptako_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(Settings(env="test", database_url=url))
        engine = create_engine(url)
        try:
            loaded = load(engine, args.rows, args.seed)
            with engine.connect() as conn:
                size = int(conn.execute(text(
                    "SELECT pg_database_size(current_database())")).scalar_one())
            console.print(f"loaded {args.rows:,} incidents in {loaded:.0f} s; the database "
                          f"takes {size / 2**30:.2f} GiB")
            moved = partition(engine)
            with engine.connect() as conn:
                months = int(conn.execute(text(
                    "SELECT count(*) FROM pg_inherits WHERE inhparent = 'incident'::regclass"
                )).scalar_one())
        finally:
            engine.dispose()
        console.print(f"partitioned into {months} partitions in {moved:.0f} s "
                      f"({moved / args.rows * 1e6:.0f} s per million rows)")
        rng = random.Random(args.seed)
        windows = [Window.draw(rng, 1 if i % 2 else 3) for i in range(args.windows)]
        times, differ = measure(url, windows, pages=args.pages, repeats=args.repeats)
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    medians = report(times, windows)
    ratio = medians["partitioned"] / medians["unpartitioned"]
    console.print(
        f"{args.rows:,} incidents, {months} partitions: map page median "
        f"{medians['partitioned']:.1f} ms partitioned (target < {TARGET_MS:.0f} ms: "
        f"{'met' if medians['partitioned'] < TARGET_MS else 'MISSED'}), "
        f"{medians['unpartitioned']:.1f} ms unpartitioned, ratio {ratio:.2f}; "
        f"load {loaded:.0f} s, migration {moved:.0f} s; nproc {os.cpu_count()}"
        + (f"; pages DIFFER on {', '.join(differ)}" if differ else ""))
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--windows", type=int, default=12)
    parser.add_argument("--pages", type=int, default=4, help="pages per window at most")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--server", default=SERVER, help="a PostgreSQL database URL; the "
                        "bench creates and drops a database of its own on that server")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
