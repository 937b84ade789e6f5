"""The periods of a scan: calendar months, or weeks counted back from the last day."""

from __future__ import annotations

import datetime as dt

import pytest

from liptako.core.errors import RuleViolation
from liptako.warning.schemas import ScanParameters, parse_month, study_periods


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
