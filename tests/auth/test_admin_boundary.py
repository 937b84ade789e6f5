"""An administrator of a member state manages only that state's accounts and tokens.

Every administrator (the secretariat's and one per member state) against every state's
accounts: creating a user elsewhere or with a role the secretariat keeps (admin, secretariat),
or revoking another state's token, is refused with 403 and leaves an audit entry; the
secretariat's administrators manage every account.
"""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories.auth import PASSWORD, STATE_ADMINS, seed_state_admins
from liptako.audit.models import AuditEntry
from liptako.auth.models import User

ADMINS = {"admin": "SEC", **STATE_ADMINS}
STATES = ("BFA", "MLI", "NER", "SEC")


def _may(admin_state: str, state: str, roles: list[str]) -> bool:
    return admin_state == "SEC" or (state == admin_state
                                    and not {"admin", "secretariat"} & set(roles))


def _refusals(session: Session, action: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == action)) or 0


def test_accounts_are_created_only_where_the_administrator_manages(
        client: TestClient, auth, session: Session, cast: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    seed_state_admins(session)
    refused = 0
    for (admin, admin_state), state, roles in itertools.product(
            ADMINS.items(), STATES, (["analyst"], ["admin"], ["secretariat"])):
        body = {"username": f"{admin}-{state}-{roles[0]}", "password": PASSWORD,
                "state": state, "roles": roles}
        got = client.post("/api/v1/users", json=body, headers=auth(admin))
        expected = 201 if _may(admin_state, state, roles) else 403
        assert got.status_code == expected, (admin, state, roles, got.text)
        refused += expected == 403
    assert refused == 3 * 4 * 3 - 3  # each state admin: its own state's analyst only
    assert _refusals(session, "user.create.refused") == refused


def test_a_state_administrator_cannot_make_a_reader_of_another_state(
        client: TestClient, auth, session: Session, cast: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    seed_state_admins(session)
    body = {"username": "planted", "password": PASSWORD, "state": "BFA", "roles": ["analyst"]}
    assert client.post("/api/v1/users", json=body, headers=auth("mli_admin")).status_code == 403
    assert session.scalar(select(User).where(User.username == "planted")) is None
    login = client.post("/api/v1/auth/token", data={"username": "planted", "password": PASSWORD})
    assert login.status_code == 401


def test_each_administrator_lists_the_accounts_it_manages(
        client: TestClient, auth, session: Session, cast: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    seed_state_admins(session)
    everyone = {u.username for u in session.scalars(select(User))}
    for admin, state in ADMINS.items():
        listed = client.get("/api/v1/users", headers=auth(admin)).json()
        names = {u["username"] for u in listed}
        assert names == everyone if state == "SEC" else {
            u.username for u in session.scalars(select(User).where(User.state == state))}


def test_another_state_s_tokens_are_not_revoked(
        client: TestClient, auth, session: Session, cast: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    seed_state_admins(session)
    holders = {"awa_mli_analyst": "MLI", "bfa_analyst": "BFA", "ner_analyst": "NER",
               "sec": "SEC"}
    refused = 0
    for (admin, admin_state), (holder, state) in itertools.product(ADMINS.items(),
                                                                   holders.items()):
        made = client.post("/api/v1/auth/api-tokens", json={"name": f"feed-{admin}"},
                           headers=auth(holder)).json()
        got = client.delete(f"/api/v1/auth/api-tokens/{made['id']}", headers=auth(admin))
        expected = 204 if _may(admin_state, state, []) else 403
        assert got.status_code == expected, (admin, holder, got.text)
        refused += expected == 403
        machine = {"Authorization": f"Bearer {made['token']}"}
        still = client.get("/api/v1/auth/me", headers=machine).status_code
        assert still == (200 if expected == 403 else 401)
    assert refused == 3 * 3
    assert _refusals(session, "api_token.revoke.refused") == refused
