"""The Charter at work on the map: the exercise's incidents that engage an article are ringed,
those whose article is still to be determined have a dashed ring, and the table and the
legend say which, in the reader's language."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from helpers.browser import login, shot


def test_the_map_shows_which_incidents_engage_the_charter(page: Page, database_url: str) -> None:
    login(page, "sec")
    page.wait_for_selector("body[data-ready]", state="attached")
    the_map = page.locator("#map")
    assert int(the_map.get_attribute("data-engaged") or 0) >= 1  # the exercise's Art. 6 case
    legend = page.locator("#legend")
    expect(legend).to_contain_text("Engage un article de la Charte")
    expect(legend).to_contain_text("Un article reste à déterminer")
    cells = page.locator("#incident-table tbody td:last-child").all_inner_texts()
    assert any("À déterminer : art. " in c for c in cells), cells
    # the attack on Malian forces at Boni engages Art. 6 (the duties of Burkina Faso and Niger)
    page.goto("/?q=Boni")
    page.wait_for_selector("body[data-ready]", state="attached")
    cells = page.locator("#incident-table tbody td:last-child").all_inner_texts()
    assert any(c.startswith("Engagés : art. ") and "6" in c for c in cells), cells
    shot(page, "map-charter", database_url.split(":")[0])
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("body[data-ready]", state="attached")
    expect(page.locator("#legend")).to_contain_text("Engages an article of the Charter")
    cells = page.locator("#incident-table tbody td:last-child").all_inner_texts()
    assert any(c.startswith("Engaged: Art. ") and "6" in c for c in cells), cells
