"""A refused page action (someone acted first, a stale page, a crafted POST) comes back on its
page with its status and a sentence in the reader's language saying what is needed (issue 18,
point 5): the workflow's permission and status refusals by their reason, anything else as a
general sentence with the detail."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.assistance import LIAISONS, seed_assistance
from factories.obligations import classification, evaluated_report
from helpers.web import sign_in
from liptako.assistance.models import AssistanceRequest
from liptako.assistance.presidency import presidency_on
from liptako.audit.models import AuditEntry
from liptako.auth.models import User
from liptako.core.clock import utcnow
from liptako.core.errors import Refusal
from liptako.web.i18n import Formatter
from liptako.web.pages.refusals import say
from liptako.web.security import SESSION_COOKIE, read_session_cookie

NAMES = {"BFA": "Burkina Faso", "MLI": "Mali", "NER": "Niger"}
PRESIDENCY = presidency_on(utcnow().date())  # the pages act on the wall clock's day
BYSTANDER = next(name for state, name in LIAISONS.items() if state != PRESIDENCY)
TOMORROW = (utcnow().date() + dt.timedelta(days=1)).isoformat()

# who, which request (see seed_assistance), the form, the status, French, English
CASES: list[tuple[str, str, dict[str, str], int, str, str]] = [
    (BYSTANDER, "convenable", {"action": "convene", "vote_deadline_on": TOMORROW}, 403,
     f"Seule la présidence ({NAMES[PRESIDENCY]}) peut convoquer le vote, ou le secrétariat "
     "en son nom.",
     f"Only the presidency ({NAMES[PRESIDENCY]}) may convene the vote, or the secretariat on "
     "its behalf."),
    ("amadou_mli_liaison", "submitted", {"action": "open"}, 403,
     "Seul le secrétariat peut ouvrir la demande aux engagements.",
     "Only the secretariat may open the request for pledges."),
    ("ibrahim_bfa_liaison", "voting", {"action": "withdraw", "reason": "not ours to withdraw"},
     403, "Seul l'officier de liaison de l'État requérant (Mali) peut retirer la demande.",
     "Only the liaison officer of the requesting state (Mali) may withdraw the request."),
    ("amadou_mli_liaison", "convenable", {"action": "decline", "reason": "we asked for it"}, 403,
     "L'État requérant (Mali) ne répond pas à sa propre demande.",
     "The requesting state (Mali) does not answer its own request."),
    ("moussa_ner_liaison", "adopted", {"action": "pledge", "quantity": "2",
                                       "description": "Two aircraft"}, 409,
     "La demande est maintenant « décidée » : pour s'engager, elle doit être « soumise » ou "
     "« ouverte aux engagements ».",
     "The request is now “decided”: to pledge resources, it must be “submitted” or “open for "
     "pledges”."),
    ("sec", "voting", {"action": "convene", "vote_deadline_on": TOMORROW}, 409,
     "Le vote a déjà été convoqué.", "The vote has already been convened."),
    ("sec", "voting", {"action": "decide"}, 409,
     "Le vote est encore ouvert ; votes attendus : Burkina Faso, Mali, Niger.",
     "The vote is still open: votes awaited from Burkina Faso, Mali, Niger."),
    ("moussa_ner_liaison", "decidable", {"action": "vote", "value": "no"}, 409,
     "Votre État (Niger) a déjà voté : un vote est définitif.",
     "Your state (Niger) has already voted: a vote is final."),
    ("moussa_ner_liaison", "voting", {"action": "pledge", "quantity": "1",
                                      "description": "One aircraft"}, 409,
     "Votre État (Niger) a décliné cette demande : ce refus est définitif.",
     "Your state (Niger) has declined this request: a decline is final."),
    # no reason of the workflow's: the general sentence and the detail
    ("moussa_ner_liaison", "convenable", {"action": "decline", "reason": ""}, 422,
     "L'action a été refusée : reason: expected at least 3 characters, got 0",
     "The step was refused: reason: expected at least 3 characters, got 0"),
]


def _csrf(client: TestClient) -> str:
    data = read_session_cookie(client.app.state.settings,  # type: ignore[attr-defined]
                               client.cookies.get(SESSION_COOKIE) or "")
    assert data is not None
    return str(data["csrf"])


def _alert(page: str) -> str | None:
    """The text of the page's alert, if it has one."""
    found = re.search(r'role="alert"[^>]*>([^<]*)</p>', page)
    return html.unescape(found.group(1)) if found else None


def _item(session: Session, request_id: int) -> str:
    found = session.get(AssistanceRequest, request_id)
    assert found is not None
    return str(found.items[0].id)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_refused_step_says_what_it_needs_in_the_readers_language(
        lang: str, client: TestClient, session: Session, cast: dict[str, User]) -> None:
    ids = seed_assistance(session, cast)
    wrong = []
    for who, name, form, status, french, english in CASES:
        sign_in(client, who)
        data: dict[str, Any] = {"csrf_token": _csrf(client), **form}
        if form["action"] == "pledge":
            data |= {"line_item_id": _item(session, ids[name]), "available_on": TOMORROW}
        got = client.post(f"/assistance/{ids[name]}/act", params={"lang": lang}, data=data,
                          follow_redirects=False)
        expected = french if lang == "fr" else english
        said = _alert(got.text)
        if (got.status_code, said) != (status, expected) or 'id="status"' not in got.text:
            wrong.append(f"{who} {form['action']} on {name}: {got.status_code} {said!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_refused_classification_or_review_comes_back_on_the_incident_page(
        lang: str, client: TestClient, session: Session, cast: dict[str, User]) -> None:
    burkina = evaluated_report(session, "BFA", tlp="GREEN")
    sign_in(client, "ner_analyst")
    got = client.post(f"/incidents/{burkina.id}/classify", params={"lang": lang},
                      data={"csrf_token": _csrf(client), "value": "yes", "evidence": "claimed",
                            "rationale": "army post"}, follow_redirects=False)
    assert got.status_code == 403
    assert _alert(got.text) == {
        "fr": "Cet incident relève d'un autre État (Burkina Faso) : seuls ses analystes ou le "
              "secrétariat peuvent le qualifier.",
        "en": "This incident lies in another state (Burkina Faso): only its analysts or the "
              "secretariat may classify it."}[lang]
    refused = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "classification.refused",
        AuditEntry.target_id == str(burkina.id))).all()
    assert len(refused) == 1  # the refusal is on record, as through the API
    pending = classification(session, burkina, value=True, decided_by=cast["sec"].id)
    sign_in(client, "sec")
    url, form = f"/classifications/{pending.id}/review", {"action": "confirm", "note": ""}
    mine = client.post(url, params={"lang": lang}, data={"csrf_token": _csrf(client), **form},
                       follow_redirects=False)
    assert mine.status_code == 403 and _alert(mine.text) == {
        "fr": "Une seconde personne du secrétariat doit examiner cette décision : celle qui "
              "l'a enregistrée ne le peut pas.",
        "en": "A second person of the secretariat must review this decision: the one who "
              "recorded it may not."}[lang]
    pending.status = "in_force"  # someone else confirmed it meanwhile
    session.flush()
    late = client.post(url, params={"lang": lang}, data={"csrf_token": _csrf(client), **form},
                       follow_redirects=False)
    assert late.status_code == 409 and _alert(late.text) == {
        "fr": "Cette décision a déjà été examinée.",
        "en": "This decision has already been reviewed."}[lang]


def test_an_unknown_reason_or_one_that_lacks_a_value_falls_back_to_the_detail() -> None:
    _ = Formatter("fr").gettext
    assert say(Refusal("teleport", "teleport: expected a door"), _) == (
        "L'action a été refusée : teleport: expected a door")
    assert say(Refusal("presidency_only", "convene: expected the presidency"), _) == (
        "L'action a été refusée : convene: expected the presidency")
