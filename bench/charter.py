"""Charter engine throughput: the vectorised evaluator against the one-by-one evaluator.

Generates N synthetic incidents (seeded; a mix of known and unknown facts, dates around entry
into force, points in and around the three states), evaluates them all with
:func:`liptako.charter.vectorized.evaluate_frame`, evaluates a sample one by one with
:func:`liptako.charter.evaluate`, extrapolates the per-incident rate, and checks that the sample's
determinations (reasons included) are identical.

Geography is placed once up front (``admin_index().country_of``, timed and reported apart) and
both evaluators read the same placement, so the ratio measures the engine.

    .venv/bin/python bench/charter.py [--n 1000000] [--sample 20000] [--seed 7] [--pact aes-2023]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Sequence
from typing import overload

import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.progress import Progress

from liptako.charter import (
    BulkDeterminations,
    Determination,
    IncidentFacts,
    Pact,
    Policy,
    TablePlacer,
    default_policy,
    evaluate,
    load_pact,
    make_policy,
)
from liptako.charter.frame import EPOCH, FactsFrame
from liptako.charter.vectorized import evaluate_frame

COUNTRIES = ("MLI", "BFA", "NER", "DZA", "FRA", "RUS", "NGA", "BEN", "CIV", "GHA", "TGO", "MRT",
             "POL", "USA")


class SyntheticIds(Sequence[str]):
    """Incident ids B0, B1, ... without a million strings in memory."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...

    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [f"B{k}" for k in range(*i.indices(self.n))]
        return f"B{i}"


def _tri(rng: np.random.Generator, n: int, p_unknown: float) -> NDArray[np.int8]:
    return rng.choice(np.array([0, 1, 2], np.int8), n, p=[(1 - p_unknown) / 2] * 2 + [p_unknown])


def _codes(rng: np.random.Generator, n: int, p_absent: float) -> NDArray[np.int32]:
    codes = rng.integers(0, len(COUNTRIES), n).astype(np.int32)
    return np.where(rng.random(n) < p_absent, -1, codes).astype(np.int32)


def synthetic_frame(n: int, seed: int) -> FactsFrame:
    """N incidents as columns, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    start, end = (dt.date(2023, 6, 1) - EPOCH).days, (dt.date(2026, 12, 31) - EPOCH).days
    has_location = rng.random(n) < 0.95
    point = has_location & (rng.random(n) < 0.8)
    sahel = rng.random(n) < 0.85
    lat = np.where(sahel, rng.uniform(10.0, 24.0, n), rng.uniform(-5.0, 40.0, n))
    lon = np.where(sahel, rng.uniform(-12.0, 16.0, n), rng.uniform(-20.0, 30.0, n))
    aes_country = rng.integers(0, 3, n).astype(np.int32)
    return FactsFrame(
        ids=SyntheticIds(n),
        day=rng.integers(start, end, n).astype(np.int64),
        lat=np.where(point, lat, np.nan), lon=np.where(point, lon, np.nan),
        loc_country=np.where(has_location & ~point,
                             np.where(rng.random(n) < 0.8, aes_country, _codes(rng, n, 0.0)),
                             -1).astype(np.int32),
        has_location=has_location,
        perp_kind=rng.choice(np.arange(5, dtype=np.int8), n, p=[0.15, 0.1, 0.05, 0.6, 0.1]),
        perp_state=_codes(rng, n, 0.3),
        group_type=rng.choice(np.arange(5, dtype=np.int8), n, p=[0.2, 0.45, 0.2, 0.1, 0.05]),
        target_kind=rng.choice(np.arange(6, dtype=np.int8), n,
                               p=[0.1, 0.35, 0.3, 0.1, 0.05, 0.1]),
        target_party=_codes(rng, n, 0.7),
        outside=_tri(rng, n, 0.8),
        launched_from=_codes(rng, n, 0.9),
        host=_tri(rng, n, 0.5),
        acts=rng.choice(np.array([1, 2, 4, 3, 0], np.uint8), n, p=[0.8, 0.05, 0.1, 0.04, 0.01]),
        sovereignty=_tri(rng, n, 0.8),
        countries=COUNTRIES,
    )


def place(frame: FactsFrame) -> tuple[NDArray[np.object_], float]:
    """Country of every point row (None elsewhere), with the seconds it took."""
    from liptako.core.geo import admin_index

    index = admin_index()
    t0 = time.perf_counter()
    placed = np.full(len(frame), None, dtype=object)
    rows = np.flatnonzero(~np.isnan(frame.lat))
    placed[rows] = index.country_of(frame.lat[rows], frame.lon[rows])
    return placed, time.perf_counter() - t0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pact", default="aes-2023")
    parser.add_argument("--common-space", default=None,
                        help="override the common_space setting (aes-2023 only)")
    return parser.parse_args()


def _sample_placer(frame: FactsFrame, sample: NDArray[np.int64], placed: NDArray[np.object_],
                   named: NDArray[np.bool_] | None, area: str) -> TablePlacer:
    """The same placement as the vectorised run, looked up by coordinates."""
    def key(i: int) -> tuple[float, float]:
        return float(frame.lat[i]), float(frame.lon[i])

    table = {key(int(i)): placed[i] for i in sample}
    areas = {}
    if named is not None:
        in_zone = {key(int(i)): bool(named[i]) for i in sample}
        areas = {area: lambda la, lo: in_zone[(la, lo)]}
    return TablePlacer(lambda la, lo: table[(la, lo)], areas)


def _one_by_one(rows: list[IncidentFacts], pact: Pact, policy: Policy, placer: TablePlacer,
                console: Console) -> tuple[list[Determination], float]:
    out: list[Determination] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("one by one", total=len(rows))
        t0 = time.perf_counter()
        for k, facts in enumerate(rows):
            out.append(evaluate(facts, pact, policy, placer=placer))
            if k % 1000 == 999:
                progress.advance(task, 1000)
        return out, time.perf_counter() - t0


def _report(console: Console, args: argparse.Namespace, pact_id: str, common_space: str,
            bulk: BulkDeterminations, times: tuple[float, float, float, float], sampled: int,
            mismatches: int) -> None:
    t_gen, t_place, t_vec, t_one = times
    vec_rate, one_rate = args.n / t_vec, sampled / t_one
    ratio = vec_rate / one_rate
    console.print(f"charter bench: pact {pact_id}, common_space={common_space}, "
                  f"seed {args.seed}")
    console.print(f"  generated {args.n:,} incidents in {t_gen:.2f} s; geo placement of the "
                  f"points {t_place:.2f} s (shared by both paths, not counted below)")
    console.print(f"  vectorised : {args.n:,} incidents in {t_vec:.2f} s = {vec_rate:,.0f} "
                  f"incidents/s")
    console.print(f"  one by one : {sampled:,} incidents in {t_one:.2f} s = {one_rate:,.0f} "
                  f"incidents/s (extrapolated {args.n / one_rate:.1f} s for {args.n:,})")
    console.print(f"  ratio      : {ratio:.1f}x")
    for article, counts in bulk.status_counts().items():
        console.print(f"  Art. {article:<5} " + "  ".join(f"{k} {v:,}" for k, v in counts.items()))
    verdict = "identical" if not mismatches else f"{mismatches} MISMATCHES"
    console.print(f"  sample check: {sampled:,} determinations {verdict}")
    console.print(f"done: {args.n:,} incidents in {t_vec:.2f} s vectorised "
                  f"(target <= 5 s: {'met' if t_vec <= 5 else 'MISSED'}), {ratio:.1f}x the "
                  f"one-by-one rate (target >= 10x: {'met' if ratio >= 10 else 'MISSED'}); "
                  "nothing skipped")


def main() -> None:
    args = _arguments()
    console = Console()
    pact = load_pact(args.pact)
    policy = (make_policy(pact, {"common_space": args.common_space}) if args.common_space
              else default_policy(pact))
    t0 = time.perf_counter()
    frame = synthetic_frame(args.n, args.seed)
    t_gen = time.perf_counter() - t0
    placed, t_place = place(frame)
    named = None
    if policy.common_space != "union_of_territories":
        from liptako.core.geo import in_named_area

        t0 = time.perf_counter()
        named = in_named_area(policy.common_space, np.nan_to_num(frame.lat),
                              np.nan_to_num(frame.lon))
        t_place += time.perf_counter() - t0

    t0 = time.perf_counter()
    bulk = evaluate_frame(frame, pact, policy, placed=placed, named=named)
    t_vec = time.perf_counter() - t0

    rng = np.random.default_rng(args.seed + 1)
    sample = np.sort(rng.choice(args.n, size=min(args.sample, args.n), replace=False))
    rows = [frame.row(int(i)) for i in sample]
    placer = _sample_placer(frame, sample, placed, named, policy.common_space)
    singles, t_one = _one_by_one(rows, pact, policy, placer, console)
    mismatches = sum(bulk.determination(int(i)) != det
                     for i, det in zip(sample, singles, strict=True))

    _report(console, args, pact.id, policy.common_space, bulk, (t_gen, t_place, t_vec, t_one),
            len(rows), mismatches)
    if mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
