"""The map's period after a new report: the default still holds the older data, the whole
period is one click away, and the chart's axis never runs past today."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page

from factories.incidents import report
from helpers.browser import login, shot


def _events(page: Page) -> int:
    return int(re.sub(r"\D", "", page.locator("#summary").inner_text().split("év")[0]))


def _axis_end(page: Page) -> str:
    page.wait_for_selector("#chart[data-axis-end]", state="attached")
    return page.locator("#chart").get_attribute("data-axis-end") or ""


def test_a_report_made_today_keeps_the_older_data_in_reach(page: Page, database_url: str) -> None:
    login(page, "bfa_analyst")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    today = dt.datetime.now(dt.UTC).date()
    answer = page.request.post("/api/v1/incidents", headers={"x-csrf-token": csrf},
                               data=report(occurred_on=today.isoformat(), tlp="CLEAR"))
    assert answer.status == 201, answer.text()
    page.reload()
    page.wait_for_selector("body[data-ready]")
    # the default period ends with the report's month and reaches back to the sample's
    # events; the chart's axis runs to today, not to the end of the month
    to_month = page.locator("#to-month")
    assert to_month.input_value() == to_month.get_attribute("max")
    assert page.evaluate("() => JSON.parse(document.getElementById('map-config').textContent)"
                         ".months.max") == today.strftime("%Y-%m")
    assert _events(page) > 1
    assert today.replace(day=1).isoformat() <= _axis_end(page) <= today.isoformat()

    before, ready = _events(page), page.locator("body").get_attribute("data-ready")
    page.get_by_role("button", name="Toute la période").click()
    page.wait_for_selector(f"body[data-ready]:not([data-ready='{ready}'])", state="attached")
    assert page.locator("#from-month").input_value() == "0"
    assert _events(page) > before
    assert today.replace(day=1).isoformat() <= _axis_end(page) <= today.isoformat()
    shot(page, "map-whole-period", database_url.split(":")[0])
