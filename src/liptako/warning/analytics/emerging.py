"""Emerging hot spots: the Gi* of every unit in every period, and what its history says.

A space-time cube holds one value per unit and period (units x periods). For each period
:func:`~liptako.warning.analytics.gistar.gi_star_z` gives every unit a z-score on that period's
values, with a two-sided p-value from conditional permutations (or from the normal
distribution), corrected for the false discovery rate (Benjamini-Hochberg, within each period
by default; ArcGIS Pro applies an FDR correction too). A bin is a hot spot when it is
significant with ``z > 0``, a cold spot when significant with ``z < 0``. The Mann-Kendall test
on each unit's series of z-scores says whether its clustering grows or fades. Each unit then
falls in one category, after ArcGIS Pro's
"How Emerging Hot Spot Analysis works" (pro.arcgis.com, Space Time Pattern Mining toolbox):

new
    hot in the final period and never significant before;
consecutive
    a single run of at least two hot periods at the end, never significant before it, and
    fewer than 90 % of the periods hot;
intensifying / persistent / diminishing
    hot in at least 90 % of the periods, the final one included, with a significant upward /
    no significant / a significant downward trend of the z-scores;
sporadic
    hot in the final period, on and off before, under 90 % hot and never cold;
oscillating
    hot in the final period, cold in some earlier one, under 90 % hot;
historical
    hot in at least 90 % of the periods but not significant in the final one;

and the same for cold spots, where "intensifying" is a significant downward trend of z (ever
colder). Anything else is "no pattern". Where ArcGIS's wording lets two categories apply, this
module decides: a location's state in the final period comes first (a unit at least 90 % cold
but hot at the end is an oscillating hot spot, not a historical cold spot; at least 90 % hot
but not significant at the end is historical, not persistent), and an earlier cold spot makes a
hot spot that ends in the final period oscillating rather than new or consecutive (and the
other way round). Unlike ArcGIS, the Gi* neighbourhood of a bin is the unit's spatial neighbours
in the same period (no neighbourhood time step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr

from liptako.warning.analytics.fdr import benjamini_hochberg
from liptako.warning.analytics.gistar import draws_for, gi_star_z, permutation_p_values
from liptako.warning.analytics.mann_kendall import MannKendall, mann_kendall
from liptako.warning.analytics.neighbours import Neighbours

Progress = Callable[[int], None]
Family = Literal["period", "cube"]
# z-scores closer than this are ties for the trend test: equal in exact arithmetic, they differ
# by floating-point noise (a slice that is another one scaled has the same z-scores)
Z_DECIMALS = 9


class Category(StrEnum):
    NO_PATTERN = "no pattern"
    NEW_HOT_SPOT = "new hot spot"
    CONSECUTIVE_HOT_SPOT = "consecutive hot spot"
    INTENSIFYING_HOT_SPOT = "intensifying hot spot"
    PERSISTENT_HOT_SPOT = "persistent hot spot"
    DIMINISHING_HOT_SPOT = "diminishing hot spot"
    SPORADIC_HOT_SPOT = "sporadic hot spot"
    OSCILLATING_HOT_SPOT = "oscillating hot spot"
    HISTORICAL_HOT_SPOT = "historical hot spot"
    NEW_COLD_SPOT = "new cold spot"
    CONSECUTIVE_COLD_SPOT = "consecutive cold spot"
    INTENSIFYING_COLD_SPOT = "intensifying cold spot"
    PERSISTENT_COLD_SPOT = "persistent cold spot"
    DIMINISHING_COLD_SPOT = "diminishing cold spot"
    SPORADIC_COLD_SPOT = "sporadic cold spot"
    OSCILLATING_COLD_SPOT = "oscillating cold spot"
    HISTORICAL_COLD_SPOT = "historical cold spot"


_KINDS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic",
          "oscillating", "historical")


@dataclass(frozen=True, eq=False)
class EmergingHotSpots:
    """The categories of an emerging hot spot analysis and what they rest on.

    Attributes
    ----------
    categories : tuple of Category, one per unit
    z : array (n_units, n_periods)
        Gi* z-score of every bin.
    p : array (n_units, n_periods)
        Two-sided p-value of every bin (permutation, or normal without permutations).
    q : array (n_units, n_periods)
        ``p`` adjusted by Benjamini-Hochberg within each period or over the whole cube
        (``p`` itself without correction).
    significant : bool array (n_units, n_periods)
        ``q <= alpha``.
    trend : MannKendall
        Mann-Kendall test of each unit's z-scores over time.
    alpha : float
    permutations : int
    fdr : {"period", "cube"} or None
    """

    categories: tuple[Category, ...]
    z: NDArray[np.float64]
    p: NDArray[np.float64]
    q: NDArray[np.float64]
    significant: NDArray[np.bool_]
    trend: MannKendall
    alpha: float
    permutations: int
    fdr: Family | None


def emerging_hot_spots(cube: ArrayLike, neighbours: Neighbours, *, permutations: int = 0,
                       seed: int | None = None, ids: ArrayLike | None = None,
                       alpha: float = 0.05, fdr: Family | None = "period",
                       progress: Progress | None = None) -> EmergingHotSpots:
    """Classify every unit of a space-time cube (n_units, n_periods) by its Gi* history.

    Parameters
    ----------
    cube : array (n_units, n_periods)
        Counts (or other values) per unit and period, periods in time order.
    neighbours : Neighbours
        Binary spatial neighbours of the units; each unit is in its own neighbourhood.
    permutations : int
        Conditional permutations per bin; 0 (the default, as ArcGIS) for p-values from the
        normal distribution. No permutation p-value is below ``2 / (permutations + 1)``, so
        after the FDR correction over ``n`` units a bin is significant only when about
        ``n * 2 / (permutations + 1) / alpha`` bins of its period share that floor: with 999
        permutations, 4 % of the units.
    seed, ids
        Seed of the draws, or the draws themselves (as for
        :func:`~liptako.warning.analytics.gistar.gi_star`); one matrix of draws serves every
        period.
    alpha : float
        Significance level of the bins (after the FDR correction) and of the trend.
    fdr : {"period", "cube"} or None
        The family of tests whose false discovery rate is controlled: each period (one Gi*
        analysis per map, the default), the whole cube, or none.
    progress : callable, optional
        Called with the number of periods done, after each period's permutations.

    Examples
    --------
    A 3 x 3 block of events that grows over ten months in the middle of a 7 x 7 grid:

    >>> from liptako.warning.analytics.neighbours import lattice
    >>> cube = np.tile(np.arange(49.0) % 4, (10, 1)).T
    >>> block = [16, 17, 18, 23, 24, 25, 30, 31, 32]
    >>> cube[block] = np.arange(5, 15)
    >>> result = emerging_hot_spots(cube, lattice(7, 7))
    >>> str(result.categories[24]), int(result.significant[24].sum())
    ('intensifying hot spot', 10)
    """
    values = _cube(cube, neighbours.n_units)
    if not 0 < alpha < 1:
        raise ValueError(f"expected alpha in (0, 1), got {alpha}")
    if fdr not in ("period", "cube", None):
        raise ValueError(f"expected fdr 'period', 'cube' or None, got {fdr!r}")
    z = gi_star_z(values, neighbours)
    draws = draws_for(neighbours, permutations, seed, ids)
    if draws is None:
        p = 2.0 * ndtr(-np.abs(z))
    else:
        p = np.empty_like(z)
        for t in range(values.shape[1]):
            p[:, t] = permutation_p_values(np.ascontiguousarray(values[:, t]), neighbours, draws,
                                           "two-sided")
            if progress is not None:
                progress(t + 1)
    if fdr == "cube":
        q = benjamini_hochberg(p)
    elif fdr == "period":
        q = np.column_stack([benjamini_hochberg(p[:, t]) for t in range(p.shape[1])])
    else:
        q = p
    significant = q <= alpha
    trend = mann_kendall(np.round(z, Z_DECIMALS))
    categories = classify(z, significant, trend, alpha=alpha)
    return EmergingHotSpots(categories, z, p, q, significant, trend, alpha,
                            0 if draws is None else draws.shape[0], fdr)


def classify(z: NDArray[np.float64], significant: NDArray[np.bool_], trend: MannKendall, *,
             alpha: float) -> tuple[Category, ...]:
    """The category of each unit from its bins' z-scores, their significance and the trend."""
    hot, cold = significant & (z > 0), significant & (z < 0)
    rising = (trend.p <= alpha) & (trend.z > 0)
    falling = (trend.p <= alpha) & (trend.z < 0)
    hot_kinds = _kinds(hot, cold, stronger=rising, weaker=falling)
    cold_kinds = _kinds(cold, hot, stronger=falling, weaker=rising)
    conditions, names = [], []
    for side, kinds in (("HOT", hot_kinds), ("COLD", cold_kinds)):
        for kind in _KINDS:
            conditions.append(kinds[kind])
            names.append(Category[f"{kind.upper()}_{side}_SPOT"])
    chosen = np.select(conditions, np.arange(1, len(names) + 1), default=0)
    table = (Category.NO_PATTERN, *names)
    return tuple(table[i] for i in chosen.tolist())


def _kinds(this: NDArray[np.bool_], other: NDArray[np.bool_], *, stronger: NDArray[np.bool_],
           weaker: NDArray[np.bool_]) -> dict[str, NDArray[np.bool_]]:
    """Which pattern each unit shows on one side (``this``: hot or cold bins)."""
    periods = this.shape[1]
    count = this.sum(axis=1)
    mostly = 10 * count >= 9 * periods  # "at least 90 % of the time-step intervals"
    final = this[:, -1]
    ends_other = other[:, -1]
    ever_other = other.any(axis=1)
    # length of the run of significant bins that ends in the final period
    reversed_ = this[:, ::-1]
    run = np.where(reversed_.all(axis=1), periods, np.argmin(reversed_, axis=1))
    recent = final & ~mostly
    clean = recent & ~ever_other
    return {
        "new": clean & (count == 1),
        "consecutive": clean & (count >= 2) & (count == run),
        "intensifying": final & mostly & stronger,
        "persistent": final & mostly & ~stronger & ~weaker,
        "diminishing": final & mostly & weaker,
        "sporadic": clean & (count > run),
        "oscillating": recent & ever_other,
        "historical": mostly & ~final & ~ends_other,
    }


def _cube(cube: ArrayLike, n_units: int) -> NDArray[np.float64]:
    values = np.asarray(cube, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"expected a cube of shape (n_units, n_periods), got shape "
                         f"{values.shape}")
    if values.shape[0] != n_units:
        raise ValueError(f"expected {n_units} units (one per neighbour list), got "
                         f"{values.shape[0]}")
    if values.shape[1] < 2:
        raise ValueError(f"expected at least 2 periods, got {values.shape[1]}")
    if not np.all(np.isfinite(values)):
        raise ValueError("expected finite values, got NaN or infinity")
    return values
