"""False discovery rate control over many tests (Benjamini & Hochberg 1995).

Reference: Benjamini, Y. & Hochberg, Y. (1995), "Controlling the false discovery rate: a
practical and powerful approach to multiple testing", JRSS B 57(1), 289-300.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def benjamini_hochberg(p_values: ArrayLike) -> NDArray[np.float64]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the shape given.

    ``q`` of the test ranked ``r`` among ``m`` is the smallest ``p_(j) * m / j`` over ranks
    ``j >= r``, capped at 1; the tests with ``q <= alpha`` are the ones the step-up procedure
    rejects at false discovery rate ``alpha``.

    Examples
    --------
    >>> [round(float(q), 3) for q in benjamini_hochberg([0.01, 0.04, 0.03, 0.20])]
    [0.04, 0.053, 0.053, 0.2]
    """
    p = np.asarray(p_values, dtype=np.float64)
    if p.size == 0:
        return p.copy()
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError("expected p-values in [0, 1], got a value outside it or NaN")
    flat = p.ravel()
    order = np.argsort(flat, kind="stable")
    m = flat.size
    scaled = flat[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(adjusted, 1.0)
    return q.reshape(p.shape)
