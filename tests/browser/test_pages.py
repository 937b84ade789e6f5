"""The pages a liaison officer or an analyst uses every morning, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from helpers.browser import axe_violations, login, shot


def test_login_map_filter_and_open_an_incident(page: Page, database_url: str) -> None:
    backend = database_url.split(":")[0]
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/"))
    shot(page, "login", backend)
    assert not axe_violations(page)
    login(page, "sec")
    page.wait_for_selector("body[data-ready]")
    # the whole period: other tests may add recent reports that move the default window
    ready = page.locator("body").get_attribute("data-ready")
    page.get_by_role("button", name="Toute la période").click()
    page.wait_for_selector(f"body[data-ready]:not([data-ready='{ready}'])", state="attached")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("événements")
    before = summary.inner_text()
    the_map = page.locator("#map")
    assert the_map.get_attribute("data-areas") == "62"  # every admin area drawn
    assert int(the_map.get_attribute("data-markers") or 0) > 100
    assert int(the_map.get_attribute("data-shaded") or 0) > 10
    assert page.locator("#incident-table tbody tr").count() > 0
    shot(page, "map", backend)
    assert not axe_violations(page)
    ready = page.locator("body").get_attribute("data-ready")
    page.get_by_label("Niger").check()
    page.wait_for_selector(f"body[data-ready]:not([data-ready='{ready}'])", state="attached")
    expect(summary).not_to_have_text(before)
    rows = page.locator("#incident-table tbody tr td:nth-child(2)")
    assert all(text.endswith("NER") for text in rows.all_inner_texts())
    # the newest are the exercise's reports (`liptako init` loads it), marked as such
    newest = page.locator("#incident-table tbody tr").first
    expect(newest.locator("td").nth(4)).to_have_text("Rapport national · EXERCICE")
    newest.locator("a").click()
    expect(page).to_have_url(re.compile(r"/incidents/\d+$"))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#exercise")).to_contain_text("EXERCICE")
    expect(page.get_by_text("NATIONAL")).not_to_have_count(0)
    shot(page, "incident", backend)
    assert not axe_violations(page)


def test_report_form_refuses_bad_input_then_records(page: Page, database_url: str) -> None:
    backend = database_url.split(":")[0]
    login(page, "bfa_analyst")
    page.get_by_role("link", name="Signaler un incident").click()
    page.get_by_label("Description").fill("")
    page.get_by_label("Victimes").fill("-4")
    page.get_by_role("button", name="Enregistrer l'incident").click()
    expect(page.locator("#fatalities-error")).to_have_text(
        "Indiquez un nombre entier de victimes, 0 ou plus.")
    expect(page.locator("#description-error")).to_be_visible()
    expect(page.locator("#location-error")).to_be_visible()
    shot(page, "report-refused", backend)
    assert not axe_violations(page)
    page.get_by_label("Nom du lieu").fill("Djib")
    page.wait_for_selector("#place-options option", state="attached")
    option = page.locator("#place-options option").first.get_attribute("value")
    page.get_by_label("Nom du lieu").fill(option or "")
    expect(page.get_by_label("Latitude")).not_to_have_value("")
    page.get_by_label("Type d'événement").select_option("battle")
    page.get_by_label("Victimes").fill("3")
    page.get_by_label("Description").fill("Attaque contre un poste de l'armée.")
    page.get_by_role("button", name="Enregistrer l'incident").click()
    expect(page.get_by_text("L'incident a été enregistré.")).to_be_visible()
    shot(page, "report-recorded", backend)


def test_language_switch_is_remembered(page: Page, database_url: str) -> None:
    login(page, "ner_analyst")
    page.wait_for_selector("body[data-ready]")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name="Map")).to_be_visible()
    page.reload()
    expect(page.get_by_role("link", name="Map")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "map-en", database_url.split(":")[0])
