"""Forecasts of the months after the panel: the learned model standing at its last month.

Where :mod:`.backtest` stands at past origins to score, this stands at the newest month and
looks ahead, with the same fit (:func:`.backtest.learned_draws`), then sums each unit's
draws up: the expected count, the median and the central 80 % interval, and the probability
of a deadly month (at least ``threshold``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from liptako.warning.analytics.backtest import learned_draws
from liptako.warning.analytics.features import FATAL_MONTH, build_features
from liptako.warning.analytics.forecast_model import Model
from liptako.warning.analytics.neighbours import Neighbours
from liptako.warning.analytics.panel import TARGET_FATALITIES, Panel

Array = NDArray[np.float64]
Progress = Callable[[int, int], None]  # (horizons done, horizons in all)


@dataclass(frozen=True, eq=False)
class Outlook:
    """Per unit (rows) and month ahead (columns, ``horizons`` order): the mean of the draws,
    their median, 10 % and 90 % quantiles, and the share at or above ``threshold``."""

    horizons: tuple[int, ...]
    expected: Array
    median: Array
    low: Array
    high: Array
    p_exceed: Array
    threshold: int


def outlook(panel: Panel, neighbours: Neighbours, model: Model, *, horizons: tuple[int, ...],
            samples: int, seed: int, target: str = TARGET_FATALITIES,
            threshold: int = FATAL_MONTH, progress: Progress | None = None) -> Outlook:
    """Forecast each unit ``horizons`` months after the panel's last month.

    Examples
    --------
    A unit with 4 deaths in each of 48 months and a quiet one: the first is expected near 4,
    the second near 0.

    >>> from liptako.warning.analytics.forecast_model import QuantileForest
    >>> from liptako.warning.analytics.panel import panel_from_events
    >>> p = panel_from_events(units=[0] * 48, months=range(1, 49), types=[0] * 48,
    ...                       fatalities=[4] * 48, n_units=2, first_month=1, last_month=48,
    ...                       event_types=("battle",))
    >>> nb = Neighbours.from_lists([[1], [0]])
    >>> o = outlook(p, nb, QuantileForest(n_estimators=10, n_jobs=1), horizons=(1, 2),
    ...             samples=200, seed=1)
    >>> o.expected.round(1).tolist(), o.p_exceed.tolist()
    ([[4.0, 4.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]])
    """
    features = build_features(panel, neighbours)
    col = panel.n_months - 1
    shape = (panel.n_units, len(horizons))
    stats = {k: np.zeros(shape) for k in ("expected", "median", "low", "high", "p_exceed")}
    for k, h in enumerate(horizons):
        draws = learned_draws(model, panel, features, col, h, target=target, samples=samples,
                              seed=seed)
        stats["expected"][:, k] = draws.mean(axis=1)
        stats["low"][:, k], stats["median"][:, k], stats["high"][:, k] = \
            np.quantile(draws, (0.1, 0.5, 0.9), axis=1)
        stats["p_exceed"][:, k] = (draws >= threshold).mean(axis=1)
        if progress is not None:
            progress(k + 1, len(horizons))
    return Outlook(tuple(horizons), threshold=threshold, **stats)
