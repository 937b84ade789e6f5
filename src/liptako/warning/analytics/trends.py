"""Trend evidence: did violence in an area rise or fall between two periods, beyond noise?

Counts of conflict events are overdispersed: attacks come in bursts, so weekly counts vary far
more than a Poisson law allows, and fatalities more still. Each area's change is therefore
tested with a quasi-Poisson rate ratio (McCullagh & Nelder, *Generalized Linear Models*,
2nd ed., 1989, §4.5 and §9.2):

* each period is cut into weekly bins (a shorter last bin counts with its exposure in days);
* the rate of each period is its total over its exposure, the rate ratio ``rr`` that of the
  later period over the earlier;
* the dispersion ``phi`` is Pearson's statistic over the bins divided by its degrees of freedom
  (bins minus the two fitted rates), never below 1: too regular a series claims nothing;
* ``log(rr)`` has variance ``phi * (1 / total_before + 1 / total_after)``; with no event in a
  period both totals take half an event more (Haldane's correction) so the ratio stays finite;
* the Wald statistic gives a two-sided p-value and a 95 % interval, and the p-values of all
  the areas and measures tested together are corrected by Benjamini & Hochberg (1995), which
  keeps the expected share of false claims of change at 5 %.

Pure: plain arrays in, frozen dataclasses out; no database, no clock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

WEEK = 7
LEVEL = 0.05
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Period:
    """A span of days, both ends included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period: expected an end on or after {self.start}, "
                             f"got {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return f"{self.start.isoformat()}:{self.end.isoformat()}"


@dataclass(frozen=True)
class Change:
    """One area's change in one measure between the two periods."""

    area: str
    measure: str          # "events", "fatalities", "events:<type>"
    before: int
    after: int
    rate_ratio: float     # per day, later over earlier (with Haldane's half when one is 0)
    low: float            # 95 % interval of the rate ratio
    high: float
    dispersion: float
    p_value: float
    q_value: float        # Benjamini-Hochberg over every change tested together

    @property
    def verdict(self) -> str:
        """``rose`` or ``fell`` when significant at 5 % after correction, else ``noise``
        (``none`` when no event happened in either period)."""
        if self.before == 0 and self.after == 0:
            return "none"
        if self.q_value >= LEVEL:
            return "noise"
        return "rose" if self.rate_ratio > 1 else "fell"


def weekly_bins(days: NDArray[np.int64], values: NDArray[np.int64],
                period: Period) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Sums of ``values`` by week of ``period`` and each week's exposure in weeks.

    ``days`` are day offsets from ``period.start``; those outside the period are ignored.
    """
    bins = (period.days + WEEK - 1) // WEEK
    inside = (days >= 0) & (days < period.days)
    sums = np.bincount(days[inside] // WEEK, weights=values[inside], minlength=bins)
    exposure = np.full(bins, 1.0)
    exposure[-1] = (period.days - (bins - 1) * WEEK) / WEEK
    return sums.astype(np.float64), exposure


def rate_ratio_test(before: tuple[NDArray[np.float64], NDArray[np.float64]],
                    after: tuple[NDArray[np.float64], NDArray[np.float64]],
                    ) -> tuple[float, float, float, float, float]:
    """``(rate_ratio, low, high, dispersion, p_value)`` for weekly sums and exposures."""
    (y0, t0), (y1, t1) = before, after
    total0, total1 = float(y0.sum()), float(y1.sum())
    exp0, exp1 = float(t0.sum()), float(t1.sum())
    phi = _dispersion(y0, t0, total0 / exp0) + _dispersion(y1, t1, total1 / exp1)
    df = len(y0) + len(y1) - 2
    phi = max(1.0, phi / df) if df > 0 else 1.0
    if total0 == 0 or total1 == 0:
        total0, total1 = total0 + 0.5, total1 + 0.5
    log_rr = math.log((total1 / exp1) / (total0 / exp0))
    se = math.sqrt(phi * (1 / total0 + 1 / total1))
    p_value = math.erfc(abs(log_rr / se) / math.sqrt(2))
    return (math.exp(log_rr), math.exp(log_rr - Z_95 * se), math.exp(log_rr + Z_95 * se),
            phi, p_value)


def _dispersion(y: NDArray[np.float64], t: NDArray[np.float64], rate: float) -> float:
    """Pearson's statistic of the bins around their period's rate (0 when the rate is 0)."""
    if rate == 0:
        return 0.0
    expected = rate * t
    return float(((y - expected) ** 2 / expected).sum())


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Adjusted p-values (q-values): ``p * m / rank``, made monotone, at most 1."""
    m = len(p_values)
    if m == 0:
        return []
    order = np.argsort(p_values)
    ranked = np.asarray(p_values, dtype=np.float64)[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(ranked, 1.0)
    return [float(v) for v in q]


@dataclass(frozen=True)
class Events:
    """Events as parallel arrays: day (a date), area, event type, fatalities."""

    day: NDArray[np.datetime64]
    area: NDArray[np.str_]
    event_type: NDArray[np.str_]
    fatalities: NDArray[np.int64]

    def __post_init__(self) -> None:
        sizes = {len(self.day), len(self.area), len(self.event_type), len(self.fatalities)}
        if len(sizes) != 1:
            raise ValueError(f"events: expected arrays of one length, got lengths {sizes}")
        if len(self.fatalities) and int(self.fatalities.min()) < 0:
            raise ValueError("fatalities: expected counts of 0 or more, got a negative one")


def compare(events: Events, before: Period, after: Period, *,
            areas: Sequence[str] | None = None, by_type: bool = True) -> list[Change]:
    """Every area's change in events and fatalities (and events of each type) from ``before``
    to ``after``; ``areas`` lists the areas to report, also those without any event."""
    if before.end >= after.start:
        raise ValueError(f"periods: expected the earlier to end before {after.start}, "
                         f"got {before}")
    names = sorted(set(areas) if areas is not None else set(events.area.tolist()))
    types = sorted(set(events.event_type.tolist())) if by_type else []
    ones = np.ones(len(events.day), dtype=np.int64)
    raw: list[tuple[str, str, int, int, tuple[float, float, float, float, float]]] = []
    for name in names:
        mine = events.area == name
        measures = [("events", mine, ones), ("fatalities", mine, events.fatalities)]
        measures += [(f"events:{t}", mine & (events.event_type == t), ones) for t in types]
        for measure, chosen, values in measures:
            bins = [weekly_bins(_offsets(events.day[chosen], p), values[chosen], p)
                    for p in (before, after)]
            totals = int(bins[0][0].sum()), int(bins[1][0].sum())
            if measure.startswith("events:") and totals == (0, 0):
                continue  # a type never seen in the area says nothing
            raw.append((name, measure, *totals, rate_ratio_test(bins[0], bins[1])))
    tested = [i for i, r in enumerate(raw) if r[2] or r[3]]
    q_of = dict(zip(tested, benjamini_hochberg([raw[i][4][4] for i in tested]), strict=True))
    return [Change(name, measure, b, a, rr, low, high, phi, p, q_of.get(i, 1.0))
            for i, (name, measure, b, a, (rr, low, high, phi, p)) in enumerate(raw)]


def _offsets(days: NDArray[np.datetime64], period: Period) -> NDArray[np.int64]:
    start = np.datetime64(period.start, "D")
    return (days.astype("datetime64[D]") - start).astype(np.int64)
