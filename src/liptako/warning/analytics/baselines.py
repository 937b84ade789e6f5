"""The benchmarks every forecast must beat (VIEWS' prediction challenge, Hegre et al. 2025).

Each takes the target on its scoring scale (``log1p`` of the monthly counts) of every unit
and month, months without events included as zeros, and the column of the origin month; it
gives one row of samples per unit, the same for every horizon:

* ``zero``: nothing happens (one sample, 0);
* ``last_value``: the origin month again (one sample);
* ``mean_12m``: the mean of the target over the 12 months up to and including the origin (one
  sample; the mean of the ``log1p`` values, the scale the benchmark is scored on);
* ``conflictology_12m``: those 12 monthly values as 12 equally likely samples, the unit's own
  recent history as its predictive distribution.

Months before the panel's first month count as zeros, as everywhere in the forecasts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
WINDOW = 12


def zero(target: Array, origin: int) -> Array:
    """Zero everywhere.

    >>> zero(np.array([[1.0, 2.0]]), 1).tolist()
    [[0.0]]
    """
    return np.zeros((target.shape[0], 1))


def last_value(target: Array, origin: int) -> Array:
    """The origin month's value.

    >>> last_value(np.array([[1.0, 2.0, 5.0]]), 1).tolist()
    [[2.0]]
    """
    return np.array(target[:, origin:origin + 1], dtype=np.float64)


def mean_12m(target: Array, origin: int) -> Array:
    """The mean of the 12 months up to the origin.

    >>> mean_12m(np.array([[12.0, 24.0]]), 1).tolist()
    [[3.0]]
    """
    out: Array = _window(target, origin).mean(axis=1, keepdims=True)
    return out


def conflictology_12m(target: Array, origin: int) -> Array:
    """The 12 months up to the origin, each a sample.

    >>> conflictology_12m(np.array([[1.0, 2.0]]), 1).tolist()
    [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0]]
    """
    return _window(target, origin)


BASELINES: dict[str, Callable[[Array, int], Array]] = {
    "zero": zero, "last_value": last_value, "mean_12m": mean_12m,
    "conflictology_12m": conflictology_12m,
}


def _window(target: Array, origin: int) -> Array:
    """Columns ``origin - 11 .. origin``, zeros for those before the first."""
    if not 0 <= origin < target.shape[1]:
        raise ValueError(f"origin: expected a column in [0, {target.shape[1]}), got {origin}")
    out = np.zeros((target.shape[0], WINDOW))
    start = origin - WINDOW + 1
    out[:, max(0, -start):] = target[:, max(0, start):origin + 1]
    return out
