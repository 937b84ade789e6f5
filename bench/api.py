"""Benchmark: the HTTP API under load on PostgreSQL (goals G4.1, G4.2) and the map page.

Run from the repository root (needs ``wrk`` - ``apt-get install wrk`` - and a PostgreSQL server
that lets us create a database); about 4 minutes::

    .venv/bin/python bench/api.py [--incidents 100000] [--workers 2] [--connections 64]
                                  [--duration 12] [--warmup 3] [--create-low 8] [--seed 7]
                                  [--map-target 10000] [--skip-map] [--keep]
                                  [--postgres postgresql+psycopg://postgres@127.0.0.1:5432]

All in one run, loopback only:

1. creates ``liptako_bench_<random>``, runs ``liptako init --no-sample`` and creates a BFA
   analyst with ``liptako users create``;
2. seeds ``--incidents`` incidents straight into ``incident`` / ``incident_actor`` with
   SQLAlchemy Core executemany INSERTs (ids drawn from the table's sequence; the API one by
   one would take an hour; each row with its actor ids, map feature and longitude band, as
   the app stores them): points resampled from ``shared/data/acled_sahel.csv`` with 0.02°
   jitter and placed with the project's own ``place_points``; actors resolved with
   ``normalise``; 40 % ACLED rows (CLEAR), 60 % national reports by the state the point lies
   in (CLEAR 30 %, GREEN 30 %, AMBER 40 %, a third of AMBER shared with one other state);
   dates 2015-01-01..yesterday with a density rising linearly over time (as the real Sahel
   series does), its slope solved so that the map page's default period (its last 13
   months) holds ``--map-target`` incidents the analyst may see. One ``incident.import``
   audit entry records the seed; then ``ANALYZE``;
3. starts ``liptako serve --workers N`` (``LIPTAKO_ENV=prod``; it logs to a temp file), times
   the map page (``bench/api_map.py``), primes each worker with a few sequential requests on
   fresh connections (their first query and creation fill lazy caches: reported), then per
   workload runs ``wrk -t1`` for ``--warmup`` s (discarded) and ``--duration`` s:
   ``GET /api/v1/health`` (the in-run baseline); bbox + period queries (512 precomputed URLs
   rotated: boxes of 1-3° around resampled event sites, periods of 3-12 months,
   ``limit=100``, bearer token); authenticated creations (256 precomputed bodies rotated;
   each a durable commit with audit entries), at ``--create-low`` connections first and then
   at ``--connections``. Reported per run: requests/s, p50, p99 (wrk leaves requests that
   time out after 5 s out of its percentiles: they count as errors), errors, the ratio to
   health, CPU per request of the app workers and of PostgreSQL (from /proc), the cores
   other processes took meanwhile (the machine is shared), what the app's PostgreSQL
   sessions were doing half-way through, and for creations rows written against 2xx;
4. stops the server (its process group; SIGKILL after 20 s), runs ``liptako audit verify``
   and drops the database (unless ``--keep``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import polars as pl
from sqlalchemy import create_engine, extract, func, insert, select, text
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.auth.releasability import Viewer, audience_text
from liptako.core.adminlevels import levels_of
from liptako.core.db import make_engine
from liptako.core.geo import admin_index
from liptako.incidents.queries import filtered
from liptako.incidents.rules import acled_event_type, with_derived
from liptako.incidents.schemas import IncidentFilter
from liptako.ingest.place import place_points
from liptako.intel.normalise import normalise
from liptako.models import Base  # every table, so that foreign keys resolve

REPO = Path(__file__).resolve().parents[1]
ACLED = REPO.parent / "shared" / "data" / "acled_sahel.csv"
BIN = Path(sys.executable).parent
START = dt.date(2015, 1, 1)
JITTER_DEG = 0.02
TARGETS = {"query": (1000.0, 100.0), "create": (500.0, 100.0)}  # requests/s, p99 ms
MAP_TARGET_S = 2.0
USER, STATE = "bench_bfa", "BFA"


# --- database lifecycle ------------------------------------------------------------------


@contextmanager
def scratch_database(server: str, *, keep: bool) -> Iterator[str]:
    """A fresh database on ``server``; dropped at the end (other sessions are cut first)."""
    name = f"liptako_bench_{secrets.token_hex(4)}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"dropped database {name}")
        admin.dispose()


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "liptako"), *args], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise SystemExit(f"liptako {' '.join(args)} failed ({done.returncode}): "
                         f"{done.stderr.strip()}")
    return done.stdout


# --- the synthetic registry ------------------------------------------------------------------


def source_table() -> dict[str, Any]:
    """The real events to resample, with their common event type and resolved actors."""
    src = pl.read_csv(ACLED, infer_schema=False)
    actors = [actor_rows(dt.date.fromisoformat(day), a1, a2) for a1, a2, day in zip(
        src["actor1"], src["actor2"], src["event_date"], strict=True)]
    return {
        "lat": src["latitude"].cast(pl.Float64).to_numpy(),
        "lon": src["longitude"].cast(pl.Float64).to_numpy(),
        "iso3": src["iso3"].to_numpy(),
        "event_type": [acled_event_type(t) or "strategic_development"
                       for t in src["event_type"]],
        "sub_event_type": src["sub_event_type"].to_list(),
        "fatalities": src["fatalities"].cast(pl.Int64, strict=False).fill_null(0).to_numpy(),
        "notes": src["notes"].to_list(), "location": src["location"].to_list(),
        "actors": actors,
    }


def actor_rows(on: dt.date, actor1: str | None,
               actor2: str | None) -> list[tuple[str | None, ...]]:
    """(role, raw, actor_id, attribution, period) per canonical match, as the importer does."""
    rows: list[tuple[str | None, ...]] = []
    for role, raw in (("actor1", actor1), ("actor2", actor2)):
        if not raw:
            continue
        matches: list[tuple[str | None, ...]] = [
            (m.actor_id, m.attribution, m.period) for m in normalise(raw, on=on, source="acled")]
        rows += [(role, raw[:300], *m) for m in matches or [(None, None, None)]]
    return rows


def window_start(end: dt.date) -> dt.date:
    """First day of the map page's default period: the last month of data minus 12."""
    return dt.date(end.year - 1, end.month, 1)


def ramp_dates(rng: np.random.Generator, n: int, end: dt.date, share: float) -> np.ndarray:
    """Days START..end with a density rising linearly, ``share`` of them in the map window."""
    days = (end - START).days + 1
    t = np.arange(days) / (days - 1)
    recent = np.arange(days) >= (window_start(end) - START).days
    lo, hi = -0.99, 200.0
    for _ in range(60):  # bisection on the slope: the recent share grows with it
        slope = (lo + hi) / 2
        w = 1 + slope * t
        lo, hi = (slope, hi) if w[recent].sum() / w.sum() < share else (lo, slope)
    w = 1 + (lo + hi) / 2 * t
    offsets = rng.choice(days, size=n, p=w / w.sum())
    return np.datetime64(START.isoformat()) + offsets.astype("timedelta64[D]")


def synthetic_rows(src: dict[str, Any], n: int, seed: int, end: dt.date,
                   map_target: int) -> tuple[list[dict[str, Any]], list[list[tuple[Any, ...]]]]:
    """``n`` incident rows and their actor rows (see the module docstring for the mix)."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(src["lat"]), n)
    lat = np.round(src["lat"][pick] + rng.normal(0, JITTER_DEG, n), 5)
    lon = np.round(src["lon"][pick] + rng.normal(0, JITTER_DEG, n), 5)
    iso3 = src["iso3"][pick]
    points = place_points(lat, lon, iso3)
    national = rng.random(n) >= 0.4
    tlp = np.where(national, rng.choice(["CLEAR", "GREEN", "AMBER"], n, p=[.3, .3, .4]),
                   "CLEAR")
    shared = (tlp == "AMBER") & (rng.random(n) < 1 / 3)
    other = {"BFA": ("MLI", "NER"), "MLI": ("BFA", "NER"), "NER": ("BFA", "MLI")}
    visible = (tlp != "AMBER") | (iso3 == STATE)  # before sharing; made exact below
    audience = [""] * n
    for j in np.flatnonzero(shared):
        audience[j] = audience_text([other[iso3[j]][int(rng.integers(0, 2))]])
        visible[j] |= f",{STATE}," in audience[j]
    dates = ramp_dates(rng, n, end, map_target / max(1, int(visible.sum())))
    now = dt.datetime.now(dt.UTC)
    levels = [levels_of(unit) for unit in admin_index().units]
    rows = []
    for i in range(n):
        k, unit = int(pick[i]), int(points.unit[i])
        a1, a1n, a2, a2n = levels[unit] if unit >= 0 else levels_of(None)
        origin = str(iso3[i]) if national[i] else "ACLED"
        rows.append({
            "source": "national" if national[i] else "acled",
            "source_id": f"{origin}-bench-{i}", "source_version": "1", "version": 1,
            "content_hash": f"{i:064x}", "occurred_on": dates[i].item(), "date_precision": 1,
            "lat": float(lat[i]), "lon": float(lon[i]), "geo_precision": 1,
            "iso3": str(iso3[i]), "admin1_code": a1, "admin1_name": a1n, "admin2_code": a2,
            "admin2_name": a2n, "admin_method": "point" if unit >= 0 else None,
            "priogrid_gid": int(points.priogrid_gid[i]),
            "in_liptako_gourma": bool(points.in_liptako_gourma[i]),
            "src_location": src["location"][k], "event_type": src["event_type"][k],
            "src_sub_event_type": src["sub_event_type"][k],
            "fatalities": int(src["fatalities"][k]), "description": src["notes"][k],
            "tlp": str(tlp[i]), "originator": origin, "audience": audience[i],
            "created_at": now, "updated_at": now,
        })
    return rows, [src["actors"][int(k)] for k in pick]


def seed(url: str, src: dict[str, Any], n: int, seed_: int, map_target: int,
         chunk: int = 10_000) -> float:
    """Bulk-insert the synthetic registry; returns the seconds it took.

    Ids are drawn from the table's own sequence first, so that plain executemany INSERTs
    (batched by SQLAlchemy's insertmanyvalues) can carry them: ``RETURNING`` with
    ``sort_by_parameter_order`` was ~5x slower here.
    """
    started = time.perf_counter()
    end = dt.date.today() - dt.timedelta(days=1)
    rows, actors = synthetic_rows(src, n, seed_, end, map_target)
    engine = make_engine(url)
    with engine.begin() as conn:
        ids = conn.scalars(text("SELECT nextval(pg_get_serial_sequence('incident', 'id')) "
                                "FROM generate_series(1, :n)"), {"n": n}).all()
        for lo in range(0, n, chunk):
            part = [with_derived({**row, "id": iid}, (a[2] for a in acts))
                    for row, iid, acts in zip(rows[lo:lo + chunk], ids[lo:lo + chunk],
                                              actors[lo:lo + chunk], strict=True)]
            conn.execute(insert(Base.metadata.tables["incident"]), part)
            conn.execute(insert(Base.metadata.tables["incident_actor"]), [
                {"incident_id": iid, "role": a[0], "raw": a[1], "actor_id": a[2],
                 "attribution": a[3], "period": a[4]}
                for iid, acts in zip(ids[lo:lo + chunk], actors[lo:lo + chunk], strict=True)
                for a in acts])
    with Session(engine) as session:
        audit.record(session, actor=audit.SYSTEM, action="incident.import",
                     target_type="import", target_id="bench", now=dt.datetime.now(dt.UTC),
                     detail={"rows": n, "seed": seed_})
        session.commit()
    with engine.connect() as conn:
        conn.execute(text("ANALYZE incident; ANALYZE incident_actor"))
        conn.commit()
    engine.dispose()
    return time.perf_counter() - started


def visible_by_month(url: str) -> dict[str, int]:
    """Incidents the bench analyst may see, per month (the page's own filter)."""
    engine = make_engine(url)
    viewer = Viewer(None, STATE, ("analyst",))
    sub = filtered(viewer, IncidentFilter()).subquery()
    year, month = extract("year", sub.c.occurred_on), extract("month", sub.c.occurred_on)
    with engine.connect() as conn:
        out = {f"{int(y):04d}-{int(m):02d}": int(c) for y, m, c in conn.execute(
            select(year, month, func.count()).group_by(year, month))}
    engine.dispose()
    return dict(sorted(out.items()))


# --- workloads -----------------------------------------------------------------------------


def query_paths(rng: np.random.Generator, src: dict[str, Any], end: dt.date,
                k: int = 512) -> list[str]:
    paths = []
    for _ in range(k):
        i = int(rng.integers(0, len(src["lat"])))
        w, h = rng.uniform(1, 3, 2)
        cx, cy = src["lon"][i] + rng.normal(0, 0.3), src["lat"][i] + rng.normal(0, 0.3)
        months = int(rng.integers(3, 13))
        first = START + dt.timedelta(days=int(rng.integers(0, (end - START).days - 31 * months)))
        last = min(end, first + dt.timedelta(days=round(30.44 * months)))
        paths.append(f"/api/v1/incidents?bbox={cx - w / 2:.3f},{cy - h / 2:.3f},"
                     f"{cx + w / 2:.3f},{cy + h / 2:.3f}&from={first}&to={last}&limit=100")
    return paths


def create_bodies(rng: np.random.Generator, src: dict[str, Any], end: dt.date,
                  k: int = 256) -> list[str]:
    actors = ("JNIM", "Islamic State Sahel", "Ansarul Islam", "Unidentified Armed Group")
    bodies = []
    for j in range(k):
        i = int(rng.integers(0, len(src["lat"])))
        day = START + dt.timedelta(days=int(rng.integers(0, (end - START).days)))
        bodies.append(json.dumps({
            "occurred_on": day.isoformat(),
            "location": {"lat": round(float(src["lat"][i]) + rng.normal(0, .02), 5),
                         "lon": round(float(src["lon"][i]) + rng.normal(0, .02), 5)},
            "description": f"Bench report {j}: armed men attacked a post.",
            "event_type": src["event_type"][i], "fatalities": int(rng.integers(0, 20)),
            "perpetrator": {"kind": "non_state_armed_group", "group_type": "jihadist",
                            "actor": actors[j % len(actors)]},
            "target": {"kind": "state_forces", "party": STATE},
            "tlp": ("CLEAR", "GREEN", "AMBER")[j % 3], "audience": ["NER"] if j % 6 == 2 else []}))
    return bodies


def lua_script(method: str, paths: list[str], bodies: list[str], token: str | None) -> str:
    def lua_list(items: list[str]) -> str:
        return "{" + ",".join(json.dumps(s) for s in items) + "}"

    headers = 'wrk.headers["Content-Type"] = "application/json"\n' if bodies else ""
    if token:
        headers += f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    return f"""
local paths = {lua_list(paths)}
local bodies = {lua_list(bodies)}
local i = 0
{headers}
request = function()
  i = i + 1
  local body = nil
  if #bodies > 0 then body = bodies[(i - 1) % #bodies + 1] end
  return wrk.format("{method}", paths[(i - 1) % #paths + 1], nil, body)
end
done = function(s, latency, requests)
  io.write(string.format(
    "BENCH_JSON {{\\"requests\\": %d, \\"duration_us\\": %d, \\"bytes\\": %d, " ..
    "\\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, \\"status\\": %d, \\"timeout\\": %d, " ..
    "\\"p50\\": %d, \\"p99\\": %d, \\"max\\": %d}}\\n",
    s.requests, s.duration, s.bytes, s.errors.connect, s.errors.read, s.errors.write,
    s.errors.status, s.errors.timeout, latency:percentile(50), latency:percentile(99),
    latency.max))
end
"""


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (from /proc)."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            continue
    return out


def cpu_since(start: dict[int, float], pids: list[int]) -> float:
    """CPU the processes alive now spent since ``start`` (new ones count from zero)."""
    return sum(cpu - start.get(pid, 0.0) for pid, cpu in cpu_by_pid(pids).items())


def pids_named(name: str) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/comm"):
        try:
            if stat.read_text().strip() == name:
                out.append(int(stat.parent.name))
        except OSError:
            continue
    return out


def children(pid: int) -> list[int]:
    found = [pid]
    for p in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(p.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found += children(int(p.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def machine_busy() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def run_wrk(base: str, script: Path, connections: int, server_pid: int, seconds: int,
            watch: Callable[[], dict[str, Any]] | None = None) -> dict[str, Any]:
    """One wrk run; CPU per process group from /proc; ``watch`` is sampled half-way."""
    app = children(server_pid)
    cpu0 = (cpu_by_pid(app), cpu_by_pid(pids_named("postgres")), machine_busy(),
            resource.getrusage(resource.RUSAGE_CHILDREN))
    seen: dict[str, Any] = {}
    timer = threading.Timer(seconds / 2, lambda: seen.update(watch() if watch else {}))
    timer.start()
    done = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
                           "--timeout", "5s", "-s", str(script), base],
                          capture_output=True, text=True, timeout=seconds + 60, check=True)
    timer.join()
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
    out: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["app_cpu"] = cpu_since(cpu0[0], app)
    out["pg_cpu"] = cpu_since(cpu0[1], pids_named("postgres"))
    out["wrk_cpu"] = wrk.ru_utime + wrk.ru_stime - cpu0[3].ru_utime - cpu0[3].ru_stime
    out["seconds"] = out["duration_us"] / 1e6
    # what other processes on this (shared) machine took meanwhile, in cores
    out["others"] = max(0.0, machine_busy() - cpu0[2] - out["app_cpu"] - out["pg_cpu"]
                        - out["wrk_cpu"]) / out["seconds"]
    out["rps"] = out["requests"] / out["seconds"]
    out["errors"] = sum(out[k] for k in ("connect", "read", "write", "status", "timeout"))
    out["connections"], out["db"] = connections, seen
    return out


def measure(name: str, base: str, script: Path, connections: int, args: argparse.Namespace,
            server_pid: int, url: str, count: Callable[[], int] | None = None
            ) -> dict[str, Any]:
    """Warm-up, then the measured run; ``count`` (rows written) is read around the latter."""
    if args.warmup:
        run_wrk(base, script, connections, server_pid, args.warmup)
    before = settle_and_count(count)
    result = run_wrk(base, script, connections, server_pid, args.duration,
                     watch=lambda: sessions(url))
    if count is not None:
        result["rows"] = settle_and_count(count) - before
    print(f"  {name}: {result['rps']:,.0f} req/s, p50 {result['p50'] / 1000:.1f} ms, "
          f"p99 {result['p99'] / 1000:.1f} ms, {result['errors']} errors", flush=True)
    return result


def sessions(url: str) -> dict[str, Any]:
    """The app's database sessions half-way through a run: what they wait on, oldest xact."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT CASE WHEN state = 'active' THEN 'waiting on ' || coalesce(wait_event, 'cpu')"
            " ELSE state END, count(*), coalesce(max(extract(epoch FROM now() - xact_start)),"
            " 0) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() GROUP BY 1"))
        out = {str(row[0]): (int(row[1]), float(row[2])) for row in rows}
    engine.dispose()
    return out


def settle_and_count(count: Callable[[], int] | None) -> int:
    if count is None:
        return 0
    time.sleep(1)  # requests still in flight when wrk stopped finish and commit
    return count()


def prime(base: str, token: str, paths: list[str], bodies: list[str], n: int = 8
          ) -> tuple[float, float]:
    """Sequential requests on fresh connections, so that each worker meets its first query
    and first creation (lazy caches) before wrk; returns the slowest of each, in seconds."""
    slowest = [0.0, 0.0]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for i in range(n):
        for k, (method, path, body) in enumerate((("GET", paths[i], None),
                                                  ("POST", "/api/v1/incidents", bodies[i]))):
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                started = time.perf_counter()
                client.request(method, path, content=body).raise_for_status()
                slowest[k] = max(slowest[k], time.perf_counter() - started)
    return slowest[0], slowest[1]


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(env: dict[str, str], workers: int, log: Path) -> Iterator[tuple[str, int, float]]:
    """``liptako serve`` in its own process group; yields (base URL, pid, cold start s)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen([str(BIN / "liptako"), "serve", "--host", "127.0.0.1",
                                 "--port", str(port), "--workers", str(workers)],
                                env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            cold = wait_healthy(base, proc, started)
            yield base, proc.pid, cold
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_healthy(base: str, proc: subprocess.Popen[bytes], started: float) -> float:
    while time.perf_counter() - started < 60:
        if proc.poll() is not None:
            raise SystemExit(f"liptako serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("liptako serve did not answer /api/v1/health within 60 s")


# --- report --------------------------------------------------------------------------------


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> list[str]:
    health = results["health"]
    print(f"\n{args.incidents:,} incidents, PostgreSQL, {args.workers} workers, wrk -t1, "
          f"{args.duration} s after a {args.warmup} s warm-up; CPU columns from /proc\n")
    print("| endpoint | conn | responses | req/s | p50 ms | p99 ms | max ms | errors | "
          "vs health | app CPU ms/req | pg CPU ms/req | cores: app / pg / wrk / others |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        n, t = max(1, r["requests"]), r["seconds"]
        print(f"| {name} | {r['connections']} | {r['requests']:,} | {r['rps']:,.0f} | "
              f"{r['p50'] / 1000:.1f} | "
              f"{r['p99'] / 1000:.1f} | {r['max'] / 1000:.0f} | {r['errors']} | "
              f"{r['rps'] / health['rps']:.2f} | {1000 * r['app_cpu'] / n:.2f} | "
              f"{1000 * r['pg_cpu'] / n:.2f} | {r['app_cpu'] / t:.2f} / {r['pg_cpu'] / t:.2f} / "
              f"{r['wrk_cpu'] / t:.2f} / {r['others']:.2f} |")
    print("\nthe app's PostgreSQL sessions half-way through each run (count, oldest transaction):")
    for name, r in results.items():
        waits = ", ".join(f"{kind} {n} ({age:.1f} s)" for kind, (n, age) in
                          sorted(r["db"].items()))
        print(f"  {name}: {waits}")
    verdicts = []
    for name, (rps, p99) in TARGETS.items():
        r = results[name]
        ok = r["rps"] >= rps and r["p99"] / 1000 <= p99 and r["errors"] == 0
        stalled = (f"; STALLED: {r['requests']} responses for {r['connections']} connections "
                   f"in {r['seconds']:.0f} s" if r["requests"] < r["connections"] else "")
        verdicts.append(f"{name}: {'PASS' if ok else 'MISS'} - {r['rps']:,.0f} req/s "
                        f"(target >= {rps:,.0f}), p99 {r['p99'] / 1000:.1f} ms (target <= "
                        f"{p99:.0f}), {r['errors']} errors{stalled}")
    return verdicts


def load_phase(base: str, pid: int, token: str, src: dict[str, Any], end: dt.date,
               args: argparse.Namespace, tmp: Path, url: str) -> dict[str, dict[str, Any]]:
    rng = np.random.default_rng(args.seed + 1)
    paths, bodies = query_paths(rng, src, end), create_bodies(rng, src, end)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        sizes = [len(client.get(p).raise_for_status().json()["features"]) for p in paths[:64]]
    print(f"query mix: {len(paths)} URLs; features per page on 64 of them: median "
          f"{statistics.median(sizes):.0f}, min {min(sizes)}, max {max(sizes)}, "
          f"{sum(s == 100 for s in sizes)} full pages", flush=True)
    first_query, first_create = prime(base, token, paths[64:], bodies)
    print(f"priming (8 sequential queries and creations on fresh connections): slowest query "
          f"{first_query:.2f} s, slowest creation {first_create:.2f} s (lazy caches)")
    print("load average before the runs: " + " ".join(f"{x:.2f}" for x in os.getloadavg())
          + f" on {os.cpu_count()} cores (a shared machine: see 'others' below)", flush=True)
    runs = [("health", lua_script("GET", ["/api/v1/health"], [], None), args.connections),
            ("query", lua_script("GET", paths, [], token), args.connections),
            ("create", lua_script("POST", ["/api/v1/incidents"], bodies, token),
             args.connections)]
    if args.create_low:  # first, as a run at full concurrency may leave the server stuck
        runs.insert(2, (f"create ({args.create_low} conn)", runs[2][1], args.create_low))
    results = {}
    for name, body, connections in runs:
        script = tmp / f"{name.split()[0]}.lua"
        script.write_text(body)
        results[name] = measure(name, base, script, connections, args, pid, url,
                                count=counter(url) if name.startswith("create") else None)
    return results


def counter(url: str) -> Callable[[], int]:
    """Rows created through the API so far (the seed has no ``created_by``)."""
    def count() -> int:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM incident "
                                        "WHERE created_by IS NOT NULL")) or 0)

    engine = make_engine(url)
    return count


def audit_check(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.scalar(text("SELECT count(*) FROM incident WHERE created_by IS NOT NULL"))
        audited = conn.scalar(text("SELECT count(*) FROM audit_entry "
                                   "WHERE action = 'incident.create'"))
    engine.dispose()
    return f"{audited:,} incident.create audit entries for {rows:,} incidents created via the API"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=12)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--map-target", type=int, default=10_000)
    parser.add_argument("--create-low", type=int, default=8,
                        help="also run creations at this many connections first (0: no)")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--skip-map", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/api.py needs wrk on PATH (Debian: apt-get install wrk)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="liptako-bench-api-") as tmpdir, \
            scratch_database(args.postgres, keep=args.keep) as url:
        run(url, args, Path(tmpdir))
    print(f"total {time.perf_counter() - started:.0f} s")


def run(url: str, args: argparse.Namespace, tmp: Path) -> None:
    env = {**os.environ, "LIPTAKO_DATABASE_URL": url, "LIPTAKO_ENV": "prod",
           "LIPTAKO_SECRET_KEY": secrets.token_urlsafe(48)}
    password = secrets.token_urlsafe(18)
    (tmp / "password").write_text(password + "\n")
    cli(env, "init", "--no-sample")
    cli(env, "users", "create", "--username", USER, "--state", STATE, "--role", "analyst",
        "--password-file", str(tmp / "password"))
    src = source_table()
    end = dt.date.today() - dt.timedelta(days=1)
    seconds = seed(url, src, args.incidents, args.seed, args.map_target)
    print(f"seeded {args.incidents:,} incidents in {seconds:.1f} s "
          f"({args.incidents / seconds:,.0f} incidents/s, Core executemany INSERTs)", flush=True)
    by_month = visible_by_month(url)
    with server(env, args.workers, tmp / "server.log") as (base, pid, cold):
        print(f"server up in {cold:.2f} s ({args.workers} workers)", flush=True)
        token = httpx.post(f"{base}/api/v1/auth/token", data={
            "username": USER, "password": password}).raise_for_status().json()["access_token"]
        map_lines: list[str] = []
        if not args.skip_map:
            import api_map  # the map timing lives apart; Playwright is only needed here

            map_lines = api_map.time_map(base, USER, password, by_month, MAP_TARGET_S,
                                         target_markers=args.map_target)
        results = load_phase(base, pid, token, src, end, args, tmp, url)
    verdicts = report(results, args)
    print()
    for name, r in results.items():
        if "rows" in r:
            print(f"{name}: {r['rows']:,} rows written during the measured run, "
                  f"{r['requests'] - r['status']:,} 2xx responses counted by wrk (requests in "
                  "flight at the end are written but not counted)")
    print(audit_check(url))
    print(f"server cold start {cold:.2f} s (spawn to first 200 on /api/v1/health)")
    chain = subprocess.run([str(BIN / "liptako"), "audit", "verify"], env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    print(f"liptako audit verify: exit {chain.returncode} "
          f"({(chain.stdout or chain.stderr).strip()})")
    print("\nverdict:\n  " + "\n  ".join(verdicts + map_lines))


if __name__ == "__main__":
    main()
