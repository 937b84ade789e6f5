"""Every page, as the people who use it, in French and in English, on a desktop screen and
on a phone 390 px wide: a screenshot of each (artifacts/screenshots/tour-*), axe-core finds
no serious or critical violation, and nothing is wider than the phone's screen (no sideways
scrolling).

Pages render the same whatever the database behind them, so the tour runs on SQLite only.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.request
from collections.abc import Iterator

from playwright.sync_api import Browser, Page

from factories.auth import PASSWORD
from helpers.browser import axe_violations, shot, signed_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LANGUAGES = {"fr": "Français", "en": "English"}


def _api(base: str, path: str, username: str, body: object = None) -> object:
    login = f"username={username}&password={PASSWORD}".encode()
    with urllib.request.urlopen(f"{base}/api/v1/auth/token", data=login) as answer:
        token = json.load(answer)["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    ask = urllib.request.Request(f"{base}{path}", data=data, headers=headers)
    with urllib.request.urlopen(ask) as answer:
        return json.load(answer)


def _alert(base: str) -> int:
    """An alert Mali's liaison and the secretariat may see: a rule, a Malian report of today,
    and the server's worker (every second here) raising it."""
    _api(base, "/api/v1/alert-rules", "sec", {"name": "Tour: fatalities in Mopti",
                                              "kind": "fatalities", "threshold": 3,
                                              "area": "MLI-2809"})
    _api(base, "/api/v1/incidents", "amadou_mli_liaison", {
        "occurred_on": dt.date.today().isoformat(), "location": {"lat": 14.49, "lon": -4.19},
        "description": "Armed men attacked a checkpoint near Mopti.", "event_type": "battle",
        "fatalities": 4, "perpetrator": {"kind": "non_state_armed_group",
                                         "group_type": "jihadist", "actor": "jnim"},
        "target": {"kind": "state_forces", "party": "MLI"}, "tlp": "GREEN"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = _api(base, "/api/v1/alerts?status=current", "sec")
        if found:
            return int(found[0]["id"])  # type: ignore[index]
        time.sleep(0.3)
    raise AssertionError("the worker raised no alert within 30 s")


def _pages(base: str) -> dict[str, list[tuple[str, str]]]:
    """(name, path) of every page, by the user who sees it best."""
    features = _api(base, "/api/v1/incidents?source=national&limit=5000", "sec")["features"]  # type: ignore[index]
    engaged = next(f["id"] for f in features if "6" in f["properties"]["engaged"])
    requests = _api(base, "/api/v1/assistance-requests", "sec")
    voting = next(r["id"] for r in requests if r["status"] == "open_for_pledges")  # type: ignore[union-attr]
    alert = _alert(base)
    return {
        "sec": [("map", "/"), ("map-early-warning", "/?layer=hotspots&layer=trends"),
                ("incident", f"/incidents/{engaged}"),
                ("assistance", "/assistance"), ("request", f"/assistance/{voting}"),
                ("reconciliation", "/reconciliation"), ("classifications", "/classifications"),
                ("alerts", "/alerts"), ("alert", f"/alerts/{alert}"),
                ("alert-rules", "/alerts/rules"), ("unit", "/units/MLI-2688"),
                ("actors", "/actors"), ("actor", "/actors/jnim"),
                ("intel", "/intel")],
        "amadou_mli_liaison": [("report", "/incidents/new"), ("file-request", "/assistance/new"),
                               ("request-liaison", f"/assistance/{voting}"),
                               ("alert-liaison", f"/alerts/{alert}")],
        "mli_admin": [("accounts", "/admin/users"),
                      ("alert-subscriptions", "/alerts/subscriptions"),
                      ("report-lists", "/reports/lists")],
    }


def _visit(page: Page, path: str) -> None:
    page.goto(path)
    if page.locator("#map").count():
        page.wait_for_selector("body[data-ready]", state="attached")
    if page.locator("#alert-map").count():
        page.wait_for_selector("#alert-map[data-basemap]", state="attached")


def _sideways(page: Page) -> list[str]:
    """What sticks out of the screen's width (empty when nothing does)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return [];
        return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 8).map(e => e.tagName + (e.id ? '#' + e.id : '')
                             + (typeof e.className === 'string' ? '.' + e.className : ''));
    }""")


def _language(page: Page, locale: str) -> None:
    page.get_by_role("button", name=LANGUAGES[locale]).first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == locale


def _tour(browser: Browser, base: str, username: str,
          pages: list[tuple[str, str]]) -> Iterator[str]:
    """Visit each page in each language and size; yield a line for each problem found."""
    page = signed_in(browser, base, username)
    try:
        for locale in LANGUAGES:
            _visit(page, pages[0][1])
            _language(page, locale)
            for name, path in pages:
                page.set_viewport_size(DESKTOP)
                _visit(page, path)
                shot(page, f"tour-{name}-{locale}")
                for v in axe_violations(page):
                    yield f"{name} ({locale}): axe {v['id']}: {v['help']}"
                page.set_viewport_size(PHONE)
                _visit(page, path)
                shot(page, f"tour-{name}-{locale}-phone")
                if wide := _sideways(page):
                    yield f"{name} ({locale}, 390 px): wider than the screen: {wide}"
    finally:
        page.context.close()


def test_every_page_in_both_languages_on_desktop_and_phone(
        browser: Browser, live_server: str) -> None:
    problems: list[str] = []
    for username, pages in _pages(live_server).items():
        problems.extend(_tour(browser, live_server, username, pages))
    assert not problems, "\n".join(problems)


def test_login_page_fits_a_phone_in_both_languages(browser: Browser, live_server: str) -> None:
    for locale in LANGUAGES:
        context = browser.new_context(base_url=live_server, locale=locale, viewport=PHONE)
        page = context.new_page()
        page.goto("/login")
        assert page.locator("html").get_attribute("lang") == locale
        shot(page, f"tour-login-{locale}-phone")
        assert not _sideways(page)
        assert not axe_violations(page)
        context.close()
