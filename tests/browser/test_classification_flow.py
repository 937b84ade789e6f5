"""A classification that opens duties to another state, carried through its second person:
Burkina Faso's analyst answers on an incident of Burkina Faso, the secretariat confirms."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from helpers.browser import axe_violations, shot, signed_in


def test_a_duty_changing_classification_waits_for_the_secretariat(
        browser: Browser, live_server: str, database_url: str) -> None:
    backend = database_url.split(":")[0]
    analyst = signed_in(browser, live_server, "bfa_analyst")
    analyst.goto("/incidents/new")
    analyst.get_by_label("Latitude").fill("14.10")
    analyst.get_by_label("Longitude").fill("-1.63")
    analyst.get_by_label("Date").fill("2024-05-11")
    analyst.get_by_label("Type d'événement").select_option("battle")
    analyst.get_by_label("Description").fill("Des hommes armés ont attaqué un poste de l'armée.")
    analyst.locator("#perpetrator_kind").select_option("non_state_armed_group")
    analyst.locator("#perpetrator_group_type").select_option("jihadist")
    analyst.locator("#target_kind").select_option("state_forces")
    analyst.locator("#target_party").select_option("BFA")
    analyst.get_by_role("button", name="Enregistrer l'incident").click()
    expect(analyst).to_have_url(re.compile(r"/incidents/\d+"))
    incident_url = analyst.url.split("?")[0]

    form = analyst.locator("form.classify")
    form.get_by_label("oui").check()
    form.get_by_label("Éléments de preuve").fill("Revendication du JNIM")
    form.get_by_label("Justification").fill("Poste de l'armée pris")
    form.get_by_role("button", name="Enregistrer la décision").click()
    expect(analyst.locator(".notice")).to_contain_text("seconde personne du secrétariat")
    expect(analyst.locator(".decision-pending .duty-change")).to_contain_text("Mali")
    shot(analyst, "classification-pending", backend)

    secretariat = signed_in(browser, live_server, "sec")
    secretariat.goto("/classifications")
    expect(secretariat.locator("h1")).to_have_text("Décisions en attente de confirmation")
    assert not axe_violations(secretariat)
    secretariat.goto(incident_url)
    secretariat.get_by_role("button", name="Confirmer la décision").click()
    expect(secretariat.locator(".notice")).to_contain_text("confirmée")
    expect(secretariat.locator(".decision-in_force")).to_be_visible()
    duties = secretariat.locator("table").last
    expect(duties).to_contain_text("Mali")
    expect(duties).to_contain_text("Niger")
    shot(secretariat, "classification-confirmed", backend)
    assert not axe_violations(secretariat)
