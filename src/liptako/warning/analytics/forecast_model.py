"""The learned forecast: a quantile regression forest over the unit-month features.

One forest per origin and horizon (direct multi-horizon forecasting): the forest of horizon
``h`` learns the count of month ``t + h`` from the features of month ``t``, so no forecast
feeds on another and each horizon keeps its own fit.

A quantile regression forest (Meinshausen 2006, *Quantile Regression Forests*, JMLR 7:983-999)
is a random forest grown as usual (scikit-learn's ``RandomForestRegressor``, on ``log1p`` of
the counts: the scale the forecasts are scored on) whose leaves keep every training outcome
that falls in them. The predictive distribution of a new row gives each training row the
weight ``w_i = mean over trees of [i in the row's leaf] / (rows in that leaf)``; drawing a tree
at random, then a training row at random in the new row's leaf of that tree, draws from
exactly that distribution. So each of the 1,000 draws (by default) is a count that happened
after a situation like this one: zeros, bursts and their frequencies come from the data, not
from a chosen family of distributions.

The forest and its settings were chosen on rolling origins before mid-2017 of the ACLED
extract, never on its last year, against a negative binomial around a Poisson-loss gradient
boosting, a hurdle model and quantile-loss gradient boosting (the commit that brought this
module in gives the comparison); ``bench/forecast.py`` prints the chosen forest's scores.

:class:`Model` and :class:`Predictor` are the protocol the backtest drives, so that another
learner (or a test's recorder) can take this one's place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class TrainingSet:
    """Rows to learn from: features ``x`` of month ``feature_month`` and the count of month
    ``target_month`` (both month_ids, one per row)."""

    x: NDArray[np.float32]
    counts: NDArray[np.int64]
    feature_month: NDArray[np.int64]
    target_month: NDArray[np.int64]

    def __post_init__(self) -> None:
        n = self.x.shape[0]
        for name in ("counts", "feature_month", "target_month"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"expected {name} of shape ({n},), got "
                                 f"{getattr(self, name).shape}")


class Predictor(Protocol):
    def sample(self, x: NDArray[np.float32], n_samples: int, *, seed: int) -> Array:
        """``n_samples`` counts for each row of ``x``: shape (n_rows, n_samples)."""


class Model(Protocol):
    def fit(self, train: TrainingSet, *, seed: int) -> Predictor:
        """Learn from ``train`` (nothing else) and return what forecasts."""


@dataclass(frozen=True)
class QuantileForest:
    """A quantile regression forest of counts, learnt on their ``log1p``.

    Parameters
    ----------
    n_estimators, min_samples_leaf, max_features, max_samples
        Those of scikit-learn's ``RandomForestRegressor`` (``max_samples``: the share of the
        rows each tree's bootstrap draws).
    history : int or None
        Learn from the rows whose target month lies within this many months of the newest
        one (None: every row).
    n_jobs : int
        Threads growing the trees; the forest is the same for any number.

    Examples
    --------
    Counts near 20 where the feature is high, near 1 where it is low:

    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(0, 1, (400, 1)).astype(np.float32)
    >>> counts = rng.poisson(np.where(x[:, 0] > 0.5, 20.0, 1.0))
    >>> months = np.arange(400)
    >>> forest = QuantileForest(n_estimators=20, history=None)
    >>> fitted = forest.fit(TrainingSet(x, counts, months, months + 1), seed=1)
    >>> draws = fitted.sample(np.array([[0.1], [0.9]], np.float32), 1000, seed=2)
    >>> draws.shape, bool(draws[0].mean() < 3 < 12 < draws[1].mean())
    ((2, 1000), True)
    """

    n_estimators: int = 100
    min_samples_leaf: int = 10
    max_features: float = 0.33
    max_samples: float | None = 0.5
    history: int | None = 36
    n_jobs: int = 2

    def __post_init__(self) -> None:
        if self.history is not None and self.history < 1:
            raise ValueError(f"history: expected at least 1 month or None, got {self.history}")

    def fit(self, train: TrainingSet, *, seed: int) -> ForestPredictor:
        from sklearn.ensemble import RandomForestRegressor

        rows = np.arange(train.counts.size)
        if self.history is not None and rows.size:
            rows = np.flatnonzero(train.target_month > train.target_month.max() - self.history)
        if rows.size == 0:  # an origin before any learnable month: nothing is expected
            return ForestPredictor(None, np.zeros((0, 0), np.int64), np.zeros((0, 0), np.int64),
                                   np.zeros(0))
        x, counts = train.x[rows], train.counts[rows]
        forest = RandomForestRegressor(
            n_estimators=self.n_estimators, min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            # a number of rows, not a share: scikit-learn warns of a share of few rows
            max_samples=None if self.max_samples is None else
            max(1, round(self.max_samples * rows.size)),
            n_jobs=self.n_jobs, random_state=seed)
        forest.fit(x, np.log1p(counts))
        leaves = forest.apply(x)  # (rows, trees): each training row's leaf in every tree
        order = np.argsort(leaves, axis=0, kind="stable")
        return ForestPredictor(forest, order, np.take_along_axis(leaves, order, axis=0),
                               counts.astype(np.float64))


@dataclass(frozen=True, eq=False)
class ForestPredictor:
    """Draws from a fitted forest's leaves; no forest (nothing learnt): always zero.

    ``order[:, t]`` sorts the training rows by their leaf in tree ``t``, ``sorted_leaves``
    holds those leaves in that order, so a leaf's rows are one slice found by bisection.
    """

    forest: object | None = field(repr=False)
    order: NDArray[np.int64] = field(repr=False)
    sorted_leaves: NDArray[np.int64] = field(repr=False)
    counts: Array = field(repr=False)

    def sample(self, x: NDArray[np.float32], n_samples: int, *, seed: int) -> Array:
        if self.forest is None:
            return np.zeros((x.shape[0], n_samples))
        leaves = self.forest.apply(x)  # type: ignore[attr-defined]
        first = np.empty(leaves.shape, dtype=np.int64)
        size = np.empty(leaves.shape, dtype=np.int64)
        for t in range(leaves.shape[1]):
            column = self.sorted_leaves[:, t]
            first[:, t] = np.searchsorted(column, leaves[:, t], "left")
            size[:, t] = np.searchsorted(column, leaves[:, t], "right") - first[:, t]
        rng = np.random.default_rng(seed)
        tree = rng.integers(0, leaves.shape[1], (x.shape[0], n_samples))
        row = np.arange(x.shape[0])[:, None]
        # a uniform row of the leaf: floor(u * size) is in [0, size) for u in [0, 1)
        pick = first[row, tree] + (rng.random(tree.shape) * size[row, tree]).astype(np.int64)
        out: Array = self.counts[self.order[pick, tree]]
        return out
