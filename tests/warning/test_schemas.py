"""The periods of a scan: calendar months, or weeks counted back from the last day."""

from __future__ import annotations

import datetime as dt

import pytest

from liptako.core.errors import RuleViolation
from liptako.warning.schemas import (
    BacktestParameters,
    ScanParameters,
    parse_horizons,
    parse_month,
    parse_month_range,
    study_periods,
)


def test_weeks_count_back_from_the_last_day_and_months_are_calendar_months() -> None:
    weeks = study_periods(ScanParameters(dt.date(2019, 1, 1), dt.date(2019, 2, 1),
                                         time_unit="week"))
    # 59 days: eight whole weeks ending on 28 February, and 3 days before them
    assert [(w.start, w.end) for w in weeks[:2]] == [
        (dt.date(2019, 1, 1), dt.date(2019, 1, 3)), (dt.date(2019, 1, 4), dt.date(2019, 1, 10))]
    assert weeks[-1].end == dt.date(2019, 2, 28) and weeks[-1].days == 7
    assert [w.days for w in weeks] == [3] + [7] * 8
    months = study_periods(ScanParameters(dt.date(2019, 11, 1), dt.date(2020, 2, 1)))
    assert [(m.start, m.end) for m in months] == [
        (dt.date(2019, 11, 1), dt.date(2019, 11, 30)),
        (dt.date(2019, 12, 1), dt.date(2019, 12, 31)),
        (dt.date(2020, 1, 1), dt.date(2020, 1, 31)), (dt.date(2020, 2, 1), dt.date(2020, 2, 29))]


@pytest.mark.parametrize("text", ["2019", "2019-13", "2019-1", "19-01", "2019-01-01", ""])
def test_a_month_is_yyyy_mm(text: str) -> None:
    with pytest.raises(RuleViolation, match="expected a month as YYYY-MM"):
        parse_month(text, "--from")


def test_a_backtest_request_is_months_horizons_and_a_known_target() -> None:
    assert parse_month_range(" 2019-07:2020-01 ", "--origins") == (dt.date(2019, 7, 1),
                                                                  dt.date(2020, 1, 1))
    assert parse_horizons("1-6", "--horizons") == (1, 2, 3, 4, 5, 6)
    assert parse_horizons("4", "--horizons") == (4,)
    with pytest.raises(RuleViolation, match="--origins: expected a month as YYYY-MM, got "
                                            "'2020-13'"):
        parse_month_range("2019-07:2020-13", "--origins")
    for bad in ("2019-07", "2019-07:2020", "2019-07..2020-01"):
        with pytest.raises(RuleViolation, match="--origins: expected two months as "
                                                "YYYY-MM:YYYY-MM"):
            parse_month_range(bad, "--origins")
    for bad in ("0-3", "1-7", "4-2", "1,2", "", "7"):
        with pytest.raises(RuleViolation, match="--horizons: expected months ahead from 1 to 6"):
            parse_horizons(bad, "--horizons")
    first = dt.date(2019, 7, 1)
    for overrides, message in (({"last_origin": dt.date(2019, 6, 1)}, "origins: expected the "
                                                                       "last (2019-06)"),
                               ({"first_origin": dt.date(2019, 7, 2)}, "first_origin: expected "
                                                                       "the first day"),
                               ({"horizons": (1, 7)}, "horizons: expected months from 1 to 6"),
                               ({"target": "wounded"}, "target: expected one of fatalities, "
                                                       "events, battle"),
                               ({"samples": 0}, "samples: expected 1 to 100000"),
                               ({"for_state": "FRA"}, "for: expected one of")):
        values: dict[str, object] = {"first_origin": first, "last_origin": first, **overrides}
        with pytest.raises(RuleViolation, match=message.replace("(", r"\(").replace(")", r"\)")):
            BacktestParameters(**values)  # type: ignore[arg-type]
