"""Everything the map's script writes is in the page's language (issue 18, point 4): the
chart's legend, axes and dates, the summary's counts with their plural, the table's sources."""

from __future__ import annotations

import re

from babel.dates import get_month_names
from playwright.sync_api import Page, expect

from helpers.browser import login, shot

LEGEND = {"fr": ["Mois", "Événements", "Victimes"], "en": ["Month", "Events", "Fatalities"]}
NOTHING = {"fr": "0\u00a0événement · 0\u00a0victime", "en": "0\u00a0events · 0\u00a0fatalities"}


def _ready(page: Page) -> str | None:
    page.wait_for_selector("body[data-ready]", state="attached")
    return page.locator("body").get_attribute("data-ready")


def _changed(page: Page, before: str | None) -> None:
    page.wait_for_selector(f"body[data-ready]:not([data-ready='{before}'])", state="attached")


def _chart_speaks(page: Page, lang: str) -> None:
    chart = page.locator("#chart")
    expect(chart.locator(".u-legend .u-series .u-label")).to_have_text(LEGEND[lang])
    assert chart.get_attribute("data-axes") == "|" + "|".join(LEGEND[lang][1:])
    # the time axis's ticks: month names of the language, and years
    months = set(get_month_names("abbreviated", locale=lang).values())
    words = re.findall(r"[^\d|\s]+", chart.get_attribute("data-ticks") or "")
    assert words and set(words) <= months, (lang, words)


def test_the_chart_and_the_counts_speak_the_page_language(page: Page,
                                                          database_url: str) -> None:
    backend = database_url.split(":")[0]
    login(page, "sec")
    ready = _ready(page)
    # six months: the time axis names months
    page.evaluate("""() => { const from = document.getElementById('from-month');
        from.value = +from.max - 5; from.dispatchEvent(new Event('input', {bubbles: true})); }""")
    _changed(page, ready)
    _chart_speaks(page, "fr")
    summary = page.locator("#summary")
    expect(summary).to_have_text(re.compile(r"^[\d\u202f\u00a0]+\u00a0événements? · "
                                            r"[\d\u202f\u00a0]+\u00a0victimes?$"))
    expect(page.locator("#incident-table tbody tr").first.locator("td").nth(4)).to_have_text(
        re.compile(r"^(ACLED|Rapport national)( · EXERCICE)?$"))
    ready = _ready(page)
    page.get_by_label("Rechercher dans les descriptions et les lieux").fill("zzzqqqzzz")
    _changed(page, ready)
    expect(summary).to_have_text(NOTHING["fr"])  # 0 takes the singular in French
    shot(page, "map-nothing-found", backend)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _ready(page)
    expect(summary).to_have_text(NOTHING["en"])  # and the plural in English
    ready = _ready(page)
    page.get_by_label("Search descriptions and places").fill("")
    _changed(page, ready)
    _chart_speaks(page, "en")
    expect(page.locator("#incident-table tbody tr").first.locator("td").nth(4)).to_have_text(
        re.compile(r"^(ACLED|National report)( · EXERCISE)?$"))
    shot(page, "map-chart-en", backend)
