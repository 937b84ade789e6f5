"""Administrators disable, enable and reset the accounts they manage, by the API, the
accounts page and (a forgotten password on the server) the CLI; never another state's."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories.auth import PASSWORD, STATE_ADMINS, seed_state_admins
from helpers.web import sign_in
from liptako.audit.models import AuditEntry
from liptako.auth.models import User
from liptako.web.security import SESSION_COOKIE, read_session_cookie

ADMINS = {"admin": "SEC", **STATE_ADMINS}


def _count(session: Session, action: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == action)) or 0


def _login(client: TestClient, username: str, password: str) -> int:
    return client.post("/api/v1/auth/token",
                       data={"username": username, "password": password}).status_code


def test_every_administrator_manages_only_the_accounts_of_its_state(
        client: TestClient, auth, session: Session, cast: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    seed_state_admins(session)
    refused = 0
    for (admin, admin_state), target in itertools.product(
            ADMINS.items(), ("ibrahim_bfa_liaison", "moussa_ner_liaison", "sec")):
        user = cast[target]
        may = admin_state == "SEC" or (admin_state == user.state
                                       and "secretariat" not in user.roles)
        for action in ("disable", "enable", "reset-password"):
            got = client.post(f"/api/v1/users/{user.id}/{action}", headers=auth(admin))
            assert got.status_code == (200 if may else 403), (admin, target, action, got.text)
            refused += not may
    assert refused == 3 * 6 + 3  # each state admin: the two others' liaisons and SEC
    assert sum(_count(session, f"{a}.refused")
               for a in ("user.disable", "user.enable", "user.password")) == refused
    listed = client.get("/api/v1/users", headers=auth("ner_admin")).json()
    assert {u["state"] for u in listed} == {"NER"}


def test_a_disabled_account_stops_at_once_and_a_reset_password_replaces_the_old(
        client: TestClient, auth, session: Session, cast: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    liaison = cast["amadou_mli_liaison"]
    headers = auth("amadou_mli_liaison")  # a token issued before
    assert client.post(f"/api/v1/users/{liaison.id}/disable",
                       headers=auth("admin")).json()["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert _login(client, "amadou_mli_liaison", PASSWORD) == 401
    client.post(f"/api/v1/users/{liaison.id}/enable", headers=auth("admin"))
    reset = client.post(f"/api/v1/users/{liaison.id}/reset-password", headers=auth("admin"))
    assert reset.status_code == 200 and reset.headers["cache-control"] == "no-store"
    assert _login(client, "amadou_mli_liaison", PASSWORD) == 401
    assert _login(client, "amadou_mli_liaison", reset.json()["password"]) == 200
    assert [_count(session, a) for a in ("user.disable", "user.enable", "user.password")] == [
        1, 1, 1]


def test_an_administrator_keeps_its_own_account_and_the_last_one_stays(
        client: TestClient, auth, cast: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    own = client.post(f"/api/v1/users/{cast['admin'].id}/disable", headers=auth("admin"))
    assert own.status_code == 409 and "own account" in own.json()["detail"]


def test_the_accounts_page_creates_disables_and_resets(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    seed_state_admins(session)
    sign_in(client, "ner_admin")
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert "moussa_ner_liaison" in page.text and "amadou_mli_liaison" not in page.text
    assert 'value="admin"' not in page.text  # a state's administrator cannot grant it
    csrf = _csrf(client)
    made = client.post("/admin/users", data={"csrf_token": csrf, "username": "zara",
                                             "full_name": "Zara", "state": "NER",
                                             "roles": ["analyst"]})
    assert made.status_code == 201 and made.headers["cache-control"] == "no-store"
    password = made.text.split('id="issued"')[1].split("<code>")[1].split("</code>")[0]
    assert _login(client, "zara", password) == 200
    elsewhere = client.post("/admin/users", data={"csrf_token": csrf, "username": "zed",
                                                  "state": "MLI", "roles": ["analyst"]})
    assert elsewhere.status_code == 403
    zara = session.scalars(select(User).where(User.username == "zara")).one()
    off = client.post(f"/admin/users/{zara.id}/act", follow_redirects=False,
                      data={"csrf_token": csrf, "action": "disable"})
    assert off.status_code == 303 and zara.is_active is False
    other = client.post(f"/admin/users/{cast['amadou_mli_liaison'].id}/act",
                        data={"csrf_token": csrf, "action": "reset-password"})
    assert other.status_code == 403
    sign_in(client, "ner_analyst")
    assert client.get("/admin/users").status_code == 403


def test_the_cli_resets_a_forgotten_password(fresh_database_url: str) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    liptako = str(Path(sys.executable).with_name("liptako"))
    env = {**os.environ, "LIPTAKO_DATABASE_URL": fresh_database_url}
    subprocess.run([liptako, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([liptako, "users", "create", "--username", "kadi", "--state", "SEC",
                    "--role", "admin", "--password-file", "/dev/stdin"], env=env, check=True,
                   capture_output=True, input="an old long password\n", text=True)
    done = subprocess.run([liptako, "users", "reset-password", "--username", "kadi"],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    clear = done.stdout.strip().rsplit(" ", 1)[1]
    from liptako.auth.passwords import verify_password
    from liptako.core.db import make_engine, make_session_factory

    engine = make_engine(fresh_database_url)
    with make_session_factory(engine)() as session:
        user = session.scalars(select(User).where(User.username == "kadi")).one()
        assert verify_password(user.password_hash, clear)
    engine.dispose()


def _csrf(client: TestClient) -> str:
    data = read_session_cookie(client.app.state.settings,  # type: ignore[attr-defined]
                               client.cookies.get(SESSION_COOKIE) or "")
    assert data is not None
    return str(data["csrf"])
