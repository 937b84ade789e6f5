"""Helpers for the browser tests: screenshots, logging in, axe-core."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from factories.auth import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def shot(page: Page, name: str, backend: str = "") -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}{'-' + backend if backend else ''}.png"),
                    full_page=True)


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
