"""Early warning on the map, in French and in English: the latest hotspot scan's clusters drawn
over their units (with a table of their period, relative risk and p-value), the emerging hot
spot patterns as a shading, and the trend between the period shown and the one before it as
a layer and a table of the areas where violence rose or fell significantly or stayed within
noise; screenshots, axe-core, and a phone's 390 px.

The page is the same whatever the database (tests/web/test_warning_api.py runs what it asks
the API on both), so, as the tour, it runs on SQLite only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from helpers.browser import axe_violations, login, shot

LIPTAKO = str(Path(sys.executable).with_name("liptako"))
# nine months against the nine before them: violence rose in Mopti and Soum, fell in Kidal
VIEW = "/?from=2018-10&to=2019-06&layer=hotspots&layer=trends"
WORDS = {
    "fr": {"rose": "Hausse significative de la violence",
           "fell": "Baisse significative de la violence", "measure": " : événements",
           "noise": "Variation dans le bruit (non significative)",
           "none": "Aucun événement dans les deux périodes",
           "legend": "Agrégat de violence, p ≤ 0,05", "scan": "Balayage des points chauds du ",
           "caption": "Évolution des événements de janv. 2018 – sept. 2018 à oct. 2018 – "
                      "juin 2019, par zone", "shading": "Points chauds émergents (Gi*)"},
    "en": {"rose": "Violence rose significantly", "fell": "Violence fell significantly",
           "noise": "Change within noise (not significant)", "none": "No event in either period",
           "measure": ": events",
           "legend": "Cluster of violence, p ≤ 0.05", "scan": "Hotspot scan of ",
           "caption": "Change in events from Jan 2018 – Sep 2018 to Oct 2018 – Jun 2019, by "
                      "area", "shading": "Emerging hot spot pattern (Gi*)"},
}


@pytest.fixture
def scanned(live_database: str) -> str:
    """`liptako warning scan` over the ACLED sample `liptako init` loaded (2018-01..2019-07):
    few replications, Gi* p-values from the normal distribution (quick)."""
    result = subprocess.run(
        [LIPTAKO, "warning", "scan", "--from", "2018-01", "--to", "2019-07",
         "--replications", "99", "--gi-permutations", "0", "--seed", "1"],
        env={**os.environ, "LIPTAKO_DATABASE_URL": live_database}, check=True,
        capture_output=True, text=True)
    return result.stdout.strip().splitlines()[-1]


def _sideways(page: Page) -> list[str]:
    """What sticks out of the screen's width (as the tour checks it)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return [];
        return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 8).map(e => e.tagName + (e.id ? '#' + e.id : ''));
    }""")


def _loaded(page: Page) -> None:
    page.wait_for_selector("body[data-ready]", state="attached")
    page.wait_for_selector("#map[data-hotspots][data-trend]", state="attached")


def _check(page: Page, lang: str) -> None:
    words, the_map = WORDS[lang], page.locator("#map")
    clusters = int(the_map.get_attribute("data-clusters") or 0)
    assert clusters >= 1 and int(the_map.get_attribute("data-hotspots") or 0) >= clusters
    assert int(the_map.get_attribute("data-hotspot-rows") or 0) == clusters
    expect(page.locator("#legend")).to_contain_text(words["legend"])
    expect(page.locator("#hotspot-caption")).to_contain_text(words["scan"])
    first = page.locator("#hotspot-table tbody tr").first.locator("td")
    expect(first.nth(0)).to_have_text("1")
    assert float(first.nth(5).inner_text().replace(",", ".")) <= 0.05
    expect(page.locator("#trend-caption")).to_have_text(words["caption"])
    rows = page.locator("#trend-table tbody tr")
    assert rows.count() == int(the_map.get_attribute("data-trend-rows") or -1) >= 1
    verdicts = rows.locator("td:nth-child(2)").all_inner_texts()
    # the areas that rose, then those that fell, each with its sentence; then those within
    # noise in one row, named
    assert verdicts[0] == words["rose"] and words["fell"] in verdicts, verdicts
    assert verdicts[-2:] == [words["noise"], words["none"]], verdicts
    assert words["measure"] in rows.first.locator("td").nth(2).inner_text()
    assert axe_violations(page) == []


def test_hotspots_and_trends_in_both_languages(page: Page,
                                               scanned: str) -> None:
    assert scanned.startswith("scan ") and "shown to every user" in scanned, scanned
    login(page, "sec")
    page.goto(VIEW)
    _loaded(page)
    _check(page, "fr")
    shot(page, "map-hotspots-fr")
    page.get_by_label("Colorer les zones selon").select_option("emerging")
    expect(page.locator("#legend")).to_contain_text(WORDS["fr"]["shading"])
    # the layers and the shading survive the language switch, in the page's address
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _loaded(page)
    _check(page, "en")
    expect(page.locator("#legend")).to_contain_text(WORDS["en"]["shading"])
    shot(page, "map-hotspots-en")
    # on a phone nothing sticks out sideways: the tables scroll inside themselves
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.url)
    _loaded(page)
    assert _sideways(page) == []
    shot(page, "map-hotspots-phone")
