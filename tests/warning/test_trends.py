"""The quasi-Poisson rate-ratio test behind `liptako warning trends`."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from liptako.warning.analytics.trends import (
    Events,
    Period,
    benjamini_hochberg,
    compare,
    rate_ratio_test,
    weekly_bins,
)

BEFORE = Period(dt.date(2019, 1, 1), dt.date(2019, 6, 30))  # 181 days: 26 weeks (last 6 days)
AFTER = Period(dt.date(2019, 7, 1), dt.date(2019, 12, 31))


def _events(rows: list[tuple[str, str, str, int]]) -> Events:
    return Events(day=np.array([r[0] for r in rows], dtype="datetime64[D]"),
                  area=np.array([r[1] for r in rows]), event_type=np.array([r[2] for r in rows]),
                  fatalities=np.array([r[3] for r in rows], dtype=np.int64))


def _spread(area: str, period: Period, count: int, *, every: int = 1, seed: int = 0,
            kind: str = "battle") -> list[tuple[str, str, str, int]]:
    """``count`` events on days drawn at random from every ``every``-th week of ``period``."""
    rng = np.random.default_rng(seed)
    weeks = np.arange(0, period.days // 7, every)
    days = rng.choice(weeks, count) * 7 + rng.integers(0, 7, count)
    return [(str(np.datetime64(period.start) + int(d)), area, kind, 1) for d in days]


def test_weekly_bins_count_a_short_last_week_by_its_exposure() -> None:
    sums, exposure = weekly_bins(np.array([0, 6, 7, 180, 181, -1]), np.array([1, 2, 3, 4, 5, 6]),
                                 BEFORE)
    assert len(sums) == 26 and sums[0] == 3 and sums[1] == 3 and sums[25] == 4
    assert sums.sum() == 10  # day 181 and day -1 are outside the period
    assert exposure[:25].tolist() == [1.0] * 25 and exposure[25] == pytest.approx(6 / 7)


def test_a_steady_rise_is_significant_and_a_steady_series_is_noise() -> None:
    rows = (_spread("Mopti", BEFORE, 60, seed=1) + _spread("Mopti", AFTER, 150, seed=2)
            + _spread("Gao", BEFORE, 80, seed=3) + _spread("Gao", AFTER, 84, seed=4)
            + _spread("Kidal", BEFORE, 90, seed=5) + _spread("Kidal", AFTER, 20, seed=6))
    found = {(c.area, c.measure): c for c in compare(_events(rows), BEFORE, AFTER)}
    mopti = found[("Mopti", "events")]
    assert (mopti.before, mopti.after, mopti.verdict) == (60, 150, "rose")
    assert mopti.low < mopti.rate_ratio < mopti.high and mopti.low > 1
    assert mopti.rate_ratio == pytest.approx((150 / 184) / (60 / 181))
    assert found[("Gao", "events")].verdict == "noise"
    assert found[("Kidal", "events")].verdict == "fell"
    assert found[("Kidal", "events:battle")].verdict == "fell"


def test_bursts_widen_the_interval_where_a_poisson_test_would_claim_a_change() -> None:
    steady = _spread("A", BEFORE, 40, seed=7) + _spread("A", AFTER, 62, seed=8)
    bursty = _spread("A", BEFORE, 40, every=9, seed=9) + _spread("A", AFTER, 62, every=13, seed=10)
    smooth, = [c for c in compare(_events(steady), BEFORE, AFTER, by_type=False)
               if c.measure == "events"]
    burst, = [c for c in compare(_events(bursty), BEFORE, AFTER, by_type=False)
              if c.measure == "events"]
    # a Poisson law would give both the same test: the same totals over the same days
    poisson_p = math.erfc(abs(math.log((62 / 184) / (40 / 181)))
                          / math.sqrt(1 / 40 + 1 / 62) / math.sqrt(2))
    assert poisson_p < 0.05
    assert smooth.p_value == pytest.approx(poisson_p, rel=0.35)
    assert burst.dispersion > 2 and burst.p_value > 0.05 and burst.verdict == "noise"
    assert burst.high - burst.low > smooth.high - smooth.low


def test_no_event_in_one_period_gives_a_finite_ratio_and_none_in_both_says_none() -> None:
    rows = _spread("Menaka", AFTER, 30, seed=11)
    found = {c.measure: c for c in compare(_events(rows), BEFORE, AFTER,
                                           areas=["Menaka", "Segou"], by_type=False)
             if c.area == "Menaka"}
    assert found["events"].before == 0 and math.isfinite(found["events"].rate_ratio)
    assert found["events"].verdict == "rose"
    empty = [c for c in compare(_events(rows), BEFORE, AFTER, areas=["Menaka", "Segou"])
             if c.area == "Segou"]
    assert [c.verdict for c in empty] == ["none", "none"]  # events, fatalities; no type rows


def test_rate_ratio_test_matches_the_formula() -> None:
    before = (np.array([3.0, 5.0, 4.0, 4.0]), np.ones(4))
    after = (np.array([8.0, 2.0, 9.0, 5.0]), np.ones(4))
    rr, low, high, phi, p = rate_ratio_test(before, after)
    assert high == pytest.approx(rr * rr / low)
    pearson = sum((y - 4) ** 2 / 4 for y in (3, 5, 4, 4)) + sum((y - 6) ** 2 / 6
                                                               for y in (8, 2, 9, 5))
    assert phi == pytest.approx(max(1.0, pearson / 6))
    se = math.sqrt(phi * (1 / 16 + 1 / 24))
    assert rr == pytest.approx(1.5)
    assert low == pytest.approx(1.5 * math.exp(-1.959963984540054 * se))
    assert p == pytest.approx(math.erfc(math.log(1.5) / se / math.sqrt(2)))


def test_benjamini_hochberg_by_hand() -> None:
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04,
                                                                            0.02])
    assert benjamini_hochberg([0.9, 0.8]) == pytest.approx([0.9, 0.9])
    assert benjamini_hochberg([]) == []


def test_bad_input_names_what_was_expected() -> None:
    with pytest.raises(ValueError, match="expected an end on or after 2019-02-01"):
        Period(dt.date(2019, 2, 1), dt.date(2019, 1, 1))
    with pytest.raises(ValueError, match="expected the earlier to end before 2019-07-01"):
        compare(_events([]), AFTER, AFTER)
    with pytest.raises(ValueError, match="fatalities: expected counts of 0 or more"):
        _events([("2019-01-01", "A", "battle", -1)])
