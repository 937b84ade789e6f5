"""Benchmark: admin assignment of 1 M points, liptako AdminIndex against geopandas.sjoin.

Run from the repository root::

    .venv/bin/python bench/assign_admin.py [--points 1000000] [--seed 7] [--repeats 3]

Points (seeded): half are real ACLED coordinates resampled and jittered (sd 0.05°, so they
cluster like events do), the rest uniform over the three states' bounding box, plus 0.1 %
placed exactly on polygon vertices, where the tie rule decides. Both methods run in the same
process on the same arrays. The baseline is ``geopandas.sjoin(predicate="covered_by")``, the
same ``covers`` semantics as ours; points it matches to several units (shared edges and
vertices) are reduced to the smallest code, our tie rule, outside the timed part. Exits 1 if any
point disagrees.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from liptako.core import geo

REPO = Path(__file__).resolve().parents[1]
ACLED = REPO / ".." / "shared" / "data" / "acled_sahel.csv"


def make_points(index: geo.AdminIndex, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded mix of jittered real events, uniform points and exact polygon vertices."""
    rng = np.random.default_rng(seed)
    n_vertex = n // 1000
    n_real = (n - n_vertex) // 2 if ACLED.exists() else 0
    n_unif = n - n_vertex - n_real
    minx, miny, maxx, maxy = shapely.total_bounds(index.polygons)
    parts_x = [rng.uniform(minx, maxx, n_unif)]
    parts_y = [rng.uniform(miny, maxy, n_unif)]
    if n_real:
        ev = pd.read_csv(ACLED, usecols=["latitude", "longitude"])
        pick = rng.integers(0, len(ev), n_real)
        parts_x.append(ev["longitude"].to_numpy()[pick] + rng.normal(0, 0.05, n_real))
        parts_y.append(ev["latitude"].to_numpy()[pick] + rng.normal(0, 0.05, n_real))
    verts = shapely.get_coordinates(index.polygons)
    pick = rng.integers(0, len(verts), n_vertex)
    parts_x.append(verts[pick, 0])
    parts_y.append(verts[pick, 1])
    order = rng.permutation(n)
    return np.concatenate(parts_y)[order], np.concatenate(parts_x)[order]


def timed(fn: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    """Wall times of ``repeats`` runs after one warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times, result


def sjoin_labels(lats: np.ndarray, lons: np.ndarray, polys: gpd.GeoDataFrame) -> pd.DataFrame:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs=4326)
    return gpd.sjoin(points, polys, how="left", predicate="covered_by")


def reduce_ties(joined: pd.DataFrame, n: int) -> np.ndarray:
    """One unit per point: the smallest index (= smallest code) among the matches, else -1."""
    right = joined["index_right"].fillna(-1).astype(np.int64)
    first = right.where(right >= 0, np.iinfo(np.int64).max).groupby(level=0).min()
    out = np.full(n, -1, dtype=np.int64)
    out[first.index.to_numpy()] = np.where(first.to_numpy() == np.iinfo(np.int64).max, -1, first)
    return out


def fmt(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    build_times, index = timed(geo.AdminIndex.build, args.repeats)
    lats, lons = make_points(index, args.points, args.seed)
    polys = gpd.GeoDataFrame(geometry=list(index.polygons), crs=4326)

    ours_t, ours = timed(lambda: index.assign(lats, lons), args.repeats)
    base_t, joined = timed(lambda: sjoin_labels(lats, lons, polys), args.repeats)
    base = reduce_ties(joined, len(lats))
    ties = int(joined.index.duplicated().sum())

    n = len(lats)
    ours_med, base_med = statistics.median(ours_t), statistics.median(base_t)
    disagree = int(np.count_nonzero(ours != base))
    print(
        f"python {platform.python_version()}  numpy {np.__version__}  shapely "
        f"{shapely.__version__}  geopandas {gpd.__version__}  nproc {os.cpu_count()}"
    )
    print(
        f"points {n:,} (seed {args.seed}; inside a unit {np.count_nonzero(ours >= 0):,}; "
        f"on a shared edge/vertex {ties:,}; in boundary cells "
        f"{index.exact_share(lats, lons):.2%})"
    )
    print(f"index build        {fmt(build_times)}   (excluded from points/s)")
    print(f"AdminIndex.assign  {fmt(ours_t)}   {n / ours_med:,.0f} points/s")
    print(f"geopandas.sjoin    {fmt(base_t)}   {n / base_med:,.0f} points/s")
    print(f"ratio sjoin/ours   {base_med / ours_med:.1f}x   (target >= 8x)")
    print(f"agreement          {(n - disagree) / n:.6%}   disagreements {disagree}")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
