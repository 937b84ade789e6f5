"""Who may classify an incident, and the second person a duty-changing decision needs.

A state's analysts classify incidents on their own state's territory, the secretariat any;
an answer that would change who owes a duty to another state waits until a second person of
the secretariat confirms it (four eyes), and every step is audited.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.auth import PASSWORD
from factories.incidents import report
from helpers.web import sign_in
from liptako.audit.models import AuditEntry
from liptako.auth.models import User
from liptako.auth.passwords import hash_password
from liptako.core.clock import utcnow
from liptako.web.security import SESSION_COOKIE, read_session_cookie

YES = {"question": "attack_on_sovereignty", "value": True,
       "evidence": "Claimed by JNIM media", "rationale": "Army post overrun"}


def _bfa_incident(client: TestClient, auth, **overrides: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    made = client.post("/api/v1/incidents", json=report(**overrides),
                       headers=auth("bfa_analyst"))
    assert made.status_code == 201 and made.json()["iso3"] == "BFA", made.text
    return made.json()  # type: ignore[no-any-return]


def _classify(client: TestClient, auth, incident: dict[str, Any], who: str,  # type: ignore[no-untyped-def]
              **body: Any) -> Any:
    return client.post(f"/api/v1/incidents/{incident['id']}/classifications",
                       json={**YES, **body}, headers=auth(who))


def _duties(client: TestClient, auth, incident: dict[str, Any]) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    got = client.get(f"/api/v1/duties?incident_id={incident['id']}", headers=auth("sec"))
    return sorted((d["owed_by"], d["beneficiary"], d["status"]) for d in got.json())


def _art6(client: TestClient, auth, incident: dict[str, Any]) -> str:  # type: ignore[no-untyped-def]
    body = client.get(f"/api/v1/incidents/{incident['id']}", headers=auth("sec")).json()
    return next(p["status"] for p in body["determinations"][0]["provisions"]  # type: ignore[no-any-return]
                if p["article"] == "6")


def _actions(session: Session, incident: dict[str, Any]) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "incident", AuditEntry.target_id == str(incident["id"]),
        AuditEntry.action.like("classification.%")).order_by(AuditEntry.seq)))


def _second_secretary(session: Session) -> User:
    user = User(username="sec_two", password_hash=hash_password(PASSWORD), state="SEC",
                roles=["secretariat"], full_name="Second Secretary", locale="en",
                is_active=True, created_at=utcnow())
    session.add(user)
    session.flush()
    return user


def test_an_analyst_classifies_only_incidents_of_their_own_state(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    incident = _bfa_incident(client, auth, tlp="GREEN")  # every state sees it
    for other in ("ner_analyst", "awa_mli_analyst"):
        refused = _classify(client, auth, incident, other)
        assert refused.status_code == 403 and "BFA" in refused.json()["detail"], refused.text
    assert _actions(session, incident) == ["classification.refused"] * 2
    refusal = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "classification.refused")).first()
    assert refusal is not None and refusal.detail["value"] is True
    listed = client.get(f"/api/v1/incidents/{incident['id']}/classifications",
                        headers=auth("sec")).json()
    assert listed == []
    assert _classify(client, auth, incident, "bfa_analyst").status_code == 201
    assert _classify(client, auth, incident, "sec").status_code == 201


def test_a_decision_that_changes_duties_waits_for_the_secretariat(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    incident = _bfa_incident(client, auth)
    made = _classify(client, auth, incident, "bfa_analyst")
    assert made.status_code == 201, made.text
    decision = made.json()
    assert decision["status"] == "pending" and decision["effective_at"] is None
    assert decision["duty_change"] == {"lapses": [], "opens": [
        {"pact": "aes-2023", "article": "6", "owed_by": "MLI", "beneficiary": "BFA"},
        {"pact": "aes-2023", "article": "6", "owed_by": "NER", "beneficiary": "BFA"}]}
    assert _art6(client, auth, incident) == "undetermined" and _duties(client, auth, incident) == []
    queue = client.get("/api/v1/classifications?status=pending", headers=auth("sec")).json()
    assert [d["id"] for d in queue] == [decision["id"]]
    for role_refused in ("bfa_analyst", "admin", "ibrahim_bfa_liaison"):
        got = client.post(f"/api/v1/classifications/{decision['id']}/confirm", json={},
                          headers=auth(role_refused))
        assert got.status_code == 403, role_refused
    confirmed = client.post(f"/api/v1/classifications/{decision['id']}/confirm",
                            json={"note": "Claim checked"}, headers=auth("sec"))
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "in_force"
    assert confirmed.json()["reviewed_by"] != decision["decided_by"]
    assert _art6(client, auth, incident) == "engaged"
    assert _duties(client, auth, incident) == [("MLI", "BFA", "open"), ("NER", "BFA", "open")]
    again = client.post(f"/api/v1/classifications/{decision['id']}/confirm", json={},
                        headers=auth("sec"))
    assert again.status_code == 409
    assert _actions(session, incident) == ["classification.record", "classification.confirm"]
    assert client.get("/api/v1/classifications?status=pending",
                      headers=auth("sec")).json() == []


def test_the_person_who_recorded_it_cannot_confirm_it(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    _second_secretary(session)
    incident = _bfa_incident(client, auth)
    decision = _classify(client, auth, incident, "sec").json()
    assert decision["status"] == "pending"
    own = client.post(f"/api/v1/classifications/{decision['id']}/confirm", json={},
                      headers=auth("sec"))
    assert own.status_code == 403 and "second person" in own.json()["detail"]
    assert _duties(client, auth, incident) == []
    other = client.post(f"/api/v1/classifications/{decision['id']}/confirm", json={},
                        headers=auth("sec_two"))
    assert other.status_code == 200 and other.json()["status"] == "in_force"
    assert _actions(session, incident) == ["classification.record",
                                           "classification.review.refused",
                                           "classification.confirm"]


def test_a_rejected_decision_never_counts(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    incident = _bfa_incident(client, auth)
    decision = _classify(client, auth, incident, "bfa_analyst").json()
    bare = client.post(f"/api/v1/classifications/{decision['id']}/reject", json={},
                       headers=auth("sec"))
    assert bare.status_code == 422 and bare.json()["errors"][0]["field"] == "note"
    rejected = client.post(f"/api/v1/classifications/{decision['id']}/reject",
                           json={"note": "The claim was retracted"}, headers=auth("sec"))
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert _art6(client, auth, incident) == "undetermined" and _duties(client, auth, incident) == []
    # a later answer is weighed against the duties in force, not against the rejected one
    later = _classify(client, auth, incident, "bfa_analyst").json()
    assert later["status"] == "pending" and len(later["duty_change"]["opens"]) == 2


def test_a_decision_that_changes_no_duty_takes_effect_at_once(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    incident = _bfa_incident(client, auth)
    made = _classify(client, auth, incident, "bfa_analyst", value=False).json()
    assert made["status"] == "in_force" and made["duty_change"] is None
    assert _art6(client, auth, incident) == "not_engaged"
    # undoing duties is a change too: confirmed yes, then no, waits again
    pending = _classify(client, auth, incident, "bfa_analyst").json()
    client.post(f"/api/v1/classifications/{pending['id']}/confirm", json={},
                headers=auth("sec"))
    undo = _classify(client, auth, incident, "bfa_analyst", value=False).json()
    assert undo["status"] == "pending" and len(undo["duty_change"]["lapses"]) == 2
    assert _duties(client, auth, incident) == [("MLI", "BFA", "open"), ("NER", "BFA", "open")]


def test_the_queue_shows_only_decisions_on_incidents_the_reader_may_see(
        client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    hidden = _bfa_incident(client, auth, tlp="AMBER+STRICT", audience=[])
    decision = _classify(client, auth, hidden, "bfa_analyst").json()
    assert decision["status"] == "pending"
    assert client.get("/api/v1/classifications?status=pending",
                      headers=auth("sec")).json() == []
    blind = client.post(f"/api/v1/classifications/{decision['id']}/confirm", json={},
                        headers=auth("sec"))
    assert blind.status_code == 404 and "tlp" not in blind.text.lower()
    sign_in(client, "bfa_analyst")
    page = client.get(f"/incidents/{hidden['id']}")
    assert "nommera SEC parmi ses destinataires" in page.text  # the analyst reads French


def test_the_pages_carry_a_decision_through_its_confirmation(
        client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    incident = _bfa_incident(client, auth)
    sign_in(client, "ner_analyst")
    page = client.get(f"/incidents/{incident['id']}")
    assert 'action="/incidents/' not in page.text  # no form for another state's incident
    sign_in(client, "bfa_analyst")
    csrf = _csrf(client)
    sent = client.post(f"/incidents/{incident['id']}/classify", follow_redirects=False,
                       data={"csrf_token": csrf, "value": "yes", "evidence": "claimed",
                             "rationale": "army post"})
    assert sent.status_code == 303 and "classified=pending" in sent.headers["location"]
    sign_in(client, "sec")
    queue = client.get("/classifications")
    assert f'href="/incidents/{incident["id"]}#classifications"' in queue.text
    page = client.get(f"/incidents/{incident['id']}")
    [decision] = client.get("/api/v1/classifications?status=pending",
                            headers=auth("sec")).json()
    assert f'action="/classifications/{decision["id"]}/review"' in page.text
    done = client.post(f"/classifications/{decision['id']}/review", follow_redirects=False,
                       data={"csrf_token": _csrf(client), "action": "confirm", "note": ""})
    assert done.status_code == 303 and "reviewed=confirm" in done.headers["location"]
    assert _duties(client, auth, incident) == [("MLI", "BFA", "open"), ("NER", "BFA", "open")]


def _csrf(client: TestClient) -> str:
    data = read_session_cookie(client.app.state.settings,  # type: ignore[attr-defined]
                               client.cookies.get(SESSION_COOKIE) or "")
    assert data is not None
    return str(data["csrf"])


def test_an_answer_is_a_json_boolean(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    incident = _bfa_incident(client, auth)
    for loose in (1, "yes", "true"):
        got = _classify(client, auth, incident, "bfa_analyst", value=loose)
        assert got.status_code == 422 and got.json()["errors"][0]["field"] == "value", loose
