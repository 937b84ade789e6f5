"""The situation report page in Chromium (issue 22, point 2): a report asked for is shown in
the preview frame under its own policy (its figures load, nothing is refused), and the PDF
downloads."""

from __future__ import annotations

from playwright.sync_api import Browser, ConsoleMessage, expect

from helpers.browser import axe_violations, shot, signed_in


def test_the_preview_shows_the_report_and_the_pdf_downloads(
        browser: Browser, live_server: str) -> None:
    page = signed_in(browser, live_server, "sec")
    refused: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused" in message.text:
            refused.append(message.text)

    page.on("console", listen)
    page.goto("/reports")
    page.get_by_label("Période").fill("2019-07")
    page.get_by_label("Langue du rapport").select_option("en")
    page.get_by_role("button", name="Aperçu").click()
    frame = page.frame_locator("iframe.report-frame")
    expect(frame.get_by_role("heading", name="Situation report – July 2019")).to_be_visible(
        timeout=20_000)
    # the map and the two charts: data: images the document's policy lets in
    images = frame.locator("img")
    expect(images).to_have_count(3)
    for k in range(3):
        assert images.nth(k).evaluate("img => img.complete && img.naturalWidth > 0")
    assert not refused, refused
    assert not axe_violations(page)
    shot(page, "reports-preview")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF").click()
    assert download.value.suggested_filename == "liptako-sitrep-all-2019-07-en.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    page.context.close()
