"""Rolling-origin backtest: forecast as if standing at each origin month, score afterwards.

For each origin month ``o`` and horizon ``h``:

* the learned models learn only from rows whose target month is ``<= o`` (features of month
  ``t``, count of month ``t + h``, so ``t <= o - h``), and forecast from the features of
  ``o``; the features themselves never look ahead (:mod:`.features`);
* the baselines (:mod:`.baselines`) read the target up to ``o``;
* the forecasts of month ``o + h`` are scored against what happened there, on the ``log1p``
  scale, for every unit (months without events included): CRPS, the Brier score of "at least
  ``threshold``" and the coverage of the central 80 % interval (:mod:`.scoring`).

A target month after the last month of the panel is not scored (the data do not say what
happened): :attr:`BacktestResult.scored` marks the pairs scored, and an origin none of whose
horizons can be scored is not fitted at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from liptako.warning.analytics.baselines import BASELINES
from liptako.warning.analytics.features import Features, build_features
from liptako.warning.analytics.forecast_model import Model, TrainingSet
from liptako.warning.analytics.neighbours import Neighbours
from liptako.warning.analytics.panel import TARGET_FATALITIES, Panel
from liptako.warning.analytics.scoring import brier, covered, crps_samples, exceedance

Array = NDArray[np.float64]
Progress = Callable[[int, int], None]  # (fits done, fits in all)
MAX_HORIZON = 36


@dataclass(frozen=True)
class BacktestSettings:
    """What the backtest forecasts and how it scores: ``samples`` draws per unit, the Brier
    event ``>= threshold`` (in counts), the central ``level`` interval."""

    origins: tuple[int, ...]
    horizons: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
    target: str = TARGET_FATALITIES
    samples: int = 1000
    seed: int = 0
    threshold: int = 25
    level: float = 0.8

    def __post_init__(self) -> None:
        if not self.origins:
            raise ValueError("origins: expected at least one month, got none")
        if not self.horizons or min(self.horizons) < 1 or max(self.horizons) > MAX_HORIZON:
            raise ValueError(f"horizons: expected months 1 to {MAX_HORIZON}, got "
                             f"{list(self.horizons)}")
        if self.samples < 1:
            raise ValueError(f"samples: expected at least 1, got {self.samples}")


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Scores per model: arrays (origin, horizon, unit); NaN where not scored."""

    settings: BacktestSettings
    last_month: int
    scored: NDArray[np.bool_]
    kinds: Mapping[str, str]
    crps: Mapping[str, Array]
    brier: Mapping[str, Array]
    covered: Mapping[str, Array]

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per model: its kind, mean CRPS (over every scored unit, origin and horizon, and
        by horizon), mean Brier score, coverage, and its CRPS over the best baseline's; None
        where nothing was scored. Keys name the threshold and level: ``brier_25``,
        ``coverage_80`` by default."""
        crps = {name: _mean(self.crps[name]) for name in self.kinds}
        best = min((v for name, v in crps.items()
                    if self.kinds[name] == "baseline" and v is not None), default=None)
        brier_key = f"brier_{self.settings.threshold}"
        coverage_key = f"coverage_{round(self.settings.level * 100)}"
        out: dict[str, dict[str, Any]] = {}
        for name, kind in self.kinds.items():
            mean = crps[name]
            out[name] = {
                "kind": kind, "crps": mean,
                "crps_by_horizon": {str(h): _mean(self.crps[name][:, k])
                                    for k, h in enumerate(self.settings.horizons)},
                brier_key: _mean(self.brier[name]), coverage_key: _mean(self.covered[name]),
                "crps_ratio_to_best_baseline": None if mean is None or not best else mean / best}
        return out


def rolling_backtest(panel: Panel, neighbours: Neighbours, settings: BacktestSettings, *,
                     models: Mapping[str, Model], features: Features | None = None,
                     progress: Progress | None = None) -> BacktestResult:
    """Run the backtest of ``models`` (learned) and the baselines over ``panel``.

    Parameters
    ----------
    panel : Panel
    neighbours : Neighbours
        In the panel's unit order.
    settings : BacktestSettings
        Origins are month_ids within the panel (an origin after its last month has nothing
        to score).
    models : mapping of name to Model
    features : Features, optional
        Those of ``build_features(panel, neighbours)``, when already built.

    Examples
    --------
    A unit with 4 fatalities every month: ``last_value`` is exact, ``zero`` misses by
    ``log(5)`` each time; the month after the panel is not scored:

    >>> from liptako.warning.analytics.panel import panel_from_events
    >>> p = panel_from_events(units=[0] * 24, months=range(1, 25), types=[0] * 24,
    ...                       fatalities=[4] * 24, n_units=1, first_month=1, last_month=24,
    ...                       event_types=("battle",))
    >>> nb = Neighbours.from_lists([[]])
    >>> r = rolling_backtest(p, nb, BacktestSettings(origins=(23, 24), horizons=(1,)),
    ...                      models={})
    >>> r.scored.tolist()
    [[True], [False]]
    >>> s = r.summary()
    >>> s["last_value"]["crps"], round(s["zero"]["crps"], 3)
    (0.0, 1.609)
    """
    _check(panel, settings)
    target = np.log1p(panel.target(settings.target).astype(np.float64))
    shape = (len(settings.origins), len(settings.horizons), panel.n_units)
    kinds = {**dict.fromkeys(BASELINES, "baseline"), **dict.fromkeys(models, "learned")}
    scores = {k: {name: np.full(shape, np.nan) for name in kinds}
              for k in ("crps", "brier", "covered")}
    scored = (np.add.outer(settings.origins, settings.horizons) <= panel.last_month)
    fits, done = int(scored.sum()) * len(models), 0
    if models and scored.any() and features is None:
        features = build_features(panel, neighbours)
    for i, origin in enumerate(settings.origins):
        if not scored[i].any():
            continue
        col = panel.column(origin)
        baselines = {name: fn(target, col) for name, fn in BASELINES.items()}
        for k, h in enumerate(settings.horizons):
            if not scored[i, k]:
                continue
            forecasts = dict(baselines)
            for name, model in models.items():
                assert features is not None  # built above whenever a model is to fit
                forecasts[name] = _learned(model, panel, features, settings, col, h)
                done += 1
                if progress is not None:
                    progress(done, fits)
            for name, samples in forecasts.items():
                _score(scores, name, (i, k), samples, target[:, col + h], settings)
    return BacktestResult(settings, panel.last_month, scored, kinds, scores["crps"],
                          scores["brier"], scores["covered"])


def _learned(model: Model, panel: Panel, features: Features, settings: BacktestSettings,
             col: int, h: int) -> Array:
    """The learned model's draws, on the log1p scale the backtest scores."""
    out: Array = np.log1p(learned_draws(model, panel, features, col, h, target=settings.target,
                                        samples=settings.samples, seed=settings.seed))
    return out


def learned_draws(model: Model, panel: Panel, features: Features, col: int, h: int, *,
                  target: str, samples: int, seed: int) -> Array:
    """Counts drawn for month column ``col + h`` of every unit, standing at column ``col``:
    the model is fit on the rows whose target month is no later than ``col`` (features of
    ``t``, counts of ``t + h``) and forecasts from the features of ``col``; shape
    (units, samples). The seeds of the fit and the draws derive from ``seed``, the origin
    month and ``h``, so one origin and horizon always gives the same draws."""
    counts = panel.target(target)
    rows = col - h + 1  # feature months 0 .. col - h, targets h .. col
    x = features.values[:, :max(rows, 0), :].reshape(-1, len(features.names))
    months = np.arange(max(rows, 0)) + panel.first_month
    train = TrainingSet(x, counts[:, h:h + max(rows, 0)].reshape(-1),
                        np.tile(months, panel.n_units), np.tile(months + h, panel.n_units))
    origin = panel.first_month + col
    fit_seed, draw_seed = np.random.SeedSequence([seed, origin, h]).generate_state(2).tolist()
    predictor = model.fit(train, seed=int(fit_seed))
    return predictor.sample(features.values[:, col, :], samples, seed=int(draw_seed))


def _score(scores: dict[str, dict[str, Array]], name: str, at: tuple[int, int],
           samples: Array, observed: Array, settings: BacktestSettings) -> None:
    event = np.log1p(settings.threshold)
    scores["crps"][name][at] = crps_samples(samples, observed)
    scores["brier"][name][at] = brier(exceedance(samples, event), observed >= event)
    scores["covered"][name][at] = covered(samples, observed, settings.level)


def _check(panel: Panel, settings: BacktestSettings) -> None:
    for origin in settings.origins:
        if origin < panel.first_month:
            raise ValueError(f"origins: expected months from the panel's first "
                             f"({panel.first_month}), got {origin}")
    panel.target(settings.target)  # an unknown target fails here, before any work


def _mean(values: Array) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else None

