"""Only possible actions are offered, and a refused one says what it needs (issue 18, points 5
and 6), in Chromium on the exercise's request awaiting Niger's vote and on new reports."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Browser, Page, expect

from helpers.browser import axe_violations, shot, signed_in
from liptako.assistance.presidency import presidency_on

LIAISONS = {"MLI": "amadou_mli_liaison", "BFA": "ibrahim_bfa_liaison", "NER": "moussa_ner_liaison"}


def _open_djibo(page: Page) -> str:
    """The exercise's request of Burkina Faso: convened, Burkina and Mali voted, Niger not."""
    page.goto("/assistance")
    page.get_by_role("link", name=re.compile("Djibo")).first.click()
    expect(page.locator("#status")).to_have_text("ouverte aux engagements")
    return page.url


def _buttons(page: Page, *names: str) -> list[int]:
    return [page.get_by_role("button", name=name, exact=True).count() for name in names]


def test_the_vote_and_the_decision_are_offered_only_when_and_to_whom_they_are_due(
        browser: Browser, live_server: str, database_url: str) -> None:
    backend = database_url.split(":")[0]
    presidency = presidency_on(dt.datetime.now(dt.UTC).date())
    niger = signed_in(browser, live_server, LIAISONS["NER"])
    url = _open_djibo(niger)
    assert _buttons(niger, "Voter", "Convoquer le vote", "Enregistrer la décision") == [1, 0, 0]
    stale = signed_in(browser, live_server, LIAISONS["NER"])  # the same page, left open
    stale.goto(url)
    for state in ("BFA", "MLI"):  # they voted: no vote, and nobody convenes twice
        voter = signed_in(browser, live_server, LIAISONS[state])
        voter.goto(url)
        # and the decision waits for Niger's vote, even for the presidency
        assert _buttons(voter, "Voter", "Convoquer le vote", "Enregistrer la décision") == [
            0, 0, 0], state
        if state == presidency:
            shot(voter, "assistance-voting-presidency", backend)

    niger.get_by_label("oui").check()
    niger.get_by_role("button", name="Voter").click()
    expect(niger.locator(".error")).to_have_count(0)
    assert _buttons(niger, "Voter") == [0]
    stale.get_by_label("non").check()
    stale.get_by_role("button", name="Voter").click()
    expect(stale.locator(".error")).to_have_text(
        "Votre État (Niger) a déjà voté : un vote est définitif.")
    shot(stale, "assistance-refused-vote", backend)
    assert not axe_violations(stale)

    president = signed_in(browser, live_server, LIAISONS[presidency])
    president.goto(url)
    assert _buttons(president, "Enregistrer la décision") == [1]
    president.goto(f"{url}?lang=en")
    assert _buttons(president, "Record the decision", "Convene the vote") == [1, 0]
    others = [s for s in LIAISONS if s != presidency]
    bystander = signed_in(browser, live_server, LIAISONS[others[0]])
    bystander.goto(url)
    assert _buttons(bystander, "Enregistrer la décision") == [0]
    bystander.goto(f"{url}?lang=en")
    shot(bystander, "assistance-voted-bystander-en", backend)


def _report(page: Page, day: str) -> str:
    """A jihadist attack on Burkina Faso's forces near Djibo, as Burkina Faso reports it."""
    page.goto("/incidents/new")
    page.get_by_label("Latitude").fill("14.10")
    page.get_by_label("Longitude").fill("-1.63")
    page.get_by_label("Date").fill(day)
    page.get_by_label("Type d'événement").select_option("battle")
    page.get_by_label("Description").fill("Des hommes armés ont attaqué un poste de l'armée.")
    page.locator("#perpetrator_kind").select_option("non_state_armed_group")
    page.locator("#perpetrator_group_type").select_option("jihadist")
    page.locator("#target_kind").select_option("state_forces")
    page.locator("#target_party").select_option("BFA")
    page.get_by_role("button", name="Enregistrer l'incident").click()
    expect(page).to_have_url(re.compile(r"/incidents/\d+"))
    return page.url.split("?")[0]


def test_a_classification_is_asked_only_where_it_counts_and_filing_says_what_comes_first(
        browser: Browser, live_server: str, database_url: str) -> None:
    backend = database_url.split(":")[0]
    liaison = signed_in(browser, live_server, LIAISONS["BFA"])
    recent, old = _report(liaison, "2024-05-11"), _report(liaison, "2019-07-29")
    liaison.goto(recent)
    expect(liaison.locator("#filing-needs")).to_have_text(
        "L'article 6 n'est pas encore déterminé : un analyste de l'État concerné (Burkina Faso) "
        "ou le secrétariat doit d'abord répondre à la question de qualification.")
    expect(liaison.get_by_role("link", name="Déposer une demande d'assistance")).to_have_count(0)
    shot(liaison, "incident-filing-needs", backend)
    assert not axe_violations(liaison)
    liaison.goto(f"{recent}?lang=en")
    expect(liaison.locator("#filing-needs")).to_have_text(
        "Art. 6 is not determined yet: an analyst of Burkina Faso or the secretariat must "
        "answer the classification question first.")

    analyst = signed_in(browser, live_server, "bfa_analyst")
    analyst.goto(old)
    expect(analyst.locator("form.classify")).to_have_count(0)  # before the Charter
    analyst.goto(recent)
    expect(analyst.locator("form.classify")).to_have_count(1)
    neighbour = signed_in(browser, live_server, "ner_analyst")
    neighbour.goto(recent)
    expect(neighbour.locator("form.classify")).to_have_count(0)  # another state's incident
