"""Benchmark: an ACLED-sized CSV to validated, placed Parquet (goal G1.1), and end to end.

Run from the repository root::

    .venv/bin/python bench/ingest.py [--rows 2500000] [--seed 7] [--repeats 3] [--skip-db]
                                     [--db-rows 40000] [--batch-size 20000] [--postgres]

The file (seeded, written to a temp dir) is resampled from the real dyadic export
``shared/data/acled_sahel.csv``: rows drawn with replacement, each given a new unique event id,
a date spread over 1997-01-01..yesterday and a site. Real ACLED events repeat at gazetteer
sites (5,754 events at 1,402 coordinates, 4.1 per site), so the file keeps that ratio: each real
site gets ``rows / 4.1 / 1,402`` jittered copies (sd 0.01°, about 1 km) and an event takes one
at random. 1 row in 100,000 is made bad (impossible date, latitude 95, fatalities "many").

Stages, all in this run on the same file:

- ``baseline``: ``pandas.read_csv`` (C engine, the same columns ours reads) +
  ``geopandas.sjoin(predicate="covered_by")`` against the shipped admin-1 polygons;
- ``columnar``: :func:`liptako.warning.store_acled.csv_to_parquet` (validate, place in the stated
  country, PRIO-GRID, Liptako-Gourma flag, write Parquet);
- ``db ingest``: ``liptako ingest acled FILE --batch-size N`` in a subprocess into a fresh,
  migrated SQLite file (and, with ``--postgres``, a throw-away database on the local server,
  dropped afterwards), on the first ``--db-rows`` rows of the file: the registry path runs at
  a few hundred rows/s, so the whole file would take hours; rows/s is the figure to read;
- ``db -> parquet``: :func:`liptako.warning.store.refresh_from_database` on that database.

Fast stages: one warm-up each, then ``--repeats`` pairs (ours, baseline) back to back; the
ratio is the median of the paired ratios, which a shared machine's changing load disturbs least.
The database stages run once.
"peak MiB" is the peak RSS (VmHWM) of one more run of the stage in a fresh process, so that no
other stage's memory is counted; the registry import reports its own from its child process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import polars as pl
import shapely

from liptako.core.geo import admin_index

REPO = Path(__file__).resolve().parents[1]
ACLED = REPO.parent / "shared" / "data" / "acled_sahel.csv"
EVENTS_PER_SITE = 4.1  # measured on acled_sahel.csv: 5,754 events at 1,402 coordinates
JITTER_DEG = 0.01
# `liptako ...` in a child that reports its own peak RSS on stderr as it exits
INGEST_CLI = ("import atexit, sys; from liptako.cli.main import main; atexit.register(lambda: "
              "sys.stderr.write([ln for ln in open('/proc/self/status') "
              "if ln.startswith('VmHWM:')][0])); sys.argv[0] = 'liptako'; main()")
BAD_EVERY = 100_000
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
COLUMNS = ["event_id_cnty", "event_date", "time_precision", "event_type", "actor1",
           "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "interaction", "latitude",
           "longitude", "geo_precision", "fatalities", "timestamp", "iso", "iso3"]


# --- the file ------------------------------------------------------------------------------


def make_csv(path: Path, rows: int, seed: int, *, chunk: int = 250_000) -> int:
    """Write the seeded ACLED-shaped file; returns the number of rows made bad."""
    src = pl.read_csv(ACLED, infer_schema=False)
    site_of = src.select(pl.concat_str("latitude", "longitude", separator=",")
                         .rank("dense").cast(pl.Int64) - 1).to_series()
    n_sites = int(site_of.max()) + 1  # type: ignore[arg-type]
    copies = max(1, round(rows / EVENTS_PER_SITE / n_sites))
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, JITTER_DEG, size=(n_sites, copies, 2))
    lat0 = src["latitude"].cast(pl.Float64).to_numpy()
    lon0 = src["longitude"].cast(pl.Float64).to_numpy()
    first, last = dt.date(1997, 1, 1).toordinal(), dt.date.today().toordinal() - 1
    epoch = dt.date(1970, 1, 1).toordinal()
    bad = 0
    with path.open("wb") as out:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            pick = rng.integers(0, src.height, n)
            copy = rng.integers(0, copies, n)
            site = site_of.to_numpy()[pick]
            k = np.arange(start + 1, start + n + 1)
            part = src[pick].with_columns(
                pl.Series("_k", k),
                pl.Series("_d", (rng.integers(first, last + 1, n) - epoch).astype("datetime64[D]")),
                pl.Series("_lat", np.round(lat0[pick] + noise[site, copy, 0], 4)),
                pl.Series("_lon", np.round(lon0[pick] + noise[site, copy, 1], 4)),
            ).with_columns(
                event_id_cnty=pl.col("iso3") + pl.col("_k").cast(pl.String),
                event_id_no_cnty=pl.col("_k").cast(pl.String),
                data_id=(pl.col("_k") + 10_000_000).cast(pl.String),
                event_date=pl.col("_d").dt.to_string("%Y-%m-%d"),
                year=pl.col("_d").dt.year().cast(pl.String),
                latitude=pl.col("_lat").cast(pl.String),
                longitude=pl.col("_lon").cast(pl.String),
            )
            part, made = _spoil(part, k)
            bad += made
            part.select(src.columns).write_csv(out, include_header=start == 0)
    return bad


def _spoil(part: pl.DataFrame, k: np.ndarray) -> tuple[pl.DataFrame, int]:
    """Every BAD_EVERY-th row gets one of the three faults of the brief, in turn."""
    which = np.where(k % BAD_EVERY == 0, (k // BAD_EVERY) % 3, -1)
    spoilt = pl.Series("_bad", which)
    part = part.with_columns(spoilt).with_columns(
        event_date=pl.when(pl.col("_bad") == 0).then(pl.lit("2019-02-30"))
        .otherwise(pl.col("event_date")),
        latitude=pl.when(pl.col("_bad") == 1).then(pl.lit("95")).otherwise(pl.col("latitude")),
        fatalities=pl.when(pl.col("_bad") == 2).then(pl.lit("many"))
        .otherwise(pl.col("fatalities")),
    )
    return part, int((which >= 0).sum())


# --- stages --------------------------------------------------------------------------------


def polygons() -> gpd.GeoDataFrame:
    index = admin_index()
    return gpd.GeoDataFrame({"code": [u.code for u in index.units]},
                            geometry=list(index.polygons), crs=4326)


def baseline(path: Path, polys: gpd.GeoDataFrame) -> pd.DataFrame:
    """pandas.read_csv + geopandas.sjoin(covered_by): what G1.1 compares against."""
    with warnings.catch_warnings():  # "mixed types": the spoilt fatalities, as in real life
        warnings.simplefilter("ignore", pd.errors.DtypeWarning)
        frame = pd.read_csv(path, usecols=COLUMNS)
    points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(
        pd.to_numeric(frame["longitude"], errors="coerce"),
        pd.to_numeric(frame["latitude"], errors="coerce")), crs=4326)
    return gpd.sjoin(points, polys, how="left", predicate="covered_by")


def columnar(path: Path, out: Path) -> Any:
    from liptako.warning.store_acled import csv_to_parquet

    return csv_to_parquet(path, out, today=dt.date.today())


def peak_mib() -> float:
    """Peak RSS of this process (VmHWM; unlike ru_maxrss it does not carry over a fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _stage_in_child(conn: Any, stage: str, args: tuple[str, ...]) -> None:
    if stage == "baseline":
        baseline(Path(args[0]), polygons())
    elif stage == "columnar":
        columnar(Path(args[0]), Path(args[1]))
    else:
        from liptako.core.db import make_engine
        from liptako.warning.store import refresh_from_database

        refresh_from_database(make_engine(args[0]), Path(args[1]))
    conn.send(peak_mib())


def peak_of(stage: str, *args: str) -> float:
    """Peak RSS (MiB) of one run of a stage in a fresh process, so no other stage's memory
    (nor the allocator's leftovers) is counted."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_stage_in_child, args=(child, stage, args))
    proc.start()
    peak = float(parent.recv())
    proc.join()
    return peak


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time and result of one run."""
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def paired(ours: Callable[[], Any], base: Callable[[], Any],
           repeats: int) -> tuple[dict[str, list[float]], Any, Any]:
    """One warm-up each, then ``repeats`` pairs run back to back, so that a change in the
    shared machine's load hits both sides of each ratio alike; the last results."""
    mine, theirs = ours(), base()
    runs: dict[str, list[float]] = {"ours": [], "base": []}
    for _ in range(repeats):
        del mine, theirs  # free the previous results first
        t_ours, mine = timed(ours)
        t_base, theirs = timed(base)
        runs["ours"].append(t_ours)
        runs["base"].append(t_base)
    return runs, mine, theirs


def agreement(joined: pd.DataFrame, ours: Path) -> tuple[float, float, int]:
    """Share of rows in the same unit as sjoin; the same for rows we placed by their point
    (leaving out rows placed across a border or left unplaced); how many such rows differ."""
    first = (joined.reset_index().sort_values(["index", "code"])
             .drop_duplicates("index"))  # on a shared edge: the smallest code, our tie rule
    base = pl.DataFrame({"source_id": first["event_id_cnty"].to_numpy().astype(str),
                         "code": first["code"].fillna("-").to_numpy().astype(str)})
    mine = pl.read_parquet(ours, columns=["source_id", "admin1_code", "admin2_code",
                                          "admin_method"])
    both = mine.join(base, on="source_id", how="inner").with_columns(
        same=pl.coalesce("admin2_code", "admin1_code", pl.lit("-")) == pl.col("code"),
        inside=pl.col("admin_method") == "point")
    inside = both.filter("inside")
    return (float(both["same"].mean()), float(inside["same"].mean()),  # type: ignore[arg-type]
            int((~inside["same"]).sum()))


def run_db(source: Path, url: str, batch_size: int, work: Path) -> dict[str, Any]:
    """``liptako ingest acled`` into a fresh database, then ``refresh_from_database``."""
    from liptako.core.config import Settings
    from liptako.core.db import make_engine
    from liptako.core.migrate import upgrade
    from liptako.warning.store import refresh_from_database

    upgrade(Settings(env="test", database_url=url))
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", INGEST_CLI, "ingest", "acled", str(source),
                           "--batch-size", str(batch_size)],
                          env={**os.environ, "LIPTAKO_DATABASE_URL": url},
                          capture_output=True, text=True, check=False)
    ingest_s = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"liptako ingest failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    hwm = [ln for ln in proc.stderr.splitlines() if ln.startswith("VmHWM:")]
    engine = make_engine(url)
    refresh_s, written = timed(lambda: refresh_from_database(engine, work / "from_db.parquet"))
    engine.dispose()
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    return {"ingest_s": ingest_s, "written": written, "summary": summary,
            "ingest_peak": int(hwm[-1].split()[1]) / 1024 if hwm else float("nan"),
            "refresh_s": refresh_s,
            "refresh_peak": peak_of("refresh", url, str(work / "from_db.parquet"))}


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A throw-away database on the PostgreSQL server, dropped afterwards."""
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"liptako_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- report --------------------------------------------------------------------------------


def row(stage: str, seconds: float, n: int, r: float | None, peak: float, note: str = "") -> str:
    ratio = "      -" if r is None else f"{r:6.2f}x" if r >= 0.1 else f"{r:6.4f}x"[:7]
    peak_s = f"{peak:8.0f}" if peak == peak else "       -"  # NaN: not measured
    return f"{stage:<24}| {seconds:9.2f} | {n / seconds:>11,.0f} | {ratio} | {peak_s} {note}"


def fast_stages(path: Path, work: Path, rows: int, repeats: int) -> dict[str, Any]:
    """Columnar and baseline, median of ``repeats`` after a warm-up; table rows printed."""
    t = time.perf_counter()
    admin_index()
    polys = polygons()
    print(f"admin index + polygons built in {time.perf_counter() - t:.2f} s (excluded)")
    out = work / "events.parquet"
    runs, summary, joined = paired(lambda: columnar(path, out), lambda: baseline(path, polys),
                                   repeats)
    same, same_inside, differ = agreement(joined, out)
    del joined
    base_s, ours_s = statistics.median(runs["base"]), statistics.median(runs["ours"])
    ratios = [b / o for b, o in zip(runs["base"], runs["ours"], strict=True)]
    ratio = statistics.median(ratios)
    peaks = peak_of("baseline", str(path)), peak_of("columnar", str(path), str(out))
    print()
    print(f"{'stage':<24}| {'seconds':>9} | {'rows/s':>11} | ratio   | peak MiB")
    print(row("baseline", base_s, rows, None, peaks[0],
              f"min {min(runs['base']):.2f} max {max(runs['base']):.2f}"))
    print(row("columnar", ours_s, rows, ratio, peaks[1],
              f"min {min(runs['ours']):.2f} max {max(runs['ours']):.2f}; paired ratios "
              f"{min(ratios):.2f}x..{max(ratios):.2f}x"))
    return {"base_s": base_s, "ours_s": ours_s, "summary": summary, "same": same,
            "same_inside": same_inside, "differ": differ, "ratio": ratio}


def db_stages(path: Path, work: Path, args: argparse.Namespace, base_s: float) -> list[str]:
    """The registry stages on SQLite (and PostgreSQL); table rows printed, summaries returned."""
    n_db = min(args.db_rows, args.rows) if args.db_rows > 0 else args.rows
    source = path
    if n_db < args.rows:
        source = work / "db_sample.csv"
        pl.scan_csv(path, infer_schema=False).head(n_db).sink_csv(source)
    targets: list[tuple[str, Any]] = [("sqlite", nullcontext(f"sqlite:///{work / 'bench.db'}"))]
    if args.postgres:
        targets.append(("postgresql", postgres_database(args.postgres_server)))
    notes = []
    for name, database in targets:
        with database as url:
            db = run_db(source, url, args.batch_size, work)
        print(row(f"db ingest {name}", db["ingest_s"], n_db, None, db["ingest_peak"],
                  f"({n_db:,} rows, batch {args.batch_size:,})"))
        print(row(f"db -> parquet {name}", db["refresh_s"], db["written"], None,
                  db["refresh_peak"]))
        e2e = db["ingest_s"] + db["refresh_s"]
        print(row(f"end to end {name}", e2e, n_db, base_s * n_db / args.rows / e2e, float("nan"),
                  "(ratio: baseline scaled to these rows)"))
        notes.append(f"db {name}: {db['summary']}; at {n_db / e2e:,.0f} rows/s end to end, "
                     f"{args.rows:,} rows would take {args.rows / (n_db / e2e) / 60:,.0f} min")
    return notes


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_500_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-db", action="store_true", help="Only the fast stages.")
    ap.add_argument("--db-rows", type=int, default=40_000,
                    help="Rows for the registry stages (0: the whole file).")
    ap.add_argument("--batch-size", type=int, default=20_000)
    ap.add_argument("--postgres", action="store_true",
                    help="Also run the registry stages on a throw-away PostgreSQL database.")
    ap.add_argument("--postgres-server", default=PG_SERVER)
    ap.add_argument("--keep", type=Path, default=None, help="Work in this folder, keep files.")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="liptako-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        path = work / "acled_bench.csv"
        t = time.perf_counter()
        n_bad = make_csv(path, args.rows, args.seed)
        print(f"python {platform.python_version()}  polars {pl.__version__}  pandas "
              f"{pd.__version__}  geopandas {gpd.__version__}  shapely {shapely.__version__}  "
              f"numpy {np.__version__}  nproc {os.cpu_count()}")
        print(f"file: {args.rows:,} rows, {path.stat().st_size / 2**20:,.0f} MiB, {n_bad} bad "
              f"rows, seed {args.seed} (made in {time.perf_counter() - t:.1f} s)")
        fast = fast_stages(path, work, args.rows, args.repeats)
        notes = [] if args.skip_db else db_stages(path, work, args, fast["base_s"])
    summary, base_s, ours_s = fast["summary"], fast["base_s"], fast["ours_s"]
    print()
    print(f"columnar: {summary.written:,} written, {summary.rejected} rejected, "
          f"{summary.outside_country:,} outside their country ({summary.placed_nearest:,} "
          f"placed on the nearest unit, {summary.unplaced:,} unplaced)")
    print(f"agreement with sjoin: {fast['same']:.6f} of rows in the same unit; "
          f"{fast['same_inside']:.6f} of the rows placed by their point ({fast['differ']} "
          f"differ); the others are placed in the country they name, which sjoin ignores")
    print(f"G1.1: columnar {ours_s:.2f} s (target <= 4 s), {fast['ratio']:.2f}x the "
          f"baseline, median of paired runs (target >= 2x)")
    for note in notes:
        print(note)
    print(json.dumps({"rows": args.rows, "baseline_s": round(base_s, 3),
                      "columnar_s": round(ours_s, 3), "ratio": round(fast["ratio"], 2),
                      "agreement": round(fast["same"], 6)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
