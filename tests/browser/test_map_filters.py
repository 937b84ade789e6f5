"""The map's filters live in its address (shareable, kept across the language switch) and its
text search finds places and descriptions whatever their accents (issue 18, point 7)."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, Page, expect

from helpers.browser import axe_violations, login, shot, signed_in


def _settled(page: Page, before: str | None) -> None:
    """Waits for the map, chart and table to show the filter set after ``before``."""
    page.wait_for_selector(f"body[data-ready]:not([data-ready='{before}'])", state="attached")


def _ready(page: Page) -> str | None:
    page.wait_for_selector("body[data-ready]", state="attached")
    return page.locator("body").get_attribute("data-ready")


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _events(page: Page) -> int:
    """The number of events the summary line states (digits before its first word)."""
    text = page.locator("#summary").inner_text()
    return int("".join(c for c in text.split("·")[0] if c.isdigit()))


def _stats(page: Page, params: dict[str, list[str]]) -> int:
    query = "&".join(f"{k}={v}" for k, values in params.items() for v in values
                     if k in ("country", "source", "q"))
    answer = page.request.get(f"/api/v1/stats?{query}")
    assert answer.ok, answer.text()
    return int(answer.json()["events"])


def test_filters_are_kept_in_the_address(page: Page, browser: Browser, live_server: str,
                                         database_url: str) -> None:
    backend = database_url.split(":")[0]
    login(page, "sec")
    ready = _ready(page)
    assert urlsplit(page.url).query == ""  # the default view writes nothing
    for change in (lambda: page.get_by_label("Niger").check(),
                   lambda: page.get_by_label("Source").select_option("national"),
                   lambda: page.get_by_role("button", name="Toute la période").click(),
                   lambda: page.get_by_label("Rechercher dans les descriptions et les lieux")
                   .fill("TILLABÉRI")):
        change()
        _settled(page, ready)
        ready = _ready(page)
    query = _query(page)
    assert query["country"] == ["NER"] and query["source"] == ["national"]
    assert query["q"] == ["TILLABÉRI"] and "from" in query and "to" in query
    found = _events(page)
    assert found == _stats(page, {**query, "q": ["tillaberi"]}) > 0  # accents and case aside
    address = page.url

    # the export links carry the same filters; the CSV holds the incidents the map counts
    href = page.locator("#exports a[data-format=csv]").get_attribute("href") or ""
    exported = parse_qs(urlsplit(href).query)
    assert urlsplit(href).path == "/api/v1/incidents/export" and exported["format"] == ["csv"]
    assert exported["country"] == ["NER"] and exported["source"] == ["national"]
    assert exported["q"] == ["TILLABÉRI"] and "from" in exported and "to" in exported
    answer = page.request.get(href)
    assert answer.ok and answer.headers["content-disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(answer.body().decode("utf-8-sig"))))
    assert rows[1][:2] == ["#event+id", "#date+occurred"] and len(rows) - 2 == found

    # opening the address restores the filters, for another user too (shareable)
    other = signed_in(browser, live_server, "moussa_ner_liaison")
    _ready(other)
    other.goto(address)
    _ready(other)
    expect(other.get_by_label("Niger")).to_be_checked()
    expect(other.get_by_label("Mali")).not_to_be_checked()
    expect(other.get_by_label("Source")).to_have_value("national")
    expect(other.get_by_label("Rechercher dans les descriptions et les lieux")).to_have_value(
        "TILLABÉRI")
    assert other.locator("#from-month").input_value() == "0"
    assert _query(other) == query
    other.context.close()

    # the language switch comes back to the same address, in the other language
    ready = _ready(page)
    page.get_by_role("button", name="English").click()
    page.wait_for_url(address)
    _ready(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Search descriptions and places")).to_have_value("TILLABÉRI")
    expect(page.get_by_label("Niger")).to_be_checked()
    assert _query(page) == query and _events(page) == found
    shot(page, "map-filtered-en", backend)
    assert not axe_violations(page)

    # clearing a filter takes it out of the address; the switch back keeps what is left
    ready = _ready(page)
    page.get_by_label("Search descriptions and places").fill("")
    _settled(page, ready)
    assert "q" not in _query(page) and _query(page)["country"] == ["NER"]
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    _ready(page)
    assert _query(page) == {k: v for k, v in query.items() if k != "q"}
    shot(page, "map-filtered", backend)
