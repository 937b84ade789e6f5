"""Pages offer only the steps their reader may take now (issue 18, point 6): the request's
buttons follow :func:`steps.possible_actions`; the incident's classification form is there
only while its question is open to the reader; "File a request for assistance" is a link only
where the reader's state may invoke an article, else it says what must happen first."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.assistance import LIAISONS, attacked, seed_assistance
from factories.obligations import classification, evaluated_report
from helpers.web import sign_in
from liptako.assistance.presidency import presidency_on
from liptako.auth.models import User
from liptako.core.clock import utcnow

PRESIDENT = LIAISONS[presidency_on(utcnow().date())]
OTHERS = [name for name in LIAISONS.values() if name != PRESIDENT]


def _buttons(client: TestClient, path: str) -> set[str]:
    """The actions a request's page offers (the forms posting to its act route)."""
    return set(re.findall(r'name="action" value="([a-z_]+)"', client.get(path).text))


def test_convene_and_decide_are_offered_to_the_presidency_and_the_secretariat_only_when_due(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    ids = seed_assistance(session, cast)
    offered: dict[tuple[str, str], set[str]] = {}
    for who in [PRESIDENT, "sec", *OTHERS, "mli_observer"]:
        sign_in(client, who)
        for name in ("convenable", "voting", "decidable"):
            offered[(who, name)] = _buttons(client, f"/assistance/{ids[name]}")
    for who in (PRESIDENT, "sec"):
        assert "convene" in offered[(who, "convenable")]
        assert not {"convene", "decide"} & offered[(who, "voting")]  # votes awaited
        assert "decide" in offered[(who, "decidable")]
    for who in (*OTHERS, "mli_observer"):
        assert not {"convene", "decide"} & set().union(
            *(offered[(who, n)] for n in ("convenable", "voting", "decidable")))
    assert "vote" not in offered[("moussa_ner_liaison", "decidable")]  # Niger has voted
    assert not {"pledge", "decline"} & offered[("moussa_ner_liaison", "voting")]  # declined
    assert "open" not in offered[("sec", "convenable")]  # it is open already


def test_a_reader_with_nothing_to_do_is_told_so(client: TestClient, session: Session,
                                                cast: dict[str, User]) -> None:
    ids = seed_assistance(session, cast)
    sign_in(client, "mli_observer")
    page = client.get(f"/assistance/{ids['convenable']}", params={"lang": "en"})
    assert 'id="no-step"' in page.text and 'name="action"' not in page.text
    sign_in(client, "sec")
    assert 'id="no-step"' not in client.get(f"/assistance/{ids['convenable']}").text


def _classify_form(client: TestClient, incident_id: int) -> bool:
    return f'action="/incidents/{incident_id}/classify"' in client.get(
        f"/incidents/{incident_id}").text


def test_the_classification_form_only_while_the_question_is_open_to_the_reader(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    asked = evaluated_report(session, "BFA", tlp="GREEN")
    old = evaluated_report(session, "BFA", tlp="GREEN", occurred_on="2019-07-29")
    sign_in(client, "bfa_analyst")
    assert _classify_form(client, asked.id)
    assert not _classify_form(client, old.id)  # before the Charter: no answer counts
    sign_in(client, "ner_analyst")
    assert not _classify_form(client, asked.id)  # another state's incident
    sign_in(client, "sec")
    assert _classify_form(client, asked.id)
    classification(session, asked, value=True, decided_by=cast["bfa_analyst"].id, state="BFA")
    assert not _classify_form(client, asked.id)  # awaiting confirmation
    sign_in(client, "bfa_analyst")
    assert not _classify_form(client, asked.id)


def _filing(client: TestClient, incident_id: int, lang: str) -> tuple[str | None, str | None]:
    """The filing link's target and what the page says must happen first, if anything."""
    page = client.get(f"/incidents/{incident_id}", params={"lang": lang}).text
    link = re.search(r'href="(/assistance/new\?[^"]*)"', page)
    needs = re.search(r'id="filing-needs">([^<]*)<', page)
    return (html.unescape(link.group(1)) if link else None,
            html.unescape(needs.group(1)) if needs else None)


def test_filing_is_a_link_only_where_it_can_succeed_else_it_says_what_comes_first(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    asked = evaluated_report(session, "BFA", tlp="GREEN")
    mali = attacked(session, "MLI", tlp="GREEN")
    sign_in(client, "ibrahim_bfa_liaison")
    assert _filing(client, asked.id, "fr") == (None, (
        "L'article 6 n'est pas encore déterminé : un analyste de l'État concerné (Burkina Faso) "
        "ou le secrétariat doit d'abord répondre à la question de qualification."))
    assert _filing(client, asked.id, "en") == (None, (
        "Art. 6 is not determined yet: an analyst of Burkina Faso or the secretariat must "
        "answer the classification question first."))
    assert _filing(client, mali.id, "en") == (None, (
        "Art. 6 is engaged for another state (Mali): only it may request assistance on this "
        "incident."))
    classification(session, asked, value=True, decided_by=cast["bfa_analyst"].id, state="BFA")
    assert _filing(client, asked.id, "en") == (None, (
        "Art. 6 is not determined yet: the answer to the classification question awaits "
        "confirmation by a second person of the secretariat."))
    sign_in(client, "amadou_mli_liaison")
    assert _filing(client, mali.id, "fr") == (f"/assistance/new?incident={mali.id}&article=6",
                                              None)
    form = client.get(f"/assistance/new?incident={mali.id}&article=6").text
    assert re.search(r'<option value="6"\s+selected>', form)
    sign_in(client, "bfa_analyst")  # not a liaison: neither
    assert _filing(client, asked.id, "en") == (None, None)
