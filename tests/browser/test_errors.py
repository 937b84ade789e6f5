"""The site's error page in Chromium (issue 18, point 5): a page that does not exist and an
address that names no record, with the signed-in bar, in both languages."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from helpers.browser import axe_violations, login, shot


def test_error_pages_keep_the_bar_and_the_language(page: Page, database_url: str) -> None:
    backend = database_url.split(":")[0]
    login(page, "awa_mli_analyst")
    missing = page.goto("/nulle-part")
    assert missing is not None and missing.status == 404
    expect(page.get_by_role("heading", name="Introuvable")).to_be_visible()
    expect(page.get_by_text("Il n'y a pas de page à cette adresse.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Principal")).to_be_visible()
    expect(page.get_by_text("awa_mli_analyst (MLI)")).to_be_visible()
    shot(page, "error-404", backend)
    assert not axe_violations(page)

    page.get_by_role("button", name="English").click()
    invalid = page.goto("/incidents/abc")
    assert invalid is not None and invalid.status == 422
    expect(page.get_by_role("heading", name="Invalid request")).to_be_visible()
    expect(page.get_by_text("“abc” is not a record number")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    shot(page, "error-422-en", backend)
    assert not axe_violations(page)
