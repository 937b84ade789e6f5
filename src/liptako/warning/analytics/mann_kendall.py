"""The Mann-Kendall test for a monotonic trend, with the correction for tied values.

For a series ``x_1 .. x_T``: ``S`` is the sum of ``sign(x_j - x_i)`` over all pairs ``i < j``;
under no trend ``Var(S) = [T(T-1)(2T+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18`` where ``t_g`` is the
size of the g-th group of tied values; ``Z = (S - 1) / sqrt(Var S)`` for ``S > 0``,
``(S + 1) / sqrt(Var S)`` for ``S < 0``, 0 for ``S = 0`` (continuity correction); the p-value is
two-sided from the normal distribution.

References: Mann (1945), Econometrica 13(3); Kendall (1975), Rank Correlation Methods;
Gilbert (1987), Statistical Methods for Environmental Pollution Monitoring, ch. 16; Hirsch,
Slack & Smith (1982), Water Resources Research 18(1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr


@dataclass(frozen=True, eq=False)
class MannKendall:
    """Mann-Kendall statistics of each series (one row per series).

    Attributes
    ----------
    s : array of int
        The statistic ``S``: positive for an upward trend.
    var_s : array of float
        Variance of ``S`` under no trend, corrected for ties.
    z : array of float
        Standardised ``S`` (with the continuity correction unless asked otherwise).
    p : array of float
        Two-sided p-value of ``z``.
    """

    s: NDArray[np.int64]
    var_s: NDArray[np.float64]
    z: NDArray[np.float64]
    p: NDArray[np.float64]


def mann_kendall(series: ArrayLike, *, continuity: bool = True) -> MannKendall:
    """Mann-Kendall trend test of each row of ``series`` (n_series, T), or of one series (T,).

    A series whose values are all equal has ``Var S = 0``: its ``z`` is 0 and its ``p`` is 1.

    Examples
    --------
    The worked example of D. Little (College of the Holy Cross, "A Mann-Kendall example by
    hand"): 14 values, one tied pair, S = 54, Var S = (14*13*33 - 2*1*9) / 18, Z = 2.9058.

    >>> x = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7]
    >>> mk = mann_kendall(x)
    >>> int(mk.s[0]), round(float(mk.var_s[0] * 18)), round(float(mk.z[0]), 4)
    (54, 5988, 2.9058)
    """
    x = np.asarray(series, dtype=np.float64)
    rows = x[None, :] if x.ndim == 1 else x
    if rows.ndim != 2 or rows.shape[1] < 2:
        raise ValueError(f"expected series of at least 2 values (T,) or (n_series, T), got "
                         f"shape {x.shape}")
    if not np.all(np.isfinite(rows)):
        raise ValueError("expected finite values, got NaN or infinity")
    n_series, t = rows.shape
    signs = np.zeros(n_series)  # sums of -1, 0 and 1: exact in floating point
    for lag in range(1, t):
        signs += np.sign(rows[:, lag:] - rows[:, :-lag]).sum(axis=1)
    s = signs.astype(np.int64)
    # groups of tied values: runs of equal values once each row is sorted; a group never
    # spans two rows since every row opens a group
    ordered = np.sort(rows, axis=1)
    opens = np.ones(rows.shape, dtype=bool)
    opens[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.flatnonzero(opens.ravel())
    size = np.diff(np.append(first, rows.size))
    ties = np.bincount(first // t, weights=size * (size - 1) * (2 * size + 5),
                       minlength=n_series)
    var_s = (t * (t - 1) * (2 * t + 5) - ties) / 18.0
    shift = np.sign(s) if continuity else np.zeros_like(s)
    safe = np.where(var_s > 0, var_s, 1.0)
    z = np.where(var_s > 0, (s - shift) / np.sqrt(safe), 0.0)
    p = 2.0 * ndtr(-np.abs(z))
    return MannKendall(s, var_s, z, p)
