"""One request for assistance carried from filing to closure by three states' liaison officers
and the secretariat, each in their own browser session."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from helpers.browser import axe_violations, report_foreign_strike, shot, signed_in


def _act(page: Page, request_url: str, button: str) -> None:
    page.goto(request_url)
    page.get_by_role("button", name=button).click()
    expect(page.locator(".error")).to_have_count(0)


def test_request_from_filing_to_closure(browser: Browser, live_server: str,
                                        database_url: str) -> None:
    backend = database_url.split(":")[0]
    mali = signed_in(browser, live_server, "amadou_mli_liaison")
    incident_id = report_foreign_strike(mali)
    expect(mali.locator(".determinations .status-engaged").first).to_be_visible()

    mali.goto(f"/assistance/new?incident={incident_id}")
    mali.get_by_label("Titre").fill("Appui aérien après l'attaque de Mopti")
    mali.get_by_label("Situation").fill("Des unités étrangères menacent Mopti.")
    mali.get_by_label("Réponses attendues avant le").fill("2030-01-31")
    mali.locator("#item0_kind").select_option("air_support")
    mali.locator("#item0_description").fill("Appui aérien rapproché")
    mali.locator("#item0_quantity").fill("4")
    mali.locator("#item0_unit").fill("sorties")
    mali.locator("#item0_place").fill("Mopti")
    mali.locator("#item0_starts_on").fill("2029-12-01")
    mali.get_by_role("button", name="Déposer la demande").click()
    expect(mali).to_have_url(re.compile(r"/assistance/\d+$"))
    request_url = mali.url
    shot(mali, "assistance-draft", backend)
    _act(mali, request_url, "Soumettre")

    secretariat = signed_in(browser, live_server, "sec")
    _act(secretariat, request_url, "Ouvrir aux engagements")

    for user, quantity in (("ibrahim_bfa_liaison", "2"), ("moussa_ner_liaison", "2")):
        pledger = signed_in(browser, live_server, user)
        pledger.goto(request_url)
        pledger.get_by_label("Quantité").fill(quantity)
        pledger.get_by_label("Quoi").fill("Deux sorties")
        pledger.get_by_role("button", name="S'engager").click()
        expect(pledger.locator(".error")).to_have_count(0)

    mali.goto(request_url)
    while mali.get_by_role("button", name="Accepter").count():
        # each answer is a new page: count the buttons left on it, not on the one leaving
        with mali.expect_navigation():
            mali.get_by_role("button", name="Accepter").first.click()
    _act(secretariat, request_url, "Convoquer le vote")
    for user in ("amadou_mli_liaison", "ibrahim_bfa_liaison", "moussa_ner_liaison"):
        voter = mali if user == "amadou_mli_liaison" else signed_in(browser, live_server, user)
        voter.goto(request_url)
        voter.get_by_label("oui").check()
        voter.get_by_role("button", name="Voter").click()
        expect(voter.locator(".error")).to_have_count(0)
    _act(secretariat, request_url, "Enregistrer la décision")
    expect(secretariat.locator("#decision")).to_contain_text("aes-2023")
    _act(mali, request_url, "Lancer la livraison")
    mali.goto(request_url)
    while mali.get_by_role("button", name="Confirmer la livraison").count():
        with mali.expect_navigation():
            mali.get_by_role("button", name="Confirmer la livraison").first.click()
    _act(mali, request_url, "Clôturer")
    expect(mali.locator("#status")).to_have_text("clôturée")
    shot(mali, "assistance-closed", backend)
    assert not axe_violations(mali)
    expect(mali.locator("ul.pledges li").first).to_contain_text("2\u00a0sorties")
    mali.goto("/reconciliation")
    expect(mali.locator("#per-incident")).to_contain_text(incident_id)
    need = mali.locator("#per-need tr", has=mali.get_by_role("link", name=request_url.rsplit(
        "/", 1)[1], exact=True))
    expect(need.locator("td")).to_have_text([re.compile("."), re.compile("appui aérien"),
                                             "4\u00a0sorties", "4\u00a0sorties",
                                             "4\u00a0sorties", "4\u00a0sorties",
                                             "0\u00a0sortie"])
    shot(mali, "reconciliation", backend)
