"""What a hotspot scan and a forecast backtest are asked: validated parameters, and the periods
they cut time into."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass

from liptako.auth.releasability import AUDIENCE_CODES
from liptako.core.errors import RuleViolation
from liptako.incidents.rules import EVENT_TYPES
from liptako.warning.analytics.trends import Period
from liptako.warning.areas import AREA_LEVELS

TIME_UNITS = ("week", "month")
# political violence in ACLED's sense: what a hotspot of violence is made of; protests,
# riots and strategic developments only when asked
VIOLENCE = ("battle", "explosion_remote_violence", "violence_against_civilians")
# SaTScan's default random number seed (User Guide v10.0, "Inference Tab")
DEFAULT_SEED = 12345678
MAX_SEED = 2**31 - 1
WEEK = 7
DEFAULT_MONTHS = 24  # the study period a command scans when not told: two years
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_HORIZONS = re.compile(r"^(\d{1,2})(?:-(\d{1,2}))?$")
MAX_HORIZON = 6  # months ahead a forecast goes, as ACLED CAST's
FORECAST_TARGETS = ("fatalities", "events", *EVENT_TYPES)


def parse_month(text: str, field: str) -> dt.date:
    """``2019-03`` as the first day of that month."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise RuleViolation(f"{field}: expected a month as YYYY-MM, got {text!r}")
    return dt.date(int(match[1]), int(match[2]), 1)


def month_shift(first: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) the month of ``first``.

    >>> month_shift(dt.date(2019, 7, 1), -23)
    datetime.date(2017, 8, 1)
    """
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class ScanParameters:
    """A scan of ``area_level`` units over the months ``first_month`` to ``last_month``
    (first days; both whole months included), in weeks or months.

    ``for_state`` None scans the events every user may see and shows the result to all; a
    state (or SEC) scans the events every user of that state may see and shows the result to
    them only (:func:`liptako.warning.rules.scan_marking`). The window limits and the number
    of replications are those of :class:`~liptako.warning.analytics.scan.ScanSettings`; the
    space-time scan runs over the units holding at least one event in the study period, so
    ``max_share`` is a share of those.

    ``gi_permutations`` are the conditional permutations of each Gi* bin (0: p-values from
    the normal distribution, as ArcGIS's Emerging Hot Spot Analysis). No permutation p-value
    is below ``2 / (gi_permutations + 1)``, and the false discovery rate correction over the
    62 units of a period asks ``0.05 / 62`` (0.0008) of the most significant: with the 999
    permutations of a scan's replications, a period would show a hot spot only where three
    units or more share the smallest p-value; the default 9999 (0.0002) lets one show.
    """

    first_month: dt.date
    last_month: dt.date
    time_unit: str = "month"
    area_level: str = "adm1"
    event_types: tuple[str, ...] = VIOLENCE
    replications: int = 999
    gi_permutations: int = 9999
    seed: int = DEFAULT_SEED
    max_share: float = 0.5
    max_radius_km: float | None = None
    max_duration: int | None = None
    for_state: str | None = None

    def __post_init__(self) -> None:
        for name in ("first_month", "last_month"):
            if getattr(self, name).day != 1:
                raise RuleViolation(f"{name}: expected the first day of a month, got "
                                    f"{getattr(self, name)}")
        if self.last_month < self.first_month:
            raise RuleViolation(f"period: expected --to ({self.last_month:%Y-%m}) on or after "
                                f"--from ({self.first_month:%Y-%m})")
        _one_of("time unit", self.time_unit, TIME_UNITS)
        _one_of("area", self.area_level, AREA_LEVELS)
        if not self.event_types:
            raise RuleViolation("event types: expected at least one, got none")
        for kind in self.event_types:
            _one_of("event type", kind, EVENT_TYPES)
        if self.for_state is not None:
            _one_of("for", self.for_state, AUDIENCE_CODES)
        if self.gi_permutations < 0:
            raise RuleViolation(f"Gi* permutations: expected 0 or more, got "
                                f"{self.gi_permutations}")
        if not 0 <= self.seed <= MAX_SEED:
            raise RuleViolation(f"seed: expected an integer from 0 to {MAX_SEED}, got "
                                f"{self.seed}")
        if self.max_radius_km is not None and not math.isfinite(self.max_radius_km):
            raise RuleViolation(f"max radius: expected a finite number of km, got "
                                f"{self.max_radius_km}")
        periods = len(study_periods(self))
        if periods < 2:
            raise RuleViolation(f"period: expected at least 2 {self.time_unit}s, got {periods}")
        if self.max_duration is not None and not 1 <= self.max_duration <= periods:
            raise RuleViolation(f"max duration: expected 1 to {periods} {self.time_unit}s (the "
                                f"study period's), got {self.max_duration}")

    @property
    def study_period(self) -> Period:
        return Period(self.first_month, month_end(self.last_month))


def study_periods(params: ScanParameters) -> list[Period]:
    """The periods of the study, oldest first.

    Months are calendar months. Weeks are seven days counted back from the study period's
    last day, so that the latest week, the one a prospective scan is about, is whole; the
    first one may be shorter (the space-time permutation model and Gi* compare units within
    a period, so a shorter period biases neither).
    """
    span = params.study_period
    if params.time_unit == "month":
        months: list[Period] = []
        first = span.start
        while first <= span.end:
            months.append(Period(first, month_end(first)))
            first = month_end(first) + dt.timedelta(days=1)
        return months
    weeks: list[Period] = []
    end = span.end
    while end >= span.start:
        start = max(span.start, end - dt.timedelta(days=WEEK - 1))
        weeks.append(Period(start, end))
        end = start - dt.timedelta(days=1)
    return weeks[::-1]


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise RuleViolation(f"{name}: expected one of {', '.join(allowed)}, got {value!r}")


def parse_month_range(text: str, field: str) -> tuple[dt.date, dt.date]:
    """``2019-07:2020-01`` as the first days of both months, in order."""
    first, colon, last = text.strip().partition(":")
    if not colon or not _MONTH.match(first) or not _MONTH.match(last):
        raise RuleViolation(f"{field}: expected two months as YYYY-MM:YYYY-MM, got {text!r}")
    start, end = parse_month(first, field), parse_month(last, field)
    if end < start:
        raise RuleViolation(f"{field}: expected the second month on or after the first, got "
                            f"{text!r}")
    return start, end


def parse_horizons(text: str, field: str) -> tuple[int, ...]:
    """``1-6`` (months 1 to 6 ahead) or one month, ``3``.

    >>> parse_horizons("2-4", "--horizons")
    (2, 3, 4)
    """
    match = _HORIZONS.match(text.strip())
    first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
    if not match or not 1 <= first <= last <= MAX_HORIZON:
        raise RuleViolation(f"{field}: expected months ahead from 1 to {MAX_HORIZON} as N or "
                            f"N-M (1-6), got {text!r}")
    return tuple(range(first, last + 1))


@dataclass(frozen=True)
class BacktestParameters:
    """A rolling-origin backtest from each month ``first_origin`` to ``last_origin`` (first
    days), forecasting ``horizons`` months ahead ``samples`` times per unit.

    ``target`` is what is forecast (on the log1p scale): fatalities, all events or the events
    of one type. ``for_state`` chooses the events counted, as for a scan
    (:func:`liptako.warning.service.readable`): None, those every user may see.
    """

    first_origin: dt.date
    last_origin: dt.date
    horizons: tuple[int, ...] = tuple(range(1, MAX_HORIZON + 1))
    target: str = "fatalities"
    samples: int = 1000
    seed: int = DEFAULT_SEED
    area_level: str = "adm1"
    for_state: str | None = None

    def __post_init__(self) -> None:
        for name in ("first_origin", "last_origin"):
            if getattr(self, name).day != 1:
                raise RuleViolation(f"{name}: expected the first day of a month, got "
                                    f"{getattr(self, name)}")
        if self.last_origin < self.first_origin:
            raise RuleViolation(f"origins: expected the last ({self.last_origin:%Y-%m}) on or "
                                f"after the first ({self.first_origin:%Y-%m})")
        if not self.horizons or not all(1 <= h <= MAX_HORIZON for h in self.horizons):
            raise RuleViolation(f"horizons: expected months from 1 to {MAX_HORIZON}, got "
                                f"{list(self.horizons)}")
        _one_of("target", self.target, FORECAST_TARGETS)
        _check_forecast(self.area_level, self.for_state, self.samples, self.seed)


@dataclass(frozen=True)
class ForecastParameters:
    """Forecasts of the ``months`` after the newest counted event, ``samples`` draws per unit
    and month, from the events ``for_state`` chooses (as a scan's; None: every user's)."""

    months: int = MAX_HORIZON
    samples: int = 1000
    seed: int = DEFAULT_SEED
    area_level: str = "adm1"
    for_state: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.months <= MAX_HORIZON:
            raise RuleViolation(f"months: expected 1 to {MAX_HORIZON} months ahead, got "
                                f"{self.months}")
        _check_forecast(self.area_level, self.for_state, self.samples, self.seed)


def _check_forecast(area_level: str, for_state: str | None, samples: int, seed: int) -> None:
    """What a backtest and a forecast run both ask: the units, the readers, the draws and
    the seed."""
    _one_of("area", area_level, AREA_LEVELS)
    if for_state is not None:
        _one_of("for", for_state, AUDIENCE_CODES)
    if not 1 <= samples <= 100_000:
        raise RuleViolation(f"samples: expected 1 to 100000, got {samples}")
    if not 0 <= seed <= MAX_SEED:
        raise RuleViolation(f"seed: expected an integer from 0 to {MAX_SEED}, got {seed}")
