"""The API browser at /docs in Chromium (issue 18, point 5): Swagger UI from the vendored
assets lists the operations under the app's CSP (the ``page`` fixture fails the test on any
CSP violation in the console), and a signed-in "Try it out" runs as the session."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from helpers.browser import axe_violations, login, shot


def test_docs_lists_the_operations_under_the_csp(page: Page, database_url: str) -> None:
    backend = database_url.split(":")[0]
    failed: list[str] = []
    # a request the browser dropped because the page moved on (the login page's icon when the
    # link is clicked at once) is no failure; one refused by the CSP or the network is
    page.on("requestfailed", lambda request: failed.append(request.url)
            if request.failure != "net::ERR_ABORTED" else None)
    page.goto("/login")
    page.get_by_role("link", name="Documentation de l'API").click()
    expect(page).to_have_url(re.compile(r"/docs$"))
    paths = page.locator(".opblock-summary-path")
    expect(paths.first).to_be_visible()
    listed = set(paths.all_inner_texts())
    assert {"/api/v1/incidents", "/api/v1/assistance-requests/{request_id}/votes",
            "/api/v1/auth/token"} <= {p.replace("\u200b", "") for p in listed}
    assert len(listed) > 40
    shot(page, "docs", backend)
    assert failed == []
    assert not axe_violations(page)  # Swagger UI's colours are darkened by app/docs.css


def test_try_it_out_runs_as_the_signed_in_session(page: Page) -> None:
    login(page, "moussa_ner_liaison")
    page.goto("/docs")
    operation = page.locator(".opblock-post", has=page.locator(
        ".opblock-summary-path", has_text=re.compile(r"^/api/v1/auth/api-tokens$")))
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("textarea.body-param__text").fill('{"name": "tried-from-docs"}')
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status")
    expect(status).to_have_text("201")  # a POST by the session: its CSRF header was sent
