"""Getis-Ord Gi* on binary weights that include each unit itself, with conditional permutation
p-values.

The z-score is the closed form of Ord & Getis (1995) with binary weights: for unit ``i``
with ``w_i`` units in its neighbourhood (itself included),

    z_i = (sum of y over the neighbourhood - w_i * mean(y))
          / (s * sqrt((n * w_i - w_i**2) / (n - 1))),

``s`` the population standard deviation of ``y``; it is what PySAL esda's
``G_Local(y, w, star=True, transform="B").Zs`` reports.

Conditional permutation (Anselin 1995, as esda's ``crand`` does it) holds ``y_i`` fixed and
draws the ``k_i`` neighbour values from the other ``n - 1`` units without replacement. As in
esda, one matrix of draws serves every unit: row ``r`` holds positions in ``[0, n - 1)`` into
"the units other than ``i``" (position ``m`` is unit ``m`` if ``m < i``, else ``m + 1``) and unit
``i`` uses the first ``k_i`` of them. Feeding esda and :func:`gi_star` the same matrix gives the
same p-values. The count kernel is compiled by numba and cached on disk.

References: Getis & Ord (1992), Geographical Analysis 24(3); Ord & Getis (1995), Geographical
Analysis 27(4); Anselin (1995), Geographical Analysis 27(2); PySAL esda ``getisord.G_Local`` and
``crand`` (github.com/pysal/esda).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_array
from scipy.special import ndtr

from liptako.warning.analytics.neighbours import Neighbours

Alternative = Literal["directed", "two-sided", "greater", "lesser"]
ALTERNATIVES: tuple[Alternative, ...] = ("directed", "two-sided", "greater", "lesser")


@dataclass(frozen=True, eq=False)
class GiStar:
    """Gi* of one variable on one set of neighbours.

    Attributes
    ----------
    z : array, shape (n_units,)
        Closed-form z-score; positive for a cluster of high values (hot spot).
    p_norm : array, shape (n_units,)
        Two-sided p-value of ``z`` under the normal approximation (esda's ``p_norm`` is
        one-sided: half of this).
    p_sim : array, shape (n_units,) or None
        Conditional permutation p-value for ``alternative``; None without permutations.
    permutations : int
    alternative : str
    """

    z: NDArray[np.float64]
    p_norm: NDArray[np.float64]
    p_sim: NDArray[np.float64] | None
    permutations: int
    alternative: Alternative


def gi_star_z(values: ArrayLike, neighbours: Neighbours) -> NDArray[np.float64]:
    """Closed-form Gi* z-scores, per column when ``values`` is (n_units, n_periods).

    A column whose values are all equal has no spatial pattern to find: its z-scores are 0,
    and so is the z of a unit whose neighbourhood is every unit.

    Examples
    --------
    >>> from liptako.warning.analytics.neighbours import lattice
    >>> z = gi_star_z([0, 0, 0, 0, 9, 9, 0, 9, 9], lattice(3, 3, contiguity="rook"))
    >>> [round(float(v), 2) for v in z]
    [-1.79, -0.99, -0.45, -0.99, 0.99, 1.56, -0.45, 1.56, 2.24]
    """
    y = _values(values, neighbours.n_units, ndim=(1, 2))
    n = y.shape[0]
    w = (neighbours.cardinalities + 1).astype(np.float64)
    star = csr_array((np.ones(neighbours.indices.size), neighbours.indices, neighbours.indptr),
                     shape=(n, n))
    local = star @ y + y  # the neighbourhood's sum, the unit itself included
    mean = y.mean(axis=0)
    s = np.sqrt(np.maximum((y * y).mean(axis=0) - mean * mean, 0.0))
    spread = np.sqrt(np.maximum(n * w - w * w, 0.0) / max(n - 1, 1))
    if y.ndim == 2:
        w, spread = w[:, None], spread[:, None]
    denominator = s * spread
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, (local - w * mean) / safe, 0.0)


def permutation_ids(n_units: int, max_cardinality: int, permutations: int, *,
                    seed: int | np.random.SeedSequence) -> NDArray[np.int64]:
    """Draw the (permutations, max_cardinality) matrix of positions among the other units.

    Each row is a sample without replacement from ``range(n_units - 1)``, seeded.

    Examples
    --------
    >>> ids = permutation_ids(10, 3, 4, seed=7)
    >>> ids.shape, bool(ids.max() < 9), all(len(set(row)) == 3 for row in ids.tolist())
    ((4, 3), True, True)
    """
    if max_cardinality > n_units - 1:
        raise ValueError(f"expected at most n_units - 1 = {n_units - 1} neighbours, got "
                         f"{max_cardinality}")
    rng = np.random.default_rng(seed)
    ids = np.empty((permutations, max_cardinality), dtype=np.int64)
    for r in range(permutations):
        ids[r] = rng.choice(n_units - 1, size=max_cardinality, replace=False)
    return ids


def gi_star(values: ArrayLike, neighbours: Neighbours, *, permutations: int = 999,
            seed: int | None = None, ids: ArrayLike | None = None,
            alternative: Alternative = "directed") -> GiStar:
    """Gi* z-scores and conditional permutation p-values of one variable.

    Parameters
    ----------
    values : array, shape (n_units,)
    neighbours : Neighbours
        Binary neighbours; each unit is added to its own neighbourhood.
    permutations : int
        Number of draws; 0 for the z-scores and normal p-values only.
    seed : int, optional
        Seeds the draws; required when ``ids`` is not given and ``permutations > 0``.
    ids : array of int, shape (permutations, >= max cardinality), optional
        Explicit draws (see the module's description), e.g. the ones esda used.
    alternative : {"directed", "two-sided", "greater", "lesser"}
        With ``g`` draws at or above the observed neighbourhood sum and ``l`` at or below it:
        "directed" is esda's ``p_sim``, ``(min(g, P - g) + 1) / (P + 1)``, the tail the
        observation lies in; "two-sided" doubles the smaller tail, ties counting in both,
        ``min(1, 2 * (min(g, l) + 1) / (P + 1))``; "greater" is ``(g + 1) / (P + 1)`` and
        "lesser" ``(l + 1) / (P + 1)``. In "directed" ties count as "above" only, so among
        sparse counts a neighbourhood of zeros, which many draws equal, gets the smallest
        p-value there is: "two-sided" suits counts better.

    Units without neighbours have nothing to permute: their p-value is 1.

    Examples
    --------
    >>> from liptako.warning.analytics.neighbours import lattice
    >>> y = [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 5, 6, 0, 0, 0, 7, 9, 0, 0, 0, 0, 0, 0]
    >>> g = gi_star(y, lattice(5, 5), permutations=99, seed=1)
    >>> round(float(g.z[12]), 2), float(g.p_sim[12])
    (2.89, 0.02)
    """
    y = _values(values, neighbours.n_units, ndim=(1,))
    if alternative not in ALTERNATIVES:
        raise ValueError(f"expected alternative in {ALTERNATIVES}, got {alternative!r}")
    z = gi_star_z(y, neighbours)
    p_norm = 2.0 * ndtr(-np.abs(z))
    draws = draws_for(neighbours, permutations, seed, ids)
    if draws is None:
        return GiStar(z, p_norm, None, 0, alternative)
    p_sim = permutation_p_values(y, neighbours, draws, alternative)
    return GiStar(z, p_norm, p_sim, draws.shape[0], alternative)


def permutation_p_values(values: NDArray[np.float64], neighbours: Neighbours,
                         ids: NDArray[np.int64],
                         alternative: Alternative) -> NDArray[np.float64]:
    """Conditional permutation p-values of validated ``values`` for validated draws ``ids``.

    The building block of :func:`gi_star` for callers that run many variables (periods) on
    one matrix of draws: see :func:`check_ids` and :func:`permutation_ids`.
    """
    ge, le = _tail_counts(values, neighbours.indptr, neighbours.indices, ids)
    p = tail_p_values(ge, le, ids.shape[0], alternative)
    p[neighbours.cardinalities == 0] = 1.0
    return p


def tail_p_values(ge: NDArray[np.int64], le: NDArray[np.int64], permutations: int,
                  alternative: Alternative) -> NDArray[np.float64]:
    """Pseudo p-values from the counts of draws at or above (``ge``) and at or below (``le``)."""
    if alternative == "directed":
        extreme = np.minimum(ge, permutations - ge)
    elif alternative == "two-sided":
        extreme = np.minimum(ge, le)
    else:
        extreme = ge if alternative == "greater" else le
    p: NDArray[np.float64] = (extreme + 1.0) / (permutations + 1.0)
    return np.minimum(1.0, 2.0 * p) if alternative == "two-sided" else p


def check_ids(ids: ArrayLike, neighbours: Neighbours) -> NDArray[np.int64]:
    """Validate an explicit matrix of draws against the neighbours it will serve."""
    draws = np.asarray(ids)
    n, k = neighbours.n_units, int(neighbours.cardinalities.max(initial=0))
    if draws.ndim != 2 or draws.shape[0] < 1 or draws.shape[1] < k:
        raise ValueError(f"expected ids of shape (permutations, >= {k}), got {draws.shape}")
    if not np.issubdtype(draws.dtype, np.integer):
        raise ValueError(f"expected ids of integers, got dtype {draws.dtype}")
    used = np.ascontiguousarray(draws[:, :k], dtype=np.int64)
    if used.size and (used.min() < 0 or used.max() >= n - 1):
        raise ValueError(f"expected ids in [0, {n - 1}), got {int(used.min())}.."
                         f"{int(used.max())}")
    ordered = np.sort(used, axis=1)
    if np.any(ordered[:, 1:] == ordered[:, :-1]):
        raise ValueError("expected each row of ids without repeats (drawn without "
                         "replacement), got a repeat")
    return used


def draws_for(neighbours: Neighbours, permutations: int, seed: int | None,
              ids: ArrayLike | None) -> NDArray[np.int64] | None:
    """The validated ``ids`` if given, else ``permutations`` seeded draws, else None."""
    if ids is not None:
        return check_ids(ids, neighbours)
    if permutations < 0:
        raise ValueError(f"expected permutations >= 0, got {permutations}")
    if permutations == 0:
        return None
    if seed is None:
        raise ValueError("expected a seed (or explicit ids) for the permutations, got neither")
    k = int(neighbours.cardinalities.max(initial=0))
    return permutation_ids(neighbours.n_units, k, permutations, seed=seed)


def _values(values: ArrayLike, n_units: int, *, ndim: tuple[int, ...]) -> NDArray[np.float64]:
    y = np.asarray(values, dtype=np.float64)
    if y.ndim not in ndim:
        raise ValueError(f"expected values with {' or '.join(map(str, ndim))} dimension(s), "
                         f"got shape {y.shape}")
    if y.shape[0] != n_units:
        raise ValueError(f"expected {n_units} units (one per neighbour list), got {y.shape[0]}")
    if n_units < 2:
        raise ValueError(f"expected at least 2 units, got {n_units}")
    if not np.all(np.isfinite(y)):
        raise ValueError("expected finite values, got NaN or infinity")
    return np.ascontiguousarray(y)


@numba.njit(cache=True, nogil=True)
def _tail_counts(y: NDArray[np.float64], indptr: NDArray[np.int64],
                 indices: NDArray[np.int64],
                 ids: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    # For each unit: how many draws give a neighbour sum >= and <= the observed one. The unit's
    # own value is in both sides of the comparison, so it is left out of both.
    n = y.shape[0]
    permutations = ids.shape[0]
    ge = np.zeros(n, dtype=np.int64)
    le = np.zeros(n, dtype=np.int64)
    for i in range(n):
        start, stop = indptr[i], indptr[i + 1]
        observed = 0.0
        for j in range(start, stop):
            observed += y[indices[j]]
        k = stop - start
        above = below = 0
        for r in range(permutations):
            drawn = 0.0
            for c in range(k):
                m = ids[r, c]
                drawn += y[m + (m >= i)]  # position m among the others is unit m or m + 1
            above += drawn >= observed
            below += drawn <= observed
        ge[i], le[i] = above, below
    return ge, le
