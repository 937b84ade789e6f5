"""The benchmarks as the issue defines them, on a hand-made panel, the expected values worked
out here from the definitions; every unit counts, months without events too."""

from __future__ import annotations

import math

import numpy as np
import pytest

from liptako.warning.analytics.backtest import BacktestSettings, rolling_backtest
from liptako.warning.analytics.baselines import (
    conflictology_12m,
    last_value,
    mean_12m,
    zero,
)
from liptako.warning.analytics.neighbours import Neighbours
from liptako.warning.analytics.panel import panel_from_events

# 16 months (month_ids 301..316); unit 0: k deaths in month 301 + k; unit 1: nothing ever;
# unit 2: one event of 30 deaths in month 315
DEATHS = {0: list(range(16)), 1: [0] * 16, 2: [0] * 14 + [30, 0]}


def hand_panel():
    units, months, dead = [], [], []
    for unit, series in DEATHS.items():
        for k, n in enumerate(series):
            if n:
                units.append(unit), months.append(301 + k), dead.append(n)
    return panel_from_events(units=units, months=months, types=[0] * len(units),
                             fatalities=dead, n_units=3, first_month=301, last_month=316,
                             event_types=("battle",))


def log1p_series(unit: int) -> list[float]:
    return [math.log1p(n) for n in DEATHS[unit]]


def test_each_baseline_is_its_definition() -> None:
    target = np.log1p(hand_panel().fatalities.astype(float))
    origin = 14  # column of month 315
    for unit in range(3):
        past = log1p_series(unit)[origin - 11:origin + 1]
        assert zero(target, origin)[unit].tolist() == [0.0]
        assert last_value(target, origin)[unit].tolist() == [log1p_series(unit)[origin]]
        assert mean_12m(target, origin)[unit][0] == pytest.approx(sum(past) / 12)
        assert conflictology_12m(target, origin)[unit].tolist() == pytest.approx(past)


def test_months_before_the_panel_count_as_zero() -> None:
    target = np.log1p(hand_panel().fatalities.astype(float))
    # origin column 2: three months of history, nine before the panel
    assert conflictology_12m(target, 2)[0].tolist() == pytest.approx(
        [0.0] * 9 + log1p_series(0)[:3])
    assert mean_12m(target, 2)[0][0] == pytest.approx(sum(log1p_series(0)[:3]) / 12)


def test_backtest_scores_every_unit_including_one_without_any_event() -> None:
    result = rolling_backtest(hand_panel(), Neighbours.from_lists([[], [], []]),
                              BacktestSettings(origins=(314, 315), horizons=(1, 2)), models={})
    # origin 314 (column 13): horizons 1, 2 hit months 315, 316; origin 315: only 316
    assert result.scored.tolist() == [[True, True], [True, False]]
    outcome = {(o, h): [log1p_series(u)[o - 301 + h] for u in range(3)]
               for o, h in ((314, 1), (314, 2), (315, 1))}
    # zero: the mean absolute outcome over the three units, the quiet one included
    want_zero = np.mean([abs(y) for ys in outcome.values() for y in ys])
    summary = result.summary()
    assert summary["zero"]["crps"] == pytest.approx(want_zero)
    assert summary["zero"]["crps_by_horizon"]["2"] == pytest.approx(
        np.mean(outcome[(314, 2)]))
    # last_value: |value at the origin - outcome|
    want_last = np.mean([abs(log1p_series(u)[o - 301] - y)
                         for (o, _h), ys in outcome.items() for u, y in enumerate(ys)])
    assert summary["last_value"]["crps"] == pytest.approx(want_last)
    # 25 deaths or more: only unit 2's month 315 (30 deaths); last_value misses it from
    # origin 314, then says from origin 315 that it comes again in 316: two wrong
    # certainties among 9 cases
    assert summary["last_value"]["brier_25"] == pytest.approx(2 / 9)
    assert summary["zero"]["brier_25"] == pytest.approx(1 / 9)  # missed it in 315
    best = min(summary[b]["crps"] for b in ("zero", "last_value", "mean_12m",
                                             "conflictology_12m"))
    for name, scores in summary.items():
        assert scores["kind"] == "baseline"
        assert scores["crps_ratio_to_best_baseline"] == pytest.approx(scores["crps"] / best)


def test_conflictology_is_scored_as_the_empirical_distribution_of_its_12_months() -> None:
    result = rolling_backtest(hand_panel(), Neighbours.from_lists([[], [], []]),
                              BacktestSettings(origins=(314,), horizons=(1,)), models={})
    want = []
    for unit in range(3):
        past = np.array(log1p_series(unit)[2:14])
        y = log1p_series(unit)[14]
        pairs = np.abs(past[:, None] - past[None, :]).mean()
        want.append(np.abs(past - y).mean() - 0.5 * pairs)
    assert result.summary()["conflictology_12m"]["crps"] == pytest.approx(np.mean(want))
    # unit 0 rises by one death a month: its 12 past months all lie below the outcome; unit
    # 1's zeros cover its zero; unit 2's 30 deaths come after 12 quiet months
    assert result.covered["conflictology_12m"][0, 0].tolist() == [0.0, 1.0, 0.0]
