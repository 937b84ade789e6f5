"""Scores of a predictive distribution given as samples, one row per case.

* CRPS (continuous ranked probability score; Gneiting & Raftery 2007, eq. 21) by the sample
  formula ``E|X - y| - 0.5 E|X - X'|``, the expectations taken over the samples (``X'`` an
  independent copy, ``n**2`` pairs: the estimator of ``properscoring.crps_ensemble`` and of
  the VIEWS prediction challenge). ``E|X - X'|`` is computed on sorted samples in
  ``O(n log n)``: with ``x_(1) <= ... <= x_(n)``, ``sum_ij |x_i - x_j| =
  2 sum_i (2 i - n - 1) x_(i)``. Lower is better; for a point forecast it is ``|x - y|``.
* Brier score of the event "at least ``threshold``" (Brier 1950): the forecast probability is
  the share of samples at or above it.
* Coverage of the central interval: whether the outcome lies between the samples' lower and
  upper quantiles (numpy's default linear interpolation), both ends included.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def crps_samples(samples: ArrayLike, observed: ArrayLike) -> Array:
    """CRPS of each row of ``samples`` (n_cases, n_samples) against ``observed`` (n_cases,).

    Examples
    --------
    A point forecast scores its absolute error; two equally likely values 0 and 2 score
    ``(1 + 1) / 2 - 0.5 * (0 + 2 + 2 + 0) / 4 = 0.5`` against 1:

    >>> crps_samples([[3.0], [0.0]], [1.0, 0.0]).tolist()
    [2.0, 0.0]
    >>> crps_samples([[0.0, 2.0]], [1.0]).tolist()
    [0.5]
    """
    x, y = _cases(samples, observed)
    n = x.shape[1]
    ordered = np.sort(x, axis=1)
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    spread = 2.0 * (ordered @ weights) / (n * n)  # E|X - X'|
    out: Array = np.abs(x - y[:, None]).mean(axis=1) - 0.5 * spread
    return out


def exceedance(samples: ArrayLike, threshold: float) -> Array:
    """Forecast probability of ``>= threshold``: the share of samples there.

    >>> exceedance([[0.0, 3.0, 4.0, 1.0]], 3.0).tolist()
    [0.5]
    """
    x = np.asarray(samples, dtype=np.float64)
    out: Array = (x >= threshold).mean(axis=1)
    return out


def brier(probability: ArrayLike, happened: ArrayLike) -> Array:
    """Squared error of each probability against the 0/1 outcome.

    >>> brier([0.5, 1.0, 0.2], [True, True, False]).tolist()
    [0.25, 0.0, 0.04000000000000001]
    """
    p = np.asarray(probability, dtype=np.float64)
    o = np.asarray(happened, dtype=np.float64)
    out: Array = (p - o) ** 2
    return out


def covered(samples: ArrayLike, observed: ArrayLike, level: float = 0.8) -> NDArray[np.bool_]:
    """Whether each outcome lies in the central ``level`` interval of its samples.

    >>> covered([[0.0] * 10, list(range(10))], [0.0, 9.0]).tolist()
    [True, False]
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level: expected a share between 0 and 1, got {level}")
    x, y = _cases(samples, observed)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(x, [tail, 1.0 - tail], axis=1)
    out: NDArray[np.bool_] = (low <= y) & (y <= high)
    return out


def _cases(samples: ArrayLike, observed: ArrayLike) -> tuple[Array, Array]:
    x = np.asarray(samples, dtype=np.float64)
    y = np.asarray(observed, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] == 0:
        raise ValueError(f"expected samples of shape (n_cases, n_samples >= 1), got {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"expected one outcome per case ({x.shape[0]}), got shape {y.shape}")
    return x, y
