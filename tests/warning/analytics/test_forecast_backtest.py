"""The rolling-origin backtest and the learned model: no fit sees a month after its origin,
months after the data are not scored, the same seed gives the same forecast, and the forest
draws the outcomes of the situations like the one forecast."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from liptako.warning.analytics.backtest import BacktestSettings, rolling_backtest
from liptako.warning.analytics.features import build_features
from liptako.warning.analytics.forecast_model import QuantileForest, TrainingSet
from liptako.warning.analytics.neighbours import lattice
from liptako.warning.analytics.panel import Panel, panel_from_events


def random_panel(seed: int = 3, units: int = 6, months: int = 48) -> Panel:
    rng = np.random.default_rng(seed)
    n = 500
    return panel_from_events(
        units=rng.integers(0, units, n), months=rng.integers(200, 200 + months, n),
        types=rng.integers(0, 2, n), fatalities=rng.negative_binomial(0.5, 0.1, n),
        n_units=units, first_month=200, last_month=200 + months - 1,
        event_types=("battle", "riot"))


@dataclass
class Recorder:
    """A model that learns nothing and forecasts zeros, recording what it was given."""

    fits: list[dict[str, object]] = field(default_factory=list)

    def fit(self, train: TrainingSet, *, seed: int) -> Recorder:
        self.fits.append({"target": train.target_month.copy(), "x": train.x.copy(),
                          "features": train.feature_month.copy(), "seed": seed})
        return self

    def sample(self, x: np.ndarray, n_samples: int, *, seed: int) -> np.ndarray:
        self.fits[-1]["forecast_x"] = x.copy()
        return np.zeros((x.shape[0], n_samples))


def test_no_fit_sees_a_month_after_its_origin() -> None:
    panel = random_panel()
    recorder = Recorder()
    origins, horizons = (220, 230, 246), (1, 3, 6)
    result = rolling_backtest(panel, lattice(2, 3), BacktestSettings(
        origins=origins, horizons=horizons, samples=5), models={"recorder": recorder})
    features = build_features(panel, lattice(2, 3))
    asked = [(o, h) for o in origins for h in horizons if o + h <= panel.last_month]
    assert len(recorder.fits) == len(asked) == int(result.scored.sum())
    for (origin, h), fit in zip(asked, recorder.fits, strict=True):
        target, months = fit["target"], fit["features"]
        # everything up to the origin, nothing after it
        assert target.max() == origin and months.max() == origin - h
        assert np.all(target - months == h)
        assert len(target) == panel.n_units * (origin - h - panel.first_month + 1)
        # the forecast reads the features of the origin month
        np.testing.assert_array_equal(fit["forecast_x"],
                                      features.values[:, origin - panel.first_month])


def test_months_after_the_data_are_not_scored() -> None:
    panel = random_panel()  # months 200..247
    result = rolling_backtest(panel, lattice(2, 3), BacktestSettings(
        origins=(244, 246, 247), horizons=(1, 2, 3, 4)), models={"recorder": Recorder()})
    assert result.scored.tolist() == [[True, True, True, False], [True, False, False, False],
                                      [False, False, False, False]]
    assert np.isnan(result.crps["zero"][2]).all() and np.isnan(result.crps["zero"][1, 1:]).all()
    summary = result.summary()
    assert summary["recorder"]["crps_by_horizon"]["4"] is None
    assert summary["recorder"]["crps_by_horizon"]["1"] is not None
    nothing = rolling_backtest(panel, lattice(2, 3), BacktestSettings(origins=(247,)),
                               models={})
    assert nothing.summary()["zero"] == {
        "kind": "baseline", "crps": None, "brier_25": None, "coverage_80": None,
        "crps_by_horizon": dict.fromkeys(("1", "2", "3", "4", "5", "6")),
        "crps_ratio_to_best_baseline": None}


def test_the_same_seed_gives_the_same_forecast_and_another_seed_another() -> None:
    panel = random_panel()
    forest = QuantileForest(n_estimators=8, history=None, n_jobs=1)

    def run(seed: int, model: QuantileForest = forest) -> np.ndarray:
        return rolling_backtest(panel, lattice(2, 3), BacktestSettings(
            origins=(236, 240), horizons=(1, 2), samples=200, seed=seed),
            models={"forest": model}).crps["forest"]

    first = run(7)
    np.testing.assert_array_equal(first, run(7))
    np.testing.assert_array_equal(first, run(7, QuantileForest(n_estimators=8, history=None,
                                                               n_jobs=2)))
    assert not np.array_equal(first, run(8))


def test_the_forest_draws_the_outcomes_of_like_situations() -> None:
    # feature below 0.5: counts 0 or 10 half the time each; above: always 100
    x = np.repeat([[0.2], [0.8]], 200, axis=0).astype(np.float32)
    counts = np.concatenate([np.tile([0, 10], 100), np.full(200, 100)])
    months = np.arange(400)
    fitted = QuantileForest(n_estimators=20, min_samples_leaf=5, max_features=1.0,
                            history=None, n_jobs=1).fit(
        TrainingSet(x, counts, months, months + 1), seed=0)
    draws = fitted.sample(np.array([[0.1], [0.9]], np.float32), 4000, seed=1)
    assert set(np.unique(draws[0])) == {0.0, 10.0}
    assert np.mean(draws[0] == 0) == pytest.approx(0.5, abs=0.05)
    assert set(np.unique(draws[1])) == {100.0}


def test_the_forest_learns_only_the_last_months_of_history() -> None:
    # the same situation, 50 deaths long ago, none in the last 12 months
    x = np.zeros((120, 1), np.float32)
    counts = np.where(np.arange(120) < 108, 50, 0)
    months = np.arange(120)
    train = TrainingSet(x, counts, months, months + 1)
    recent = QuantileForest(n_estimators=5, history=12, n_jobs=1).fit(train, seed=0)
    assert recent.sample(x[:1], 100, seed=0).max() == 0
    every = QuantileForest(n_estimators=5, history=None, n_jobs=1).fit(train, seed=0)
    assert every.sample(x[:1], 100, seed=0).max() == 50


def test_settings_and_panels_refuse_what_makes_no_sense() -> None:
    with pytest.raises(ValueError, match="horizons: expected months 1 to 36"):
        BacktestSettings(origins=(1,), horizons=(0, 1))
    with pytest.raises(ValueError, match="origins: expected at least one month"):
        BacktestSettings(origins=())
    with pytest.raises(ValueError, match="origins: expected months from the panel's first"):
        rolling_backtest(random_panel(), lattice(2, 3), BacktestSettings(origins=(199,)),
                         models={})
    with pytest.raises(ValueError, match="target: expected fatalities, events or one of"):
        rolling_backtest(random_panel(), lattice(2, 3),
                         BacktestSettings(origins=(220,), target="wounded"), models={})
