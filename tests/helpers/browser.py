"""Helpers for the browser tests: screenshots, logging in, axe-core."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from factories.auth import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def shot(page: Page, name: str, backend: str = "") -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}{'-' + backend if backend else ''}.png"),
                    full_page=True)


def fresh_page(browser: Browser, base_url: str) -> Page:
    """A page in a context of its own (no cookies), French, on a desktop-sized screen."""
    context = browser.new_context(base_url=base_url, locale="fr-FR",
                                  viewport={"width": 1280, "height": 900})
    return context.new_page()


def signed_in(browser: Browser, base_url: str, username: str) -> Page:
    """A fresh page signed in as ``username`` through the login form."""
    page = fresh_page(browser, base_url)
    login(page, username)
    return page


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Nom d'utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def axe_violations(page: Page) -> list[dict[str, object]]:
    """Serious and critical accessibility violations reported by axe-core in the page."""
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def report_foreign_strike(page: Page) -> str:
    """Mali reports a strike by foreign forces on Mopti (Art. 6 engaged); its incident id."""
    page.goto("/incidents/new")
    page.get_by_label("Latitude").fill("14.49")
    page.get_by_label("Longitude").fill("-4.19")
    page.get_by_label("Date").fill("2024-01-10")
    page.get_by_label("Type d'événement").select_option("battle")
    page.locator("#perpetrator_kind").select_option("international_organization")
    page.locator("#target_kind").select_option("territory")
    page.get_by_label("Description").fill("Frappe d'une force étrangère contre Mopti.")
    page.get_by_role("button", name="Enregistrer l'incident").click()
    expect(page).to_have_url(re.compile(r"/incidents/\d+"))
    return re.search(r"/incidents/(\d+)", page.url).group(1)  # type: ignore[union-attr]
