"""The latest forecast on the map, in French and in English: the units shaded by the
fatalities expected in the month chosen ahead, a legend, a table of the units expected to
suffer most, each linked to its page, which draws its history and forecast.

As the other map tests, it runs on SQLite only (the API it asks is tested on both)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from helpers.browser import axe_violations, login, shot

LIPTAKO = str(Path(sys.executable).with_name("liptako"))


@pytest.fixture
def forecast(live_database: str) -> str:
    """`liptako forecast run` over the ACLED sample `liptako init` loaded: two months, few
    draws (quick)."""
    result = subprocess.run(
        [LIPTAKO, "forecast", "run", "--months", "2", "--samples", "100", "--seed", "1"],
        env={**os.environ, "LIPTAKO_DATABASE_URL": live_database}, check=True,
        capture_output=True, text=True)
    return result.stdout.strip().splitlines()[-1]


def _loaded(page: Page) -> None:
    page.wait_for_selector("body[data-ready]", state="attached")
    page.wait_for_selector("#map[data-forecast-rows]", state="attached")


def test_the_forecast_layer_in_both_languages_links_each_unit_to_its_page(
        page: Page, forecast: str) -> None:
    login(page, "sec")
    page.goto("/?layer=forecast&ahead=2")
    _loaded(page)
    the_map = page.locator("#map")
    assert int(the_map.get_attribute("data-forecast") or 0) >= 40, forecast
    expect(page.locator("#ahead")).to_have_value("2")
    expect(page.locator("#forecast-caption")).to_contain_text("Victimes attendues en ")
    expect(page.locator("#legend")).to_contain_text("Victimes attendues")
    rows = page.locator("#forecast-table tbody tr")
    assert rows.count() == int(the_map.get_attribute("data-forecast-rows") or -1) >= 1
    expected = [float(t.replace("\u202f", "").replace(",", "."))
                for t in rows.locator("td:nth-child(2)").all_inner_texts()]
    assert expected == sorted(expected, reverse=True)
    assert axe_violations(page) == []
    shot(page, "map-forecast-fr")
    # the incidents off, a unit at the map's centre says its forecast in a tooltip
    page.get_by_label("Incidents", exact=True).uncheck()
    box = the_map.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator(".leaflet-tooltip").last
    expect(tooltip).to_have_text(re.compile(
        r"^\S.*, 2019-09 : [\d\u202f]+ attendus \(80 % : de [\d\u202f]+ à [\d\u202f]+\), "
        r"P\(25 ou plus\) [\d,]+$"))
    # the month ahead is kept in the address, and across the language switch
    page.locator("#ahead").select_option("1")
    expect(page).not_to_have_url(re.compile("ahead="))
    assert "layer=forecast" in page.url
    page.locator("#ahead").select_option("2")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _loaded(page)
    expect(page.locator("#ahead")).to_have_value("2")
    expect(page.locator("#forecast-caption")).to_contain_text("Fatalities expected in ")
    link = rows.first.locator("a")
    name = link.inner_text()
    link.click()
    page.wait_for_url("**/units/**")
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("svg.chart-svg .band")).to_have_count(1)
    assert axe_violations(page) == []
    shot(page, "unit-page-en")
