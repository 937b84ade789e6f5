"""Benjamini-Hochberg adjusted p-values against scipy and by hand."""

import numpy as np
import pytest
from scipy.stats import false_discovery_control

from liptako.warning.analytics.fdr import benjamini_hochberg


def test_adjusted_p_values_equal_scipys_and_keep_the_shape() -> None:
    p = np.random.default_rng(4).beta(0.4, 2.0, size=(30, 7))
    q = benjamini_hochberg(p)
    assert q.shape == p.shape
    np.testing.assert_allclose(q.ravel(), false_discovery_control(p.ravel(), method="bh"),
                               rtol=0, atol=1e-15)


def test_by_hand_with_ties() -> None:
    # sorted 0.01, 0.02, 0.02, 0.5, 0.9 (m = 5) scaled by m / rank: 0.05, 0.05, 0.0333, 0.625,
    # 0.9; the running minimum from the largest down gives 0.0333 to the first three
    q = benjamini_hochberg([0.02, 0.01, 0.02, 0.9, 0.5])
    np.testing.assert_allclose(q, [1 / 30, 1 / 30, 1 / 30, 0.9, 0.625])
    assert benjamini_hochberg([]).size == 0


def test_a_p_value_outside_zero_one_is_refused() -> None:
    with pytest.raises(ValueError, match="expected p-values in \\[0, 1\\]"):
        benjamini_hochberg([0.1, float("nan")])
    with pytest.raises(ValueError, match="expected p-values in \\[0, 1\\]"):
        benjamini_hochberg([1.5])
