"""Space-time permutation scan statistic (Kulldorff et al. 2005), retrospective or prospective.

Kulldorff M, Heffernan R, Hartman J, Assunção R, Mostashari F (2005). "A space-time
permutation scan statistic for disease outbreak detection". *PLoS Medicine* 2(3): e59,
doi:10.1371/journal.pmed.0020059. Also the SaTScan User Guide v10.0 (Kulldorff 2021),
"Space-Time Permutation Model", "Likelihood Ratio Test", "Secondary Clusters".

Input is a table of case counts ``c[z, d]`` (locations × periods: weeks or months, aggregated
by the caller) and each location's planar coordinates in kilometres (see
:func:`~liptako.warning.analytics.cylinders.project_lonlat`). With ``C`` the total, ``C_z``
a location's total and ``C_d`` a period's, a cell expects ``mu[z, d] = C_z * C_d / C`` cases
when space and time do not interact; a cylinder ``A`` (a circle of locations times an interval
of periods, :mod:`~liptako.warning.analytics.cylinders`) expects ``mu_A``, their sum, and has
``c_A``. For ``c_A > mu_A`` its log likelihood ratio is::

    c_A log(c_A / mu_A) + (C - c_A) log((C - c_A) / (C - mu_A))

and 0 otherwise (high rates only). The most likely cluster has the largest. Its p-value is
``rank / (R + 1)``, with ``rank`` one plus the number of the ``R`` replications whose largest
ratio is at least as large; a replication keeps every location's and every period's total by
shuffling the events' periods among the events (``rng.permutation`` of the periods listed
location by location, then period by period, with ``rng = numpy.random.default_rng(seed)``).

Secondary clusters, as SaTScan reports them: each centre's best cylinder, from the largest
ratio down, kept when it shares no location with a cluster kept before ("no geographical
overlap"); each gets its p-value against the same replications' maxima, which is conservative
for all but the first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from liptako.warning.analytics import cylinders
from liptako.warning.analytics.scan_kernel import best_per_centre

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ScanSettings:
    """What the scan searches.

    max_share
        Largest share of the locations (or of ``population``, when given) in one circle;
        SaTScan's default is half.
    max_radius_km
        Largest circle radius, in kilometres; None for no limit but ``max_share``.
    max_duration
        Longest interval, in periods; None for half the study period (SaTScan's default).
    replications
        Monte Carlo replications, at least 1; 999 gives p-values down to 0.001.
    prospective
        Only intervals that end with the last period: clusters still alive at the end.
    max_clusters
        At most this many clusters reported (the most likely and the secondary ones).
    """

    max_share: float = 0.5
    max_radius_km: float | None = None
    max_duration: int | None = None
    replications: int = 999
    prospective: bool = False
    max_clusters: int = 10

    def __post_init__(self) -> None:
        if not (isinstance(self.max_share, int | float) and 0 < self.max_share <= 1):
            raise ValueError(f"max_share: expected a number in (0, 1], got {self.max_share!r}")
        radius = self.max_radius_km
        if radius is not None and not (isinstance(radius, int | float) and radius >= 0
                                       and math.isfinite(radius)):
            raise ValueError(f"max_radius_km: expected None or a finite number >= 0, got "
                             f"{radius!r}")
        for name, low in (("max_duration", 1), ("replications", 1), ("max_clusters", 1)):
            value = getattr(self, name)
            if value is None and name == "max_duration":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name}: expected an integer >= {low}, got {value!r}")


@dataclass(frozen=True)
class Cluster:
    """One cylinder: where, when, how many cases against how many expected, how unusual.

    ``locations`` are indices into the input's rows, nearest the centre first; ``start`` and
    ``end`` are period indices, both inclusive. ``relative_risk`` is SaTScan's: the rate
    inside over the rate outside, ``(c / mu) / ((C - c) / (C - mu))`` (infinite when every
    case is inside).
    """

    centre: int
    locations: tuple[int, ...]
    radius_km: float
    start: int
    end: int
    observed: int
    expected: float
    relative_risk: float
    llr: float
    p_value: float

    @property
    def observed_over_expected(self) -> float:
        return self.observed / self.expected


@dataclass(frozen=True)
class ScanResult:
    """The clusters, most likely first, and the largest ratio of each replication."""

    clusters: tuple[Cluster, ...]
    replicate_llrs: NDArray[np.float64] = field(repr=False, compare=False)
    total_cases: int
    periods: int
    prospective: bool
    seed: int

    @property
    def most_likely(self) -> Cluster | None:
        return self.clusters[0] if self.clusters else None


def space_time_permutation_scan(counts: ArrayLike, coords_km: ArrayLike, *, seed: int,
                                settings: ScanSettings | None = None,
                                population: ArrayLike | None = None,
                                progress: Progress | None = None) -> ScanResult:
    """Scan a locations × periods table of counts for space-time clusters of high rates.

    Parameters
    ----------
    counts : array_like of shape (locations, periods)
        Non-negative whole numbers of events (cases); at least one.
    coords_km : array_like of shape (locations, 2)
        Planar x, y in kilometres (project longitudes and latitudes with
        :func:`~liptako.warning.analytics.cylinders.project_lonlat`).
    seed : int
        Seeds the permutations; the same seed gives the same p-values.
    settings : ScanSettings, optional
        Window limits, replications, prospective or not.
    population : array_like of shape (locations,), optional
        Positive weights for ``settings.max_share``; each location counts once without it.
    progress : callable, optional
        Called as ``progress(done, total)`` with replications done so far.

    Returns
    -------
    ScanResult

    Examples
    --------
    >>> counts = np.ones((4, 6), dtype=int)
    >>> counts[0, 4:] = 9
    >>> xy = np.array([[0.0, 0.0], [10.0, 0.0], [50.0, 0.0], [90.0, 0.0]])
    >>> mlc = space_time_permutation_scan(
    ...     counts, xy, seed=1, settings=ScanSettings(replications=99)).most_likely
    >>> mlc.locations, (mlc.start, mlc.end), mlc.observed, mlc.expected
    ((0,), (4, 5), 18, 13.2)
    """
    settings = settings or ScanSettings()
    table = _counts(counts)
    xy = _coordinates(coords_km, table.shape[0])
    weights = _population(population, table.shape[0])
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed: expected an integer >= 0, got {seed!r}")
    n_periods = table.shape[1]
    duration = settings.max_duration or max(1, n_periods // 2)
    if duration > n_periods:
        raise ValueError(f"max_duration: expected at most the {n_periods} periods of counts, "
                         f"got {duration}")
    circ = cylinders.circles(xy, weights, max_share=settings.max_share,
                             max_radius_km=settings.max_radius_km)
    start, end = cylinders.intervals(n_periods, duration, prospective=settings.prospective)
    scan = _Scan(table, circ, start, end)

    best, circle, window = scan.best(table, only_the_maximum=False)
    maxima = _replicate_maxima(scan, int(seed), settings.replications, progress)
    clusters = _clusters(scan, best, circle, window, maxima, settings.max_clusters)
    maxima.setflags(write=False)
    return ScanResult(clusters=clusters, replicate_llrs=maxima, total_cases=scan.total,
                      periods=n_periods, prospective=settings.prospective, seed=int(seed))


class _Scan:
    """The parts of a scan that no permutation changes: circles, intervals and their totals."""

    def __init__(self, table: NDArray[np.int64], circ: cylinders.Circles,
                 start: NDArray[np.int64], end: NDArray[np.int64]) -> None:
        self.table = table
        self.circles = circ
        self.start, self.end = start, end
        self.total = int(table.sum())
        by_location = table.sum(axis=1)
        self.zone_total = np.cumsum(by_location[circ.order], axis=1)
        by_period = np.concatenate([[0], np.cumsum(table.sum(axis=0))])
        self.window_total = by_period[end + 1] - by_period[start]
        # the periods of the events, location by location: what a replication shuffles
        self.event_location = np.repeat(np.arange(table.shape[0]), by_location)
        self.event_period = np.repeat(np.tile(np.arange(table.shape[1]), table.shape[0]),
                                      table.ravel())
        self.shape = table.shape

    def best(self, table: NDArray[np.int64], *, only_the_maximum: bool,
             ) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
        return best_per_centre(table, self.circles.order, self.circles.valid,
                               self.zone_total, self.start, self.end, self.window_total,
                               only_the_maximum)

    def replicate(self, rng: np.random.Generator) -> NDArray[np.int64]:
        periods = rng.permutation(self.event_period)
        cells = self.event_location * self.shape[1] + periods
        return np.bincount(cells, minlength=self.shape[0] * self.shape[1]).reshape(self.shape)


def _replicate_maxima(scan: _Scan, seed: int, replications: int,
                      progress: Progress | None) -> NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    maxima = np.empty(replications)
    step = max(1, replications // 100)
    for r in range(replications):
        best, _, _ = scan.best(scan.replicate(rng), only_the_maximum=True)
        maxima[r] = best.max()
        if progress is not None and ((r + 1) % step == 0 or r + 1 == replications):
            progress(r + 1, replications)
    return maxima


def _clusters(scan: _Scan, best: NDArray[np.float64], circle: NDArray[np.int64],
              window: NDArray[np.int64], maxima: NDArray[np.float64],
              max_clusters: int) -> tuple[Cluster, ...]:
    taken = np.zeros(scan.shape[0], dtype=bool)
    found: list[Cluster] = []
    for centre in np.argsort(-best, kind="stable"):
        if best[centre] <= 0 or len(found) == max_clusters:
            break
        k, w = int(circle[centre]), int(window[centre])
        members = scan.circles.order[centre, :k + 1]
        if taken[members].any():
            continue
        taken[members] = True
        llr = float(best[centre])
        # a tie is a replication with the same count and expectation somewhere, which the
        # kernel turns into the very same float
        exceed = int(np.count_nonzero(maxima >= llr))
        found.append(_cluster(scan, int(centre), k, w, llr, (1 + exceed) / (len(maxima) + 1)))
    return tuple(found)


def _cluster(scan: _Scan, centre: int, k: int, w: int, llr: float, p_value: float) -> Cluster:
    members = scan.circles.order[centre, :k + 1]
    start, end = int(scan.start[w]), int(scan.end[w])
    expected = float(scan.zone_total[centre, k]) * float(scan.window_total[w]) / scan.total
    observed = int(scan.table[members, start:end + 1].sum())
    total = scan.total
    outside = (total - observed) / (total - expected) if expected < total else 0.0
    risk = math.inf if outside == 0 else (observed / expected) / outside
    return Cluster(centre=centre, locations=tuple(int(m) for m in members),
                   radius_km=float(scan.circles.radius[centre, k]), start=start, end=end,
                   observed=observed, expected=expected, relative_risk=risk, llr=llr,
                   p_value=p_value)


def _counts(counts: ArrayLike) -> NDArray[np.int64]:
    array = np.asarray(counts)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"counts: expected a 2-D array (locations × periods), got shape "
                         f"{array.shape}")
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
            or array.dtype == np.bool_):
        raise ValueError(f"counts: expected whole numbers, got dtype {array.dtype}")
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array != np.round(array)):
        raise ValueError("counts: expected non-negative whole numbers, got negative, "
                         "fractional or non-finite entries")
    table = array.astype(np.int64)
    if table.sum() == 0:
        raise ValueError("counts: expected at least one case, got none")
    return np.ascontiguousarray(table)


def _coordinates(coords_km: ArrayLike, n_locations: int) -> NDArray[np.float64]:
    xy = np.asarray(coords_km, dtype=np.float64)
    if xy.shape != (n_locations, 2):
        raise ValueError(f"coords_km: expected shape ({n_locations}, 2), one x, y in km per "
                         f"row of counts, got {xy.shape}")
    if not np.all(np.isfinite(xy)):
        raise ValueError("coords_km: expected finite kilometres, got NaN or infinity")
    return xy


def _population(population: ArrayLike | None, n_locations: int) -> NDArray[np.float64]:
    if population is None:
        return np.ones(n_locations)
    weights = np.asarray(population, dtype=np.float64)
    if weights.shape != (n_locations,):
        raise ValueError(f"population: expected shape ({n_locations},), one per row of "
                         f"counts, got {weights.shape}")
    if not np.all(np.isfinite(weights)) or np.any(weights <= 0):
        raise ValueError("population: expected positive finite numbers")
    return weights
