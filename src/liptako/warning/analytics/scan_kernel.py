"""The compiled inner loop of the space-time permutation scan: the best cylinder per centre.

One pass over every cylinder of one table of counts. A centre's circles are nested, so the
counts of circle ``k`` over time are those of circle ``k - 1`` plus one location's; a running
cumulative sum over time then gives any interval's count in O(1). Whatever the permutation,
a cylinder's expected count is the same (its circle's total times its interval's total over
the grand total: both margins are kept), so the totals come in precomputed.

The likelihood ratio is only worked out where it can matter. With ``ln x <= x - 1`` on both
of its terms, ``(c - mu)**2 * C / (mu * (C - mu))`` bounds it from above (about twice the
ratio for a cylinder near its expectation); a cylinder whose bound does not beat the best so
far is skipped with a few multiplications and no ``log``.

numba compiles it once per machine (``cache=True`` keeps the machine code beside the module);
every call after that runs at C speed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

_F = TypeVar("_F", bound=Callable[..., Any])


def _compiled(fn: _F) -> _F:
    return cast(_F, numba.njit(cache=True, nogil=True)(fn))


@_compiled
def best_per_centre(table: NDArray[np.int64], order: NDArray[np.intp],
                    valid: NDArray[np.bool_], zone_total: NDArray[np.int64],
                    win_start: NDArray[np.int64], win_end: NDArray[np.int64],
                    win_total: NDArray[np.int64], only_the_maximum: bool,
                    ) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Per centre, the largest log likelihood ratio over its cylinders with ``c > mu``.

    ``zone_total[i, k]`` is the cases of circle ``k`` of centre ``i`` over all periods,
    ``win_total[w]`` those of interval ``w`` over all locations. Returns three arrays over
    centres: the largest ratio (0 where no cylinder has more cases than expected), the
    circle's column in ``order`` and the interval's index (-1 where none). Ties go to the
    first cylinder in the order centre, circle, interval. With ``only_the_maximum`` a centre
    that cannot beat an earlier centre's best is cut short: the largest entry is still exact,
    the others are not.
    """
    n_locations = table.shape[0]
    n_centres, n_circles = order.shape
    total = table.sum()
    first = win_start.min()
    span = table.shape[1] - first
    # per location, cumulative counts over the periods any interval reaches
    by_location = np.zeros((n_locations, span + 1), np.int64)
    for j in range(n_locations):
        for t in range(span):
            by_location[j, t + 1] = by_location[j, t] + table[j, first + t]
    lower = win_start - first
    upper = win_end + 1 - first
    share = win_total / total
    best = np.zeros(n_centres)
    best_circle = np.full(n_centres, -1, np.int64)
    best_window = np.full(n_centres, -1, np.int64)
    cumulative = np.zeros(span + 1, np.int64)
    overall = 0.0
    for i in range(n_centres):
        cumulative[:] = 0
        # the ratio a cylinder must beat to matter
        threshold = overall if only_the_maximum else 0.0
        for k in range(n_circles):
            location = order[i, k]
            for t in range(span + 1):
                cumulative[t] += by_location[location, t]
            z_total = zone_total[i, k]
            if not valid[i, k]:
                continue
            for w in range(lower.shape[0]):
                c = cumulative[upper[w]] - cumulative[lower[w]]
                # C * (c - mu), a whole number: c > mu is decided without rounding
                surplus = c * total - z_total * win_total[w]
                mu = z_total * share[w]
                # ln x <= x - 1 on both terms: llr <= (c - mu)**2 * C / (mu * (C - mu)); both
                # tests are made every time (&, not and) so that the branch is rarely taken,
                # and so well predicted
                if not ((surplus > 0) & (float(surplus) * surplus
                                         > threshold * mu * (total - mu) * total)):
                    continue
                llr = _log_likelihood_ratio(c, mu, surplus / total, total)
                if llr > best[i]:
                    best[i] = llr
                    best_circle[i] = k
                    best_window[i] = w
                    threshold = max(threshold, llr)
        overall = max(overall, best[i])
    return best, best_circle, best_window


@_compiled
def _log_likelihood_ratio(c: int, mu: float, excess: float, total: int) -> float:
    """``c log(c / mu) + (C - c) log((C - c) / (C - mu))`` for ``c > mu``.

    Written with ``log1p`` of the relative excess, so that the two terms' first-order parts,
    which cancel, carry no rounding of ``c log c``: the ratio stays positive and accurate
    however close ``c`` is to ``mu``.
    """
    llr = c * math.log1p(excess / mu)
    if c < total:
        llr += (total - c) * math.log1p(-excess / (total - mu))
    return llr
