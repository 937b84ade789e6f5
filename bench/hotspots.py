"""Benchmark: hotspot analytics, one section per method (``--only NAME`` runs one).

Run from the repository root::

    .venv/bin/python bench/hotspots.py [--only scan|gistar] [--repeats 3] [--seed 7]
        [--rows 100] [--cols 100] [--perms 999] [--emerging]

``scan``: the prospective space-time permutation scan
(:func:`liptako.warning.analytics.scan.space_time_permutation_scan`) on 160 synthetic areas ×
120 months × 999 replications (target ≤ 10 s, median of the runs; PERFORMANCE.md G2.3), its
cold start in a fresh process with and without numba's cache, its ratio to the brute-force
reference of the test suite (``tests/warning/analytics/scan_reference.py``) on a case that
reference finishes, with the clusters and p-values of both compared; and, when
``../shared/data/acled_sahel.csv`` is there, the same scan on the ACLED events of the last 120
months by ACLED's admin-2 names (ADM2 polygons are not shipped: an area's point is the mean of
its events' coordinates).

``gistar``: Gi* with 999 conditional permutations on a 10,000-cell lattice against PySAL esda
in the same run (target ≥ 4x esda, identical p-values for identical permutations;
``bench/_gistar.py``). Exits 1 when the scan and its reference, or Gi* and esda, disagree.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from liptako.warning.analytics.cylinders import circles, intervals, project_lonlat
from liptako.warning.analytics.scan import ScanResult, ScanSettings, space_time_permutation_scan

REPO = Path(__file__).resolve().parents[1]
ACLED = REPO / ".." / "shared" / "data" / "acled_sahel.csv"
sys.path.insert(0, str(REPO / "tests"))
from warning.analytics.scan_reference import brute_force_scan  # noqa: E402

SCAN_TARGET_S = 10.0


def timed(fn: Callable[[], Any], repeats: int) -> tuple[list[float], list[float], Any]:
    """Wall and CPU seconds of ``repeats`` runs, and the last result (the scan's compiled
    kernel is warmed once per process by :func:`scan_section`; its cold start is measured
    apart). CPU seconds show what a shared machine's other load adds to the wall time."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, result


def fmt(walls: list[float], cpus: list[float]) -> str:
    runs = ", ".join(f"{t:.2f}" for t in walls)
    return (f"median {statistics.median(walls):.2f} s (runs {runs} s; CPU median "
            f"{statistics.median(cpus):.2f} s)")


def synthetic_areas(seed: int, n_areas: int = 160, n_months: int = 120,
                    events: int = 100_000) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Counts with uneven areas and months, and a cluster planted in the last three months
    of five neighbouring areas (tripled rate)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, [1500.0, 1000.0], (n_areas, 2))
    rate = rng.gamma(1.5, 1.0, (n_areas, 1)) * np.linspace(0.5, 1.5, n_months)[None, :]
    planted = np.argsort(np.hypot(*(xy - xy[0]).T), kind="stable")[:5].tolist()
    rate[np.ix_(planted, range(n_months - 3, n_months))] *= 3.0
    counts = rng.poisson(rate * events / rate.sum())
    return counts, xy, planted


def cylinders_per_replication(xy: np.ndarray, months: int, settings: ScanSettings) -> int:
    circ = circles(xy, np.ones(len(xy)), max_share=settings.max_share,
                   max_radius_km=settings.max_radius_km)
    start, _ = intervals(months, settings.max_duration or months // 2,
                         prospective=settings.prospective)
    return int(circ.valid.sum()) * len(start)


def describe(result: ScanResult, names: list[str] | None = None) -> str:
    mlc = result.most_likely
    if mlc is None:
        return "no cluster"
    where = (", ".join(names[i] for i in mlc.locations[:4]) + ("…" if len(mlc.locations) > 4
             else "")) if names else f"{len(mlc.locations)} areas"
    return (f"{where}; months {mlc.start + 1}-{mlc.end + 1}; observed {mlc.observed:,} / "
            f"expected {mlc.expected:,.1f}; RR {mlc.relative_risk:.2f}; LLR {mlc.llr:.2f}; "
            f"p = {mlc.p_value:.3f}")


def cold_start() -> list[tuple[float, float]]:
    """Wall and CPU seconds for a fresh process to import the scan and run a tiny one: with
    an empty numba cache (it compiles), then with the cache it left."""
    code = ("import time; t = time.perf_counter();"
            "import numpy as np;"
            "from liptako.warning.analytics.scan import ScanSettings, "
            "space_time_permutation_scan as s;"
            "s(np.ones((3, 4), int), np.eye(3, 2), seed=0, settings=ScanSettings(replications=9));"
            "print(time.perf_counter() - t, time.process_time())")
    runs = []
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for _ in range(2):
            out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                 capture_output=True, text=True).stdout.split()
            runs.append((float(out[0]), float(out[1])))
    return runs


def scan_target(args: argparse.Namespace) -> bool:
    counts, xy, planted = synthetic_areas(args.seed)
    settings = ScanSettings(replications=999, prospective=True)
    n_cyl = cylinders_per_replication(xy, counts.shape[1], settings)
    (compile_s, compile_cpu), (cached_s, cached_cpu) = cold_start()
    walls, cpus, result = timed(lambda: space_time_permutation_scan(
        counts, xy, seed=args.seed, settings=settings), args.repeats)
    median = statistics.median(walls)
    mlc = result.most_likely
    found = (f"{len(set(mlc.locations) & set(planted))} of its 5 areas"
             if mlc and mlc.end == 119 and mlc.start >= 117 else "not found")
    print(f"synthetic: 160 areas × 120 months, {counts.sum():,} events, {n_cyl:,} cylinders per "
          f"replication (max 50 % of areas, 60 months), prospective, 999 replications")
    print(f"  cold start (fresh process, import + tiny scan): {compile_s:.2f} s compiling (CPU "
          f"{compile_cpu:.2f} s), {cached_s:.2f} s from numba's cache (CPU {cached_cpu:.2f} s)")
    print(f"  scan {fmt(walls, cpus)}; {median / 999 * 1e3:.2f} ms per replication")
    print(f"  target <= {SCAN_TARGET_S:.0f} s: {'met' if median <= SCAN_TARGET_S else 'NOT met'}")
    print(f"  most likely: {describe(result)}")
    print(f"  planted: 5 areas, months 118-120 at three times the rate; the most likely cluster "
          f"holds {found}")
    return True


def scan_against_reference(args: argparse.Namespace) -> bool:
    """The brute force runs once per mode (it takes seconds, and varies little)."""
    rng = np.random.default_rng(args.seed)
    n_areas, n_months, reps = 10, 24, 99
    xy = rng.uniform(0, 300, (n_areas, 2))
    counts = rng.poisson(rng.gamma(2, 1, (n_areas, 1)) * rng.gamma(2, 1, (1, n_months)) * 4)
    same = True
    for prospective in (False, True):
        settings = ScanSettings(replications=reps, prospective=prospective)
        walls, cpus, ours = timed(lambda s=settings: space_time_permutation_scan(
            counts, xy, seed=args.seed, settings=s), args.repeats)
        ref_walls, ref_cpus, (ref, maxima) = timed(lambda p=prospective: brute_force_scan(
            counts, xy, seed=args.seed, replications=reps, prospective=p), 1)
        agree = (len(ours.clusters) == len(ref)
                 and all((a.locations, a.start, a.end, a.observed, a.p_value)
                         == (b.locations, b.start, b.end, b.observed, b.p_value)
                         and abs(a.llr - b.llr) <= 1e-9 * b.llr
                         for a, b in zip(ours.clusters, ref, strict=False))
                 and np.allclose(ours.replicate_llrs, maxima, rtol=1e-9, atol=1e-12))
        same &= agree
        mode = "prospective" if prospective else "retrospective"
        ratio = statistics.median(ref_walls) / statistics.median(walls)
        print(f"reference ({mode}, {n_areas} areas × {n_months} months, {reps} replications, "
              f"{counts.sum():,} events)")
        print(f"  scan {fmt(walls, cpus)}; brute force {fmt(ref_walls, ref_cpus)}")
        print(f"  ratio brute force / scan {ratio:,.0f}x; {len(ref)} clusters, LLRs, "
              f"p-values and replicate maxima {'identical' if agree else 'DIFFERENT'}")
    return same


def acled_areas() -> tuple[np.ndarray, np.ndarray, list[str]] | None:
    """ACLED events of Aug 2009 - Jul 2019 by admin-2 name and month, with each area's mean
    event position projected to km."""
    if not ACLED.exists():
        return None
    events = (pl.read_csv(ACLED, columns=["iso3", "admin1", "admin2", "event_date", "latitude",
                                          "longitude"], infer_schema_length=0)
              .with_columns(pl.col("event_date").str.to_date(),
                            pl.col("latitude", "longitude").cast(pl.Float64))
              .with_columns(month=(pl.col("event_date").dt.year() - 2009) * 12
                            + pl.col("event_date").dt.month() - 8)
              .filter(pl.col("month") >= 0))
    areas = (events.group_by("iso3", "admin1", "admin2")
             .agg(pl.col("latitude").mean(), pl.col("longitude").mean())
             .sort("iso3", "admin1", "admin2").with_row_index("area"))
    cells = (events.join(areas.select("iso3", "admin1", "admin2", "area"),
                         on=["iso3", "admin1", "admin2"])
             .group_by("area", "month").len())
    counts = np.zeros((areas.height, 120), dtype=np.int64)
    counts[cells["area"].to_numpy(), cells["month"].to_numpy()] = cells["len"].to_numpy()
    xy = project_lonlat(areas["longitude"].to_numpy(), areas["latitude"].to_numpy())
    names = [f"{a2} ({iso})" for iso, a2 in zip(areas["iso3"], areas["admin2"], strict=True)]
    return counts, xy, names


def scan_acled(args: argparse.Namespace) -> bool:
    loaded = acled_areas()
    if loaded is None:
        print(f"ACLED: {ACLED} not found, skipped")
        return True
    counts, xy, names = loaded
    settings = ScanSettings(replications=999, prospective=True)
    walls, cpus, result = timed(lambda: space_time_permutation_scan(
        counts, xy, seed=args.seed, settings=settings), args.repeats)
    print(f"ACLED (../shared/data/acled_sahel.csv): {counts.shape[0]} admin-2 areas × 120 months "
          f"(Aug 2009 - Jul 2019), {counts.sum():,} events, prospective, 999 replications")
    print(f"  scan {fmt(walls, cpus)}")
    print(f"  most likely: {describe(result, names)}")
    return True


def scan_section(args: argparse.Namespace) -> bool:
    print("== space-time permutation scan (Kulldorff 2005)")
    space_time_permutation_scan(np.ones((3, 4), int), np.eye(3, 2), seed=0,
                                settings=ScanSettings(replications=1))
    ok = scan_target(args)
    ok &= scan_against_reference(args)
    ok &= scan_acled(args)
    return ok


def gistar_section(args: argparse.Namespace) -> bool:
    import _gistar  # esda's import takes seconds: only when the section runs

    return bool(_gistar.section(args))


SECTIONS: dict[str, Callable[[argparse.Namespace], bool]] = {"scan": scan_section,
                                                             "gistar": gistar_section}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=sorted(SECTIONS))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rows", type=int, default=100, help="Gi*: the lattice's rows")
    ap.add_argument("--cols", type=int, default=100, help="Gi*: the lattice's columns")
    ap.add_argument("--perms", type=int, default=999, help="Gi*: permutations")
    ap.add_argument("--emerging", action="store_true",
                    help="Gi*: also time the emerging hot spot analysis of a 110x100x120 cube")
    args = ap.parse_args()
    print(f"python {platform.python_version()}  numpy {np.__version__}  nproc {os.cpu_count()}")
    ok = True
    for name, section in SECTIONS.items():
        if args.only in (None, name):
            ok &= section(args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
