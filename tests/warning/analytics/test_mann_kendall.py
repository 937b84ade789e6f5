"""Mann-Kendall: a published worked example, and scipy's Kendall tau against time."""

import numpy as np
import pytest
from scipy.stats import kendalltau

from liptako.warning.analytics.mann_kendall import mann_kendall

# D. Little, College of the Holy Cross, "A Mann-Kendall example (by hand)"
# (mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt): S = 54, one tied pair,
# V = (14)(13)(33)/18 - (2)(1)(9)/18, Z = (S - 1)/sqrt(V) = 2.9058, one-sided p about .0018
LITTLE = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7]


def test_the_worked_example_by_hand() -> None:
    mk = mann_kendall(LITTLE)
    assert int(mk.s[0]) == 54
    assert mk.var_s[0] == pytest.approx((14 * 13 * 33 - 2 * 1 * 9) / 18)
    assert mk.z[0] == pytest.approx(2.9058, abs=5e-5)
    assert mk.p[0] / 2 == pytest.approx(0.0018, abs=5e-5)


def test_without_continuity_correction_it_is_scipys_kendall_tau_test_against_time() -> None:
    rng = np.random.default_rng(8)
    series = np.vstack([rng.integers(0, 4, size=(20, 24)),       # many ties
                        rng.normal(size=(5, 24)).round(1)         # a few ties
                        + np.linspace(0, 1.5, 24)])
    mk = mann_kendall(series, continuity=False)
    time = np.arange(24)
    for row, s, p in zip(series, mk.s, mk.p, strict=True):
        reference = kendalltau(time, row, method="asymptotic")
        assert p == pytest.approx(reference.pvalue, rel=1e-9)
        # S from tau-b: tau_b = S / sqrt(n0 (n0 - n1)) with no ties in time
        n0 = 24 * 23 / 2
        ties = sum(c * (c - 1) / 2 for c in np.unique(row, return_counts=True)[1])
        assert s == round(reference.statistic * np.sqrt(n0 * (n0 - ties)))


def test_rows_are_independent_series_and_direction_shows_in_the_sign() -> None:
    mk = mann_kendall([[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1], [3, 3, 3, 3, 3, 3]])
    assert mk.s.tolist() == [15, -15, 0]
    assert mk.z[0] > 0 > mk.z[1]
    assert mk.z[0] == pytest.approx(-mk.z[1])
    # a flat series: no variance, no trend
    assert mk.var_s[2] == 0 and mk.z[2] == 0 and mk.p[2] == 1


def test_ties_shrink_the_variance_by_their_group_sizes() -> None:
    # groups of 3 and 2 tied values: Var S = [8*7*21 - 3*2*11 - 2*1*9] / 18
    mk = mann_kendall([1, 2, 2, 2, 5, 7, 7, 9])
    assert mk.var_s[0] == pytest.approx((8 * 7 * 21 - 3 * 2 * 11 - 2 * 1 * 9) / 18)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="expected series of at least 2 values"):
        mann_kendall([1.0])
    with pytest.raises(ValueError, match="expected finite values, got NaN or infinity"):
        mann_kendall([1.0, np.inf, 2.0])
