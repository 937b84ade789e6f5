"""The weekly report's mailing lists over the API: each state's administrators manage their
state's (the secretariat's, any), built for an active account of that state; bad addresses
are refused naming the field; every change is audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.auth import seed_state_admins
from liptako.audit.models import AuditEntry
from liptako.auth.models import User

URL = "/api/v1/report-subscriptions"
MALI = {"recipients": "cab@mli.example, ops@mli.example", "built_for": "awa_mli_analyst",
        "state": "MLI", "language": "en"}


def _audit(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                .order_by(AuditEntry.seq)))


def test_a_states_administrator_makes_its_own_states_lists_only(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                                                session: Session) -> None:
    seed_state_admins(session)
    refused = client.post(URL, json=MALI, headers=auth("bfa_admin"))
    assert refused.status_code == 403 and "MLI" in refused.json()["detail"]
    # an analyst, even of Mali, manages no list
    assert client.post(URL, json=MALI, headers=auth("awa_mli_analyst")).status_code == 403
    assert client.get(URL, headers=auth("awa_mli_analyst")).status_code == 403
    assert _audit(session, "report_subscription.create") == []
    made = client.post(URL, json=MALI, headers=auth("mli_admin"))
    assert made.status_code == 201, made.text
    got = made.json()
    assert (got["state"], got["country"], got["built_for_username"], got["language"],
            got["active"], got["last_week"]) == ("MLI", "MLI", "awa_mli_analyst", "en", True,
                                                 None)
    assert got["recipients"] == "cab@mli.example,ops@mli.example"
    # the secretariat's administrator makes a list for any state, and its own for all
    sec = client.post(URL, json={"recipients": "sg@aes.example", "built_for": "sec"},
                      headers=auth("admin"))
    assert sec.status_code == 201 and sec.json()["country"] == "all"
    assert [s["state"] for s in client.get(URL, headers=auth("mli_admin")).json()] == ["MLI"]
    assert [s["state"] for s in client.get(URL, headers=auth("admin")).json()] == ["MLI", "SEC"]
    entries = _audit(session, "report_subscription.create")
    assert [(e.actor_name, e.target_id) for e in entries] == [
        ("mli_admin", str(got["id"])), ("admin", str(sec.json()["id"]))]
    assert entries[0].detail["built_for"] == "awa_mli_analyst"


def test_bad_addresses_and_accounts_are_refused_naming_the_field(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                                                 session: Session) -> None:
    seed_state_admins(session)
    bad = client.post(URL, json={**MALI, "recipients": "cab@mli.example, nope"},
                      headers=auth("mli_admin"))
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["recipients"]
    assert "'nope'" in bad.json()["detail"]
    # a Niger account for a Mali list, an account that does not exist, a disabled one
    for name in ("ner_analyst", "nobody"):
        refused = client.post(URL, json={**MALI, "built_for": name}, headers=auth("mli_admin"))
        assert refused.status_code == 422 and refused.json()["detail"].startswith(
            f"built_for: expected an active account of MLI, got '{name}' (no account")
    observer = session.scalar(select(User).where(User.username == "mli_observer"))
    assert observer is not None
    observer.is_active = False
    session.flush()
    refused = client.post(URL, json={**MALI, "built_for": "mli_observer"},
                          headers=auth("mli_admin"))
    assert refused.status_code == 422 and "disabled" in refused.json()["detail"]
    # the secretariat's lists are built for a secretariat account
    refused = client.post(URL, json={**MALI, "state": "SEC"}, headers=auth("admin"))
    assert refused.status_code == 422 and "active account of SEC" in refused.json()["detail"]
    assert _audit(session, "report_subscription.create") == []


def test_lists_are_disabled_by_their_states_administrators(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                                           session: Session) -> None:
    seed_state_admins(session)
    made = client.post(URL, json=MALI, headers=auth("admin")).json()
    disable = f"{URL}/{made['id']}/disable"
    assert client.post(disable, headers=auth("ner_admin")).status_code == 404
    done = client.post(disable, headers=auth("mli_admin"))
    assert done.status_code == 200 and done.json()["active"] is False
    assert done.json()["disabled_at"] is not None
    assert client.post(disable, headers=auth("mli_admin")).status_code == 409
    (entry,) = _audit(session, "report_subscription.disable")
    assert (entry.actor_name, entry.target_id) == ("mli_admin", str(made["id"]))
