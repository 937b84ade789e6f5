"""A refused form names the need and the field it is about, next to that field (issue 18,
point 5): the request form, and the pledge and delivery forms of a request's page. Each bad
field is marked (aria-invalid, aria-describedby to its message) and what was typed is kept."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.assistance import HOUR, attacked, delivering, opened
from helpers.web import sign_in
from liptako.auth.models import User

Cast = dict[str, User]


def _need(row: int, **fields: str) -> dict[str, str]:
    need = {"kind": "air_support", "description": "Two sorties", "quantity": "2",
            "unit": "sorties", "place": "Boulkessi", "starts_on": "2026-12-01",
            "ends_on": "2026-12-05", "priority": "1", **fields}
    return {f"item{row}_{name}": value for name, value in need.items()}


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found is not None
    return found.group(1)


def _request_form(client: TestClient, incident_id: int, **fields: str) -> dict[str, str]:
    return {"csrf_token": _csrf(client.get("/assistance/new").text), "title": "Air support",
            "situation": "Boulkessi post attacked.", "article": "6",
            "incident_ids": str(incident_id), "deadline_on": "2026-12-10", "tlp": "AMBER",
            **_need(0), **fields}


def _field(text: str, input_id: str) -> str:
    """The opening tag of the input or select with this id."""
    found = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{input_id}"[^>]*>', text)
    assert found is not None, input_id
    return found.group(0)


def _said(text: str, input_id: str) -> str | None:
    found = re.search(rf'<p class="field-error" id="{input_id}-error">([^<]*)</p>', text)
    return html.unescape(found.group(1)) if found else None


def _marked(text: str, input_id: str) -> bool:
    tag = _field(text, input_id)
    return ('aria-invalid="true"' in tag
            and f'aria-describedby="{input_id}-error"' in tag and _said(text, input_id) is not None)


def test_a_bad_quantity_in_the_second_need_is_named_next_to_it(
        client: TestClient, session: Session, cast: Cast) -> None:
    incident = attacked(session, "MLI")
    sign_in(client, "amadou_mli_liaison")
    form = _request_form(client, incident.id, **_need(1, quantity="-3", description="Medevac"))
    got = client.post("/assistance/new", data=form)
    assert got.status_code == 422
    assert _said(got.text, "item1_quantity") == (
        "Besoin 2, quantité : un nombre positif est attendu.")
    assert _marked(got.text, "item1_quantity")
    assert not _marked(got.text, "item0_quantity") and "aria-invalid" not in _field(
        got.text, "title")
    # what was typed is kept, the bad value too
    assert 'value="-3"' in _field(got.text, "item1_quantity")
    assert 'value="Medevac"' in _field(got.text, "item1_description")
    assert 'value="Air support"' in _field(got.text, "title")
    # the summary at the top links to the field
    assert re.search(r'<a href="#item1_quantity">Besoin 2, quantit', got.text)


def test_the_messages_are_in_the_users_language(
        client: TestClient, session: Session, cast: Cast) -> None:
    incident = attacked(session, "MLI")
    sign_in(client, "amadou_mli_liaison")
    cast["amadou_mli_liaison"].locale = "en"  # as if chosen on the login page
    session.flush()
    form = _request_form(client, incident.id, **_need(1, quantity="many"))
    got = client.post("/assistance/new", data=form)
    assert _said(got.text, "item1_quantity") == "Need 2, quantity: a positive number is expected."


def test_each_bad_field_is_named_on_its_own(
        client: TestClient, session: Session, cast: Cast) -> None:
    incident = attacked(session, "MLI")
    sign_in(client, "amadou_mli_liaison")
    form = _request_form(client, incident.id, title="", deadline_on="2026-13-45",
                         incident_ids=f"{incident.id}, x",
                         **_need(0, ends_on="2026-11-01"),  # before its start
                         **{"item2_quantity": "5"})  # a third need without its kind
    got = client.post("/assistance/new", data=form)
    assert got.status_code == 422
    expected = {
        "title": "Titre : de 3 à 200 caractères sur une ligne sont attendus.",
        "deadline_on": "Réponses attendues avant le : une date est attendue.",
        "incident_ids": "Incidents : des numéros d'incidents séparés par des virgules sont "
                        "attendus, chacun une seule fois.",
        "item0_ends_on": "Besoin 1, date de fin : une date égale ou postérieure à la date de "
                         "début est attendue.",
        "item2_kind": "Besoin 3, nature : la nature du besoin est attendue.",
    }
    for input_id, message in expected.items():
        assert _said(got.text, input_id) == message, input_id
        assert _marked(got.text, input_id), input_id
    assert 'value="5"' in _field(got.text, "item2_quantity")


def test_a_form_without_a_need_says_so(client: TestClient, session: Session,
                                       cast: Cast) -> None:
    incident = attacked(session, "MLI")
    sign_in(client, "amadou_mli_liaison")
    form = {k: v for k, v in _request_form(client, incident.id).items()
            if not k.startswith("item")}
    got = client.post("/assistance/new", data=form)
    assert _said(got.text, "item0_kind") == "Besoins : au moins un besoin est attendu."


def _act(client: TestClient, request_id: int, **fields: Any) -> Any:
    csrf = _csrf(client.get(f"/assistance/{request_id}").text)
    return client.post(f"/assistance/{request_id}/act", data={"csrf_token": csrf, **fields},
                       follow_redirects=False)


def test_a_bad_pledge_names_its_field_and_keeps_what_was_typed(
        client: TestClient, session: Session, cast: Cast) -> None:
    made = opened(session, cast, [attacked(session, "MLI", now=dt.datetime.now(dt.UTC) - HOUR)],
                  now=dt.datetime.now(dt.UTC) - HOUR)
    sign_in(client, "ibrahim_bfa_liaison")
    got = _act(client, made.id, action="pledge", line_item_id=str(made.items[0].id),
               quantity="beaucoup", description="Deux avions", available_on="2026-13-01")
    assert got.status_code == 422
    text = html.unescape(got.text)
    assert "Check the form" not in text and "Vérifiez le formulaire" not in text
    assert _said(got.text, "quantity") == (
        "Votre engagement, quantité : un nombre positif est attendu.")
    assert _said(got.text, "available_on") == (
        "Votre engagement, disponible à partir du : une date est attendue.")
    assert _marked(got.text, "quantity") and _marked(got.text, "available_on")
    assert not _marked(got.text, "pledge_description")
    assert 'value="beaucoup"' in _field(got.text, "quantity")
    assert 'value="Deux avions"' in _field(got.text, "pledge_description")
    assert '<p class="error" role="alert">Votre engagement, quantité' in text


def test_a_bad_delivered_quantity_is_named_next_to_its_pledge(
        client: TestClient, session: Session, cast: Cast) -> None:
    pledged_at = dt.datetime.now(dt.UTC) - HOUR
    made, (bfa, ner) = delivering(session, cast, [attacked(session, "MLI", now=pledged_at)],
                                  now=pledged_at)
    sign_in(client, "amadou_mli_liaison")
    got = _act(client, made.id, action="deliver", pledge_id=str(bfa.id),
               delivered_quantity="-2")
    assert got.status_code == 422
    field = f"delivered_quantity_{bfa.id}"
    assert _said(got.text, field) == "Livraison, quantité livrée : un nombre positif est attendu."
    assert _marked(got.text, field) and 'value="-2"' in _field(got.text, field)
    assert _said(got.text, f"delivered_quantity_{ner.id}") is None
