"""Benchmark: the HTTP API under load on PostgreSQL (goals G4.1, G4.4) and the map page.

Run from the repository root (needs ``wrk`` - ``apt-get install wrk`` - and a PostgreSQL server
that lets us create a database); a few minutes::

    .venv/bin/python bench/api.py [--incidents 100000] [--workers 2] [--connections 16]
                                  [--duration 12] [--warmup 3] [--seed 7]
                                  [--map-target 10000] [--skip-map] [--keep]
                                  [--postgres postgresql+psycopg://postgres@127.0.0.1:5432]

All in one run, loopback only:

1. creates ``liptako_bench_<random>``, runs ``liptako init --no-sample`` and creates a BFA
   analyst with ``liptako users create``;
2. seeds ``--incidents`` incidents straight into ``incident`` / ``incident_actor`` with
   SQLAlchemy Core executemany INSERTs (the API one by one would take an hour): points
   resampled from ``shared/data/acled_sahel.csv`` with 0.02 degree jitter and placed with
   ``liptako.incidents.place.place_points``; actors resolved with ``normalise``; 40 % ACLED
   rows (CLEAR), 60 % national reports by the state the point lies in (CLEAR 30 %, GREEN
   30 %, AMBER 40 %, a third of AMBER shared with one other state); dates 2015-01-01 to
   yesterday with a density rising over time, so that the map page's default period (its
   last 13 months) holds about ``--map-target`` incidents the analyst may see; then
   ``VACUUM ANALYZE`` (the visibility map and statistics autovacuum keeps);
3. starts ``liptako serve --workers N`` (``LIPTAKO_ENV=prod``, other settings as in the
   environment), times the map page (``bench/api_map.py``), then per workload runs
   ``wrk -t1`` for ``--warmup`` s (discarded) and ``--duration`` s at ``--connections``:
   ``GET /api/v1/health`` (the in-run baseline); bbox + period queries (512 URLs rotated:
   boxes of 1-3 degrees around event sites, periods of 3-12 months, ``limit=100``); and
   creations (256 national reports rotated, each its own transaction with its audit entry).
   Printed per workload: requests/s, p50, p99 (wrk leaves requests that time out after 5 s
   out of its percentiles: they count as errors), errors, the ratio to health, the CPU per
   request of the app and of PostgreSQL, the cores other processes took meanwhile (the
   machine may be shared) and the most PostgreSQL connections the app held (sampled from
   ``pg_stat_activity`` every 0.1 s);
4. stops the server, checks that every creation was written and audited, runs
   ``liptako audit verify``, drops the database (unless ``--keep``) and prints one verdict
   per floor: queries >= 0.2 and creations >= 0.1 of health's requests/s, the map
   interactive in under 2 s. The floors catch regressions; they are not goals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import polars as pl
from sqlalchemy import Engine, create_engine, extract, func, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from liptako.audit import service as audit
from liptako.auth.releasability import Viewer, audience_text
from liptako.core.adminlevels import levels_of
from liptako.core.config import Settings
from liptako.core.db import make_engine
from liptako.core.geo import admin_index
from liptako.incidents.place import place_points
from liptako.incidents.queries import filtered
from liptako.incidents.rules import acled_event_type
from liptako.incidents.schemas import IncidentFilter
from liptako.intel.normalise import normalise
from liptako.models import Base  # every table, so that foreign keys resolve

REPO = Path(__file__).resolve().parents[1]
ACLED = REPO.parent / "shared" / "data" / "acled_sahel.csv"
BIN = Path(sys.executable).parent
START = dt.date(2015, 1, 1)
JITTER_DEG = 0.02
FLOORS = {"query": 0.2, "create": 0.1}  # of the health route's requests/s, same run
MAP_LIMIT_S = 2.0
BENCH_APP = "liptako-bench"  # application_name of the bench's own sessions, not counted
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


def bench_engine(url: str) -> Engine:
    """An engine for the bench's own look-ups, named so that they are not counted as the
    app's connections."""
    return create_engine(url, poolclass=NullPool,
                         connect_args={"application_name": BENCH_APP})


def scalar(url: str, sql: str) -> Any:
    with bench_engine(url).connect() as conn:
        return conn.scalar(text(sql))


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


def actor_rows(on: dt.date, actor1: str | None, actor2: str | None) -> list[dict[str, Any]]:
    """``incident_actor`` rows (without ``incident_id``): one per canonical match."""
    rows: list[dict[str, Any]] = []
    for role, raw in (("actor1", actor1), ("actor2", actor2)):
        if not raw:
            continue
        matches: list[tuple[str | None, ...]] = [
            (m.actor_id, m.attribution, m.period)
            for m in normalise(raw, on=on, source="acled")] or [(None, None, None)]
        rows += [{"role": role, "raw": raw[:300], "actor_id": actor_id,
                  "attribution": attribution, "period": period}
                 for actor_id, attribution, period in matches]
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


def markings(rng: np.random.Generator, iso3: np.ndarray) -> dict[str, Any]:
    """Source, TLP and audience of each row, and whether the bench analyst may see it."""
    n = len(iso3)
    national = rng.random(n) >= 0.4
    tlp = np.where(national, rng.choice(["CLEAR", "GREEN", "AMBER"], n, p=[.3, .3, .4]),
                   "CLEAR")
    shared = (tlp == "AMBER") & (rng.random(n) < 1 / 3)
    other = {"BFA": ("MLI", "NER"), "MLI": ("BFA", "NER"), "NER": ("BFA", "MLI")}
    visible = (tlp != "AMBER") | (iso3 == STATE)
    audience = [""] * n
    for j in np.flatnonzero(shared):
        audience[j] = audience_text([other[iso3[j]][int(rng.integers(0, 2))]])
        visible[j] |= f",{STATE}," in audience[j]
    return {"national": national, "tlp": tlp, "audience": audience, "visible": visible}


def synthetic_rows(src: dict[str, Any], n: int, seed: int, end: dt.date,
                   map_target: int) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """``n`` incident rows and their actor rows (see the module docstring for the mix)."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(src["lat"]), n)
    lat = np.round(src["lat"][pick] + rng.normal(0, JITTER_DEG, n), 5)
    lon = np.round(src["lon"][pick] + rng.normal(0, JITTER_DEG, n), 5)
    iso3 = src["iso3"][pick]
    points = place_points(lat, lon, iso3)
    mark = markings(rng, iso3)
    dates = ramp_dates(rng, n, end, map_target / max(1, int(mark["visible"].sum())))
    now = dt.datetime.now(dt.UTC)
    levels = [levels_of(unit) for unit in admin_index().units]
    rows = []
    for i in range(n):
        k, unit = int(pick[i]), int(points.unit[i])
        a1, a1n, a2, a2n = levels[unit] if unit >= 0 else levels_of(None)
        origin = str(iso3[i]) if mark["national"][i] else "ACLED"
        rows.append({
            "source": "national" if mark["national"][i] else "acled",
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
            "tlp": str(mark["tlp"][i]), "originator": origin, "audience": mark["audience"][i],
            "created_at": now, "updated_at": now,
        })
    return rows, [src["actors"][int(k)] for k in pick]


def seed(url: str, src: dict[str, Any], n: int, seed_: int, map_target: int,
         chunk: int = 10_000) -> float:
    """Bulk-insert the synthetic registry, audited as one import; returns the seconds taken.

    Ids are drawn from the table's own sequence first, so that the actor rows can name their
    incident in plain executemany INSERTs (no ``RETURNING`` to match up).
    """
    started = time.perf_counter()
    end = dt.date.today() - dt.timedelta(days=1)
    rows, actors = synthetic_rows(src, n, seed_, end, map_target)
    engine = make_engine(url)
    incident, incident_actor = (Base.metadata.tables[t] for t in ("incident", "incident_actor"))
    with engine.begin() as conn:
        ids = conn.scalars(text("SELECT nextval(pg_get_serial_sequence('incident', 'id')) "
                                "FROM generate_series(1, :n)"), {"n": n}).all()
        for lo in range(0, n, chunk):
            part = range(lo, min(n, lo + chunk))
            conn.execute(insert(incident), [{**rows[i], "id": ids[i]} for i in part])
            conn.execute(insert(incident_actor), [{**actor, "incident_id": ids[i]}
                                                  for i in part for actor in actors[i]])
    with Session(engine) as session:
        audit.record(session, actor=audit.SYSTEM, action="incident.import",
                     target_type="import", target_id="bench", now=dt.datetime.now(dt.UTC),
                     detail={"rows": n, "seed": seed_})
        session.commit()
    # VACUUM as autovacuum would after a load: statistics, and the visibility map that lets
    # index-only scans skip the table (VACUUM cannot run inside a transaction block)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE incident"))
        conn.execute(text("VACUUM ANALYZE incident_actor"))
    engine.dispose()
    return time.perf_counter() - started


def visible_by_month(url: str) -> dict[str, int]:
    """Incidents the bench analyst may see, per month (the page's own filter)."""
    engine = make_engine(url)
    sub = filtered(Viewer(None, STATE, ("analyst",)), IncidentFilter()).subquery()
    year, month = extract("year", sub.c.occurred_on), extract("month", sub.c.occurred_on)
    with engine.connect() as conn:
        out = {f"{int(y):04d}-{int(m):02d}": int(c) for y, m, c in conn.execute(
            select(year, month, func.count()).group_by(year, month))}
    engine.dispose()
    return dict(sorted(out.items()))


# --- workloads -----------------------------------------------------------------------------


def query_paths(rng: np.random.Generator, src: dict[str, Any], end: dt.date,
                k: int = 512) -> list[str]:
    """Boxes of 1-3 degrees around event sites, periods of 3-12 months, 100 rows a page."""
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
    """National reports near event sites, a third each CLEAR, GREEN and AMBER."""
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
    """A wrk script rotating over ``paths`` (and ``bodies``) that prints its figures as JSON."""
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
    "BENCH_JSON {{\\"requests\\": %d, \\"duration_us\\": %d, " ..
    "\\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, \\"status\\": %d, \\"timeout\\": %d, " ..
    "\\"p50\\": %d, \\"p99\\": %d}}\\n",
    s.requests, s.duration, s.errors.connect, s.errors.read, s.errors.write,
    s.errors.status, s.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


# --- measuring -----------------------------------------------------------------------------


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process still alive (from /proc)."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            continue
    return out


def cpu_since(start: dict[int, float], pids: list[int]) -> float:
    """CPU the processes alive now spent since ``start`` (new ones count from zero; those
    gone meanwhile are missed: a PostgreSQL backend closed with an overflow connection)."""
    return sum(cpu - start.get(pid, 0.0) for pid, cpu in cpu_by_pid(pids).items())


def pids_of(*, name: str | None = None, parent: int | None = None) -> list[int]:
    """Processes with this command name, or this parent (the uvicorn workers)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            comm, rest = stat.read_text().rsplit(")", 1)
            if comm.split("(", 1)[1] == name or int(rest.split()[1]) == parent:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


def machine_busy() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


@contextmanager
def peak_connections(url: str, every_s: float = 0.1) -> Iterator[list[int]]:
    """Sample the app's sessions on the bench database; the list holds the peak so far."""
    peak = [0]
    stop = threading.Event()
    query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND application_name <> :bench").bindparams(bench=BENCH_APP)

    def sample() -> None:
        with bench_engine(url).connect() as conn:
            while not stop.wait(every_s):
                peak[0] = max(peak[0], int(conn.scalar(query) or 0))
                conn.rollback()  # a fresh snapshot of pg_stat_activity next time

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()


def run_wrk(base: str, script: Path, connections: int, seconds: int,
            server_pid: int) -> dict[str, Any]:
    """One wrk run, with the CPU the app, PostgreSQL and other processes took meanwhile."""
    app = [server_pid, *pids_of(parent=server_pid)]
    cpu0 = (cpu_by_pid(app), cpu_by_pid(pids_of(name="postgres")), machine_busy())
    done = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
                           "--timeout", "5s", "-s", str(script), base],
                          capture_output=True, text=True, timeout=seconds + 60, check=True)
    app_cpu = cpu_since(cpu0[0], app)
    pg_cpu = cpu_since(cpu0[1], pids_of(name="postgres"))
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
    out: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    out["seconds"] = out["duration_us"] / 1e6
    out["rps"] = out["requests"] / out["seconds"]
    out["errors"] = sum(out[k] for k in ("connect", "read", "write", "status", "timeout"))
    n = max(1, out["requests"])
    out["app_ms"], out["pg_ms"] = 1000 * app_cpu / n, 1000 * pg_cpu / n
    # wrk's own CPU is in "others": one thread, small next to the app's
    out["others"] = max(0.0, machine_busy() - cpu0[2] - app_cpu - pg_cpu) / out["seconds"]
    return out


def measure(name: str, base: str, script: Path, args: argparse.Namespace, server_pid: int,
            url: str) -> dict[str, Any]:
    """Warm-up, then the measured run; the app's connections are sampled throughout, the
    incidents it created are counted around the measured run."""
    with peak_connections(url) as peak:
        if args.warmup:
            run_wrk(base, script, args.connections, args.warmup, server_pid)
        before = settled_count(url)
        result = run_wrk(base, script, args.connections, args.duration, server_pid)
        result["rows"] = settled_count(url) - before
    result["peak_connections"] = peak[0]
    print(f"  {name}: {result['rps']:,.0f} req/s, p50 {result['p50'] / 1000:.1f} ms, "
          f"p99 {result['p99'] / 1000:.1f} ms, {result['errors']} errors", flush=True)
    return result


def load_phase(base: str, pid: int, token: str, src: dict[str, Any], args: argparse.Namespace,
               tmp: Path, url: str) -> dict[str, dict[str, Any]]:
    """Health, then queries, then creations, each at ``--connections``."""
    end = dt.date.today() - dt.timedelta(days=1)
    rng = np.random.default_rng(args.seed + 1)
    paths, bodies = query_paths(rng, src, end), create_bodies(rng, src, end)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        sizes = [len(client.get(p).raise_for_status().json()["features"]) for p in paths[:64]]
    print(f"query mix: {len(paths)} URLs; features per page on 64 of them: median "
          f"{statistics.median(sizes):.0f}, min {min(sizes)}, max {max(sizes)}, "
          f"{sizes.count(100)} full pages", flush=True)
    workloads = {"health": lua_script("GET", ["/api/v1/health"], [], None),
                 "query": lua_script("GET", paths, [], token),
                 "create": lua_script("POST", ["/api/v1/incidents"], bodies, token)}
    results = {}
    for name, body in workloads.items():
        script = tmp / f"{name}.lua"
        script.write_text(body)
        results[name] = measure(name, base, script, args, pid, url)
    return results


def api_created(url: str) -> int:
    """Incidents created through the API so far (the seed has no ``created_by``)."""
    return int(scalar(url, "SELECT count(*) FROM incident WHERE created_by IS NOT NULL"))


def settled_count(url: str) -> int:
    time.sleep(1)  # requests in flight when wrk stopped finish and commit
    return api_created(url)


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


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace,
           max_connections: int) -> None:
    health = results["health"]
    print(f"\n{args.incidents:,} incidents, PostgreSQL, {args.workers} workers, "
          f"{args.connections} connections (wrk -t1), {args.duration} s after a "
          f"{args.warmup} s warm-up; CPU from /proc\n")
    print("| endpoint | responses | req/s | p50 ms | p99 ms | errors | vs health | "
          "app CPU ms/req | pg CPU ms/req | other processes, cores | app's pg connections, "
          "peak |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['requests']:,} | {r['rps']:,.0f} | {r['p50'] / 1000:.1f} | "
              f"{r['p99'] / 1000:.1f} | {r['errors']} | {r['rps'] / health['rps']:.2f} | "
              f"{r['app_ms']:.2f} | {r['pg_ms']:.2f} | {r['others']:.2f} | "
              f"{r['peak_connections']} |")
    create = results["create"]
    print(f"\ncreate: {create['rows']:,} incidents written during the measured run, "
          f"{create['requests'] - create['status']:,} 2xx responses counted by wrk (requests "
          "in flight at the end are written but not counted)")
    print(f"app's PostgreSQL connections at the peak, during creations: "
          f"{create['peak_connections']} (at most {max_connections} allowed: {args.workers} "
          "workers x (LIPTAKO_DB_POOL_SIZE + LIPTAKO_DB_MAX_OVERFLOW))")


def verdicts(results: dict[str, dict[str, Any]], map_settled: dict[str, float]) -> list[str]:
    """One line per floor: PASS when met (and no request failed), else MISS."""
    lines = []
    for name, floor in FLOORS.items():
        r = results[name]
        ratio = r["rps"] / results["health"]["rps"]
        ok = ratio >= floor and r["errors"] == 0
        lines.append(f"{name} >= {floor} x health: {'PASS' if ok else 'MISS'} ({ratio:.3f}: "
                     f"{r['rps']:,.0f} against {results['health']['rps']:,.0f} req/s, "
                     f"{r['errors']} errors)")
    if map_settled:
        worst = max(map_settled.values())
        each = ", ".join(f"{label} {s:.2f} s" for label, s in map_settled.items())
        lines.append(f"map interactive < {MAP_LIMIT_S:.0f} s: "
                     f"{'PASS' if worst < MAP_LIMIT_S else 'MISS'} ({each}; medians of 3)")
    return lines


def audit_check(url: str, env: dict[str, str]) -> None:
    created = api_created(url)
    audited = int(scalar(url, "SELECT count(*) FROM audit_entry "
                              "WHERE action = 'incident.create'"))
    print(f"{audited:,} incident.create audit entries for {created:,} incidents created via "
          "the API")
    chain = subprocess.run([str(BIN / "liptako"), "audit", "verify"], env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    print(f"liptako audit verify: exit {chain.returncode} "
          f"({(chain.stdout or chain.stderr).strip()})")


def revision() -> str:
    """The commit measured, and whether the working tree differs from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True,
                              text=True, check=False).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{git('rev-parse', '--short', 'HEAD')}{' + local changes' if dirty else ''}"


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=12)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--map-target", type=int, default=10_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--skip-map", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/api.py needs wrk on PATH (Debian: apt-get install wrk)")
    started = time.perf_counter()
    print(f"liptako {revision()}; load average " + " ".join(
        f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="liptako-bench-api-") as tmpdir, \
            scratch_database(args.postgres, keep=args.keep) as url:
        run(url, args, Path(tmpdir))
    print(f"total {time.perf_counter() - started:.0f} s")


def run(url: str, args: argparse.Namespace, tmp: Path) -> None:
    env = {**os.environ, "LIPTAKO_DATABASE_URL": url, "LIPTAKO_ENV": "prod",
           "LIPTAKO_SECRET_KEY": secrets.token_urlsafe(48)}
    settings = Settings(database_url=url, env="prod", secret_key=env["LIPTAKO_SECRET_KEY"])
    password = secrets.token_urlsafe(18)
    (tmp / "password").write_text(password + "\n")
    cli(env, "init", "--no-sample")
    cli(env, "users", "create", "--username", USER, "--state", STATE, "--role", "analyst",
        "--password-file", str(tmp / "password"))
    src = source_table()
    seconds = seed(url, src, args.incidents, args.seed, args.map_target)
    print(f"seeded {args.incidents:,} incidents in {seconds:.1f} s", flush=True)
    by_month = visible_by_month(url)
    with server(env, args.workers, tmp / "server.log") as (base, pid, cold):
        print(f"server up in {cold:.2f} s ({args.workers} workers)", flush=True)
        token = httpx.post(f"{base}/api/v1/auth/token", data={
            "username": USER, "password": password}).raise_for_status().json()["access_token"]
        map_settled: dict[str, float] = {}
        if not args.skip_map:
            import api_map  # the map timing lives apart; Playwright is only needed here

            map_settled = api_map.time_map(base, USER, password, by_month,
                                           target_markers=args.map_target)
        results = load_phase(base, pid, token, src, args, tmp, url)
    report(results, args, args.workers * settings.db_connections)
    audit_check(url, env)
    print("\nverdict:\n  " + "\n  ".join(verdicts(results, map_settled)))


if __name__ == "__main__":
    main()
