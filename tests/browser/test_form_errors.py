"""A refused form in Chromium (issue 18, point 5): the request form names the need and the
field next to it, keeps what was typed (correcting the one field files the request), and a
pledge with a bad quantity is told so next to its quantity."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from helpers.browser import axe_violations, report_foreign_strike, shot, signed_in


def _need(page: Page, row: int, quantity: str) -> None:
    page.locator(f"#item{row}_kind").select_option("air_support")
    page.locator(f"#item{row}_description").fill(f"Besoin numéro {row + 1}")
    page.locator(f"#item{row}_quantity").fill(quantity)
    page.locator(f"#item{row}_unit").fill("sorties")
    page.locator(f"#item{row}_place").fill("Mopti")
    page.locator(f"#item{row}_starts_on").fill("2029-12-01")


def test_form_errors_name_the_need_and_the_field(browser: Browser, live_server: str,
                                                 database_url: str) -> None:
    backend = database_url.split(":")[0]
    mali = signed_in(browser, live_server, "amadou_mli_liaison")
    mali.goto(f"/assistance/new?incident={report_foreign_strike(mali)}")
    mali.get_by_label("Titre").fill("Appui aérien sur Mopti")
    mali.get_by_label("Situation").fill("Des unités étrangères menacent Mopti.")
    mali.get_by_label("Réponses attendues avant le").fill("2030-01-31")
    _need(mali, 0, "4")
    _need(mali, 1, "-3")
    mali.get_by_role("button", name="Déposer la demande").click()

    quantity = mali.locator("#item1_quantity")
    expect(mali.locator("#item1_quantity-error")).to_have_text(
        "Besoin 2, quantité : un nombre positif est attendu.")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(quantity).to_have_attribute("aria-describedby", "item1_quantity-error")
    expect(mali.get_by_role("textbox", name="Quantité").nth(1)).to_have_accessible_description(
        "Besoin 2, quantité : un nombre positif est attendu.")
    expect(mali.locator("#item0_quantity")).not_to_have_attribute("aria-invalid", "true")
    expect(quantity).to_have_value("-3")
    expect(mali.get_by_label("Titre")).to_have_value("Appui aérien sur Mopti")
    shot(mali, "request-form-refused", backend)
    assert not axe_violations(mali)

    mali.get_by_role("link", name=re.compile("^Besoin 2, quantité")).click()
    expect(quantity).to_be_focused()
    quantity.fill("2")  # the one field corrected: everything else was kept
    mali.get_by_role("button", name="Déposer la demande").click()
    expect(mali).to_have_url(re.compile(r"/assistance/\d+$"))
    request_url = mali.url
    mali.get_by_role("button", name="Soumettre").click()
    secretariat = signed_in(browser, live_server, "sec")
    secretariat.goto(request_url)
    secretariat.get_by_role("button", name="Ouvrir aux engagements").click()

    burkina = signed_in(browser, live_server, "ibrahim_bfa_liaison")
    burkina.goto(request_url)
    burkina.get_by_label("Quantité", exact=True).fill("beaucoup")
    burkina.get_by_label("Quoi").fill("Deux sorties")
    burkina.get_by_role("button", name="S'engager").click()
    expect(burkina.locator("#quantity-error")).to_have_text(
        "Votre engagement, quantité : un nombre positif est attendu.")
    expect(burkina.locator("#quantity")).to_have_attribute("aria-invalid", "true")
    expect(burkina.locator("#quantity")).to_have_value("beaucoup")
    expect(burkina.get_by_label("Quoi")).to_have_value("Deux sorties")
    shot(burkina, "pledge-refused", backend)
    assert not axe_violations(burkina)
