"""The report form filled from a pasted text: each filled field suggested until the analyst
confirms it, and the text kept with the incident as its source (issue 23, point 2)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from helpers.browser import axe_violations, login, shot

NENI = ("On July 31, suspected Katiba Macina militants shot dead two members of the Dogon "
        "community near Neni")


def test_paste_fill_confirm_and_record(page: Page, database_url: str) -> None:
    backend = database_url.split(":")[0]
    login(page, "awa_mli_analyst")
    page.goto("/incidents/new")
    page.get_by_label("Collez un message de terrain ou une dépêche").fill(NENI)
    page.get_by_role("button", name="Remplir le formulaire à partir de ce texte").click()
    # July 31 read against today's report date: this year's or last year's, never ahead
    expect(page.locator("#occurred_on")).to_have_value(re.compile(r"^\d{4}-07-31$"))
    expect(page.locator("#event_type")).to_have_value("violence_against_civilians")
    expect(page.locator("#fatalities")).to_have_value("2")
    expect(page.locator("#place_name")).to_have_value(re.compile(r"^N[eé]ni$"))  # Néni
    expect(page.locator("#lat")).not_to_have_value("")
    for field in ("occurred_on", "event_type", "fatalities"):
        expect(page.locator(f"#{field}")).to_have_class(re.compile(r"\bsuggested\b"))
        expect(page.locator(f"#{field} + .suggested-mark")).to_contain_text("Suggéré")
        expect(page.locator(f"#{field} + .suggested-mark")).to_contain_text("confiance")
    expect(page.locator("#fill-status")).to_contain_text("Le formulaire a été rempli")
    shot(page, "report-from-text", backend)
    assert not axe_violations(page)

    # not sent while a suggestion is unconfirmed: the note beside the button says why
    page.get_by_role("button", name="Enregistrer l'incident").click()
    note = page.locator("#unconfirmed-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Confirmez ou modifiez chaque champ suggéré")
    expect(page).to_have_url(re.compile(r"/incidents/new$"))

    # an edit settles its field; a click on "Confirmer" settles the others
    page.locator("#fatalities").fill("3")
    expect(page.locator("#fatalities + .suggested-mark")).to_have_count(0)
    expect(page.locator("#fatalities")).not_to_have_class(re.compile(r"\bsuggested\b"))
    marks = page.locator(".suggested-mark")
    while marks.count():
        marks.first.get_by_role("button", name="Confirmer").click()
    expect(note).to_be_hidden()
    page.get_by_role("button", name="Enregistrer l'incident").click()
    expect(page.get_by_text("L'incident a été enregistré.")).to_be_visible()
    expect(page.locator("#source-text")).to_have_text(NENI)
    expect(page.locator("dl.facts")).to_contain_text("3")
    # the suggested perpetrator, as the text names it, is read back to its canonical actor
    expect(page.locator("a[href='/actors/jnim.macina']")).to_be_visible()
    shot(page, "report-from-text-recorded", backend)


def test_several_places_offer_a_list_to_pick_from(page: Page) -> None:
    login(page, "bfa_analyst")
    page.goto("/incidents/new")
    page.get_by_label("Collez un message de terrain ou une dépêche").fill(
        "Gunmen attacked a convoy between Djibo and Arbinda; one soldier was killed.")
    page.get_by_role("button", name="Remplir le formulaire à partir de ce texte").click()
    picker = page.locator("#place-candidates")
    expect(picker).to_be_visible()
    expect(picker).to_contain_text("plusieurs lieux")
    expect(picker.locator("button")).not_to_have_count(0)
    first = page.locator("#place_name").input_value()
    other = picker.locator("button", has_not_text=first).first
    name = other.inner_text().split(",")[0]
    other.click()
    # the analyst's pick is a choice, not a suggestion: the place is settled
    expect(page.locator("#place_name")).to_have_value(name)
    expect(page.locator("#lon + .suggested-mark")).to_have_count(0)
    assert not axe_violations(page)
