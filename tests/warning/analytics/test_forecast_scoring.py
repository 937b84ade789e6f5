"""Scores of sample forecasts: the sorted-sample CRPS against two references computed here,
the Brier score and the interval coverage from their definitions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from liptako.warning.analytics.scoring import brier, covered, crps_samples, exceedance


def crps_pairs(samples: np.ndarray, y: float) -> float:
    """E|X - y| - 0.5 E|X - X'| over every pair of samples: O(n**2)."""
    n = samples.size
    first = sum(abs(x - y) for x in samples) / n
    second = sum(abs(a - b) for a in samples for b in samples) / (n * n)
    return float(first - 0.5 * second)


def crps_integral(samples: np.ndarray, y: float) -> float:
    """The integral of (F(z) - 1{z >= y})**2 over z, F the samples' step function: exact on
    the pieces between consecutive breakpoints (properscoring's integral form)."""
    points = np.sort(np.append(samples, y))
    total = 0.0
    for left, right in itertools.pairwise(points):
        cdf = np.mean(samples <= left)
        step = 1.0 if left >= y else 0.0
        total += (cdf - step) ** 2 * (right - left)
    return total


CASES = [
    (np.array([3.0]), 1.0),                        # a point forecast: its absolute error
    (np.array([0.0, 0.0, 0.0, 2.0]), 0.0),        # ties, outcome on a sample
    (np.array([1.0, 5.0, 2.0, 2.0, 9.0]), 4.0),   # unsorted, outcome inside
    (np.array([1.0, 5.0, 2.0]), -3.0),            # outcome below every sample
    (np.array([0.5, 0.25, 7.5]), 12.0),           # outcome above every sample
]


@pytest.mark.parametrize(("samples", "y"), CASES)
def test_crps_equals_the_pairwise_and_integral_forms(samples: np.ndarray, y: float) -> None:
    got = crps_samples(samples[None, :], [y])[0]
    assert got == pytest.approx(crps_pairs(samples, y), abs=1e-12)
    assert got == pytest.approx(crps_integral(samples, y), abs=1e-12)


def test_crps_on_many_random_cases_at_once() -> None:
    rng = np.random.default_rng(11)
    samples = np.log1p(rng.negative_binomial(0.7, 0.1, (40, 60))).astype(float)
    y = np.log1p(rng.poisson(4.0, 40)).astype(float)
    got = crps_samples(samples, y)
    want = [crps_pairs(s, v) for s, v in zip(samples, y, strict=True)]
    np.testing.assert_allclose(got, want, atol=1e-12)
    assert crps_samples(samples, y) == pytest.approx([crps_integral(s, v)
                                                      for s, v in zip(samples, y, strict=True)])


def test_crps_of_a_point_forecast_is_its_absolute_error() -> None:
    assert crps_samples([[2.0], [0.0]], [5.0, 0.0]).tolist() == [3.0, 0.0]


def test_brier_scores_the_share_of_samples_at_or_above_the_threshold() -> None:
    samples = np.array([[0, 24, 25, 30], [0, 0, 0, 0], [50, 60, 70, 80]], dtype=float)
    p = exceedance(samples, 25)
    assert p.tolist() == [0.5, 0.0, 1.0]
    assert brier(p, np.array([30, 40, 10]) >= 25).tolist() == [0.25, 1.0, 1.0]


def test_coverage_counts_outcomes_inside_the_central_interval_ends_included() -> None:
    samples = np.tile(np.arange(11, dtype=float), (5, 1))  # 10 % and 90 % quantiles: 1, 9
    outcomes = np.array([0.0, 1.0, 5.0, 9.0, 9.5])
    assert covered(samples, outcomes, 0.8).tolist() == [False, True, True, True, False]


def test_scores_refuse_what_they_cannot_score() -> None:
    with pytest.raises(ValueError, match="expected one outcome per case"):
        crps_samples([[1.0, 2.0]], [1.0, 2.0])
    with pytest.raises(ValueError, match="expected samples of shape"):
        crps_samples([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="level: expected a share"):
        covered([[1.0]], [1.0], 1.0)
