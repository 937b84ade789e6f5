"""A brute-force space-time permutation scan, plain Python loops over every cylinder.

Written from Kulldorff et al. (2005) and the SaTScan User Guide, not from the fast code: each
cylinder's count and expectation are summed cell by cell (``mu[z, d] = C_z * C_d / C``), the
circles come from sorting each centre's distances, and the likelihood ratio is the textbook
formula. Only the random draws are shared by definition: replication ``r`` shuffles the
events' periods with ``rng.permutation``, the events listed location by location, then period
by period. Slow on purpose: for inputs of about 10 locations × 12 periods.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Found:
    centre: int
    locations: tuple[int, ...]
    start: int
    end: int
    observed: int
    expected: float
    llr: float
    p_value: float


def circles(coords, weights, max_share, max_radius_km):
    """Per centre, its scanned circles in growing order: (members, radius)."""
    n = len(coords)
    total_weight = sum(weights)
    found = []
    for i in range(n):
        ring = sorted((math.hypot(coords[j][0] - coords[i][0], coords[j][1] - coords[i][1]), j)
                      for j in range(n))
        mine = []
        for size in range(1, n + 1):
            members = tuple(j for _, j in ring[:size])
            radius = ring[size - 1][0]
            if size > 1:
                if sum(weights[j] for j in members) / total_weight > max_share + 1e-12:
                    continue
                if max_radius_km is not None and radius > max_radius_km:
                    continue
                if size < n and ring[size][0] == radius:
                    continue  # a circle holds every location at one distance, or none
            mine.append((members, radius))
        found.append(mine)
    return found


def intervals(periods, max_duration, prospective):
    ends = [periods - 1] if prospective else range(periods)
    return [(end - d + 1, end) for end in ends for d in range(1, min(max_duration, end + 1) + 1)]


def best_per_centre(table, zones, windows):
    """For each centre: (llr, members, start, end, observed, expected) of its best cylinder."""
    n_loc, n_per = len(table), len(table[0])
    total = sum(sum(row) for row in table)
    by_location = [sum(row) for row in table]
    by_period = [sum(table[z][d] for z in range(n_loc)) for d in range(n_per)]
    best = []
    for mine in zones:
        top = (0.0, None, None, None, 0, 0.0)
        for members, _ in mine:
            for start, end in windows:
                observed = 0
                expected_times_total = 0  # C * mu, a whole number
                for z in members:
                    for d in range(start, end + 1):
                        observed += table[z][d]
                        expected_times_total += by_location[z] * by_period[d]
                if observed * total <= expected_times_total:
                    continue
                mu = expected_times_total / total
                llr = observed * math.log(observed / mu)
                if observed < total:
                    llr += (total - observed) * math.log((total - observed) / (total - mu))
                if llr > top[0]:
                    top = (llr, members, start, end, observed, mu)
        best.append(top)
    return best


def permuted_tables(table, seed, replications):
    n_loc, n_per = len(table), len(table[0])
    locations, periods = [], []
    for z in range(n_loc):
        for d in range(n_per):
            locations += [z] * table[z][d]
            periods += [d] * table[z][d]
    rng = np.random.default_rng(seed)
    for _ in range(replications):
        shuffled = rng.permutation(np.array(periods, dtype=np.int64)).tolist()
        out = [[0] * n_per for _ in range(n_loc)]
        for z, d in zip(locations, shuffled, strict=True):
            out[z][d] += 1
        yield out


def brute_force_scan(counts, coords_km, *, seed, max_share=0.5, max_radius_km=None,
                     max_duration=None, replications=99, prospective=False, max_clusters=10,
                     population=None):
    """The clusters (most likely first, then non-overlapping ones) and replicate maxima."""
    table = [[int(v) for v in row] for row in counts]
    coords = [(float(x), float(y)) for x, y in coords_km]
    weights = [1.0] * len(table) if population is None else [float(p) for p in population]
    periods = len(table[0])
    zones = circles(coords, weights, max_share, max_radius_km)
    windows = intervals(periods, max_duration or max(1, periods // 2), prospective)
    observed = best_per_centre(table, zones, windows)
    maxima = [max(b[0] for b in best_per_centre(t, zones, windows))
              for t in permuted_tables(table, seed, replications)]
    ranked = sorted(range(len(observed)), key=lambda i: -observed[i][0])  # stable: ties by index
    taken: set[int] = set()
    clusters = []
    for centre in ranked:
        llr, members, start, end, obs, mu = observed[centre]
        if llr <= 0 or len(clusters) == max_clusters:
            break
        if taken & set(members):
            continue
        taken |= set(members)
        exceed = sum(1 for m in maxima if m >= llr)
        clusters.append(Found(centre, members, start, end, obs, mu, llr,
                              (1 + exceed) / (replications + 1)))
    return clusters, maxima
