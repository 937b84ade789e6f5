"""Signing out ends the page session on the server (issue 17, point 3): a copy of the old
cookie is refused after logout, a password change or the account being disabled."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.auth import PASSWORD
from helpers.web import sign_in
from liptako.audit.service import SYSTEM
from liptako.auth import service as users
from liptako.auth.models import User
from liptako.web.security import SESSION_COOKIE


def _me(client: TestClient, cookie: str) -> int:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie)
    return client.get("/api/v1/auth/me").status_code


def test_an_old_cookie_is_refused_after_logout(client: TestClient,
                                               cast: dict[str, User]) -> None:
    cookie = sign_in(client, "bfa_analyst")
    assert _me(client, cookie) == 200
    page = client.get("/")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": csrf},
                       follow_redirects=False).status_code == 303
    assert _me(client, cookie) == 401
    again = sign_in(client, "bfa_analyst")  # a new sign-in works
    assert _me(client, again) == 200


def test_an_old_cookie_is_refused_after_a_password_change(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    cookie = sign_in(client, "ner_analyst")
    users.set_password(session, user=cast["ner_analyst"], password=PASSWORD + "!",
                       actor=SYSTEM, now=dt.datetime.now(dt.UTC))
    session.flush()
    assert _me(client, cookie) == 401


def test_an_old_cookie_is_refused_once_the_account_is_disabled(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    cookie = sign_in(client, "awa_mli_analyst")
    cast["awa_mli_analyst"].is_active = False
    session.flush()
    assert _me(client, cookie) == 401


def test_the_cli_sets_a_password(fresh_database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys
    from pathlib import Path

    from sqlalchemy import select

    from liptako.auth.passwords import verify_password
    from liptako.core.db import make_engine, make_session_factory

    liptako = str(Path(sys.executable).with_name("liptako"))
    env = {**os.environ, "LIPTAKO_DATABASE_URL": fresh_database_url}
    (tmp_path / "old").write_text("an old long password\n")
    (tmp_path / "new").write_text("a new long password\n")
    for args in (["create", "--username", "kadi", "--state", "NER", "--role", "analyst",
                  "--password-file", str(tmp_path / "old")],
                 ["set-password", "--username", "kadi", "--password-file", str(tmp_path / "new")]):
        done = subprocess.run([liptako, "users", *args], env=env, capture_output=True,
                              text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
    missing = subprocess.run([liptako, "users", "set-password", "--username", "nobody",
                              "--password-file", str(tmp_path / "new")], env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert missing.returncode == 2 and "no account 'nobody'" in missing.stderr
    engine = make_engine(fresh_database_url)
    with make_session_factory(engine)() as session:
        user = session.scalars(select(User).where(User.username == "kadi")).one()
        assert verify_password(user.password_hash, "a new long password")
        assert user.session_epoch == 1
    engine.dispose()
