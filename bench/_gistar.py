"""The Gi* section of ``bench/hotspots.py``: liptako against PySAL esda in the same run
(``make .venv/.installed-bench`` installs esda). Not a script of its own (``make bench``
skips names starting with an underscore).

A rows x cols queen lattice (10,000 cells by default), values Poisson(0.3), seeded. Timed, each
the median of ``repeats`` runs after one warm-up, both drawing their own permutations from a
seed: ``gi_star(y, neighbours, permutations=P, seed=...)`` and esda's
``G_Local(y, w, transform="B", star=True, permutations=P, n_jobs=1, keep_simulations=False)``.
Then both are fed one permutation matrix (esda's ``crand.vec_permutations`` replaced by a
function returning it) and must give identical p-values, and z-scores equal to 1e-12. The cold
start is the wall time of a fresh interpreter that imports liptako's Gi* and runs it once (its
numba kernel loaded from the on-disk cache the warm-up wrote). ``--emerging`` also times the
emerging hot spot analysis of a 110 x 100 x 120 cube (the Sahel at 0.1 degrees, ten years of
months), with normal p-values and with P permutations. Exits 1 if a p-value or z-score differs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import esda
import esda.crand
import libpysal
import numba
import numpy as np

from liptako.warning.analytics.emerging import emerging_hot_spots
from liptako.warning.analytics.gistar import gi_star, permutation_ids
from liptako.warning.analytics.neighbours import lattice

COLD_START = """
import time
started = time.perf_counter()
import numpy as np
from liptako.warning.analytics.gistar import gi_star
from liptako.warning.analytics.neighbours import lattice
y = np.random.default_rng({seed}).poisson(0.3, {rows} * {cols}).astype(float)
gi_star(y, lattice({rows}, {cols}), permutations={perms}, seed={seed})
print(time.perf_counter() - started)
"""


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, list[float], Any]:
    """Wall time of a first (warm-up) run, of ``repeats`` runs after it, and the last result."""
    t = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return first, times, result


def fmt(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def esda_g_star(y: np.ndarray, w: libpysal.weights.W, perms: int, seed: int,
                keep: bool = False) -> Any:
    with warnings.catch_warnings():
        # esda 2.9 warns that crand's default alternative will change; G_Local passes none
        warnings.filterwarnings("ignore", message="The alternative hypothesis",
                                category=DeprecationWarning)
        return esda.G_Local(y, w, transform="B", star=True, permutations=perms, n_jobs=1,
                            keep_simulations=keep, seed=seed)


def cold_start(args: argparse.Namespace) -> list[float]:
    """Wall times of fresh interpreters importing and running Gi* once."""
    code = COLD_START.format(seed=args.seed, rows=args.rows, cols=args.cols, perms=args.perms)
    times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return times


def same_permutations(y: np.ndarray, w: libpysal.weights.W, args: argparse.Namespace
                      ) -> tuple[int, float]:
    """Differing p-values and the largest |z difference| when both use one permutation matrix."""
    nb = lattice(args.rows, args.cols)
    ids = permutation_ids(nb.n_units, int(nb.cardinalities.max()), args.perms, seed=args.seed)
    drawn = esda.crand.vec_permutations
    esda.crand.vec_permutations = lambda *_: ids
    try:
        theirs = esda_g_star(y, w, args.perms, args.seed)
    finally:
        esda.crand.vec_permutations = drawn
    ours = gi_star(y, nb, ids=ids)
    assert ours.p_sim is not None
    differ = int(np.count_nonzero(ours.p_sim.astype(np.float32) != theirs.p_sim))
    return differ, float(np.max(np.abs(ours.z - theirs.Zs)))


def emerging(args: argparse.Namespace) -> None:
    nb = lattice(110, 100)
    cube = np.random.default_rng(args.seed).poisson(0.3, (nb.n_units, 120)).astype(float)
    for perms in (0, args.perms):
        _, times, result = timed(
            lambda p=perms: emerging_hot_spots(cube, nb, permutations=p, seed=args.seed),
            args.repeats)
        hot = sum(str(c) != "no pattern" for c in result.categories)
        target = "<= 1 s" if perms == 0 else "<= 30 s"
        print(f"  emerging 110x100x120, {perms} perms  {fmt(times)}   (target {target}; "
              f"{hot:,} units in a category)")


def section(args: argparse.Namespace) -> bool:
    """Times Gi* against esda and checks both on one permutation matrix; False on a
    disagreement (the speed targets are reported, not enforced)."""
    n = args.rows * args.cols
    y = np.random.default_rng(args.seed).poisson(0.3, n).astype(float)
    nb = lattice(args.rows, args.cols)
    w = libpysal.weights.lat2W(args.rows, args.cols, rook=False)

    ours_first, ours_t, _ = timed(
        lambda: gi_star(y, nb, permutations=args.perms, seed=args.seed), args.repeats)
    esda_first, esda_t, _ = timed(lambda: esda_g_star(y, w, args.perms, args.seed),
                                  args.repeats)
    differ, dz = same_permutations(y, w, args)
    cold = cold_start(args)

    ours_med, esda_med, cold_med = (statistics.median(t) for t in (ours_t, esda_t, cold))
    print(f"== Gi* with conditional permutations against esda  (numba {numba.__version__}, "
          f"esda {esda.__version__}, libpysal {libpysal.__version__})")
    print(f"  cells {n:,} ({args.rows}x{args.cols} queen), y ~ Poisson(0.3) seed {args.seed}, "
          f"{args.perms} permutations, {args.repeats} runs after a warm-up")
    print(f"  liptako gi_star       {fmt(ours_t)}   (target <= 0.15 s; first call "
          f"{ours_first:.2f} s)")
    print(f"  esda G_Local n_jobs=1 {fmt(esda_t)}   (first call in this process, numba JIT: "
          f"{esda_first:.1f} s)")
    print(f"  ratio esda/liptako    {esda_med / ours_med:.1f}x   (target >= 4x)")
    print(f"  cold start            {fmt(cold)}   (fresh interpreter: import, lattice, one "
          f"run; target <= 2 s)")
    print(f"  same permutations     p-values differing {differ} of {n:,}; max |z - esda Zs| "
          f"{dz:.1e}")
    if args.emerging:
        emerging(args)
    verdict = ours_med <= 0.15 and esda_med / ours_med >= 4 and cold_med <= 2
    print(f"  Gi* targets {'PASS' if verdict else 'MISS'}")
    return not differ and dz <= 1e-12
