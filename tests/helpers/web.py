"""The web fixtures: the app on the test's own transaction, a client, the named cast, and
bearer tokens for it (a pytest plugin, loaded by the root conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from factories.auth import PASSWORD, seed_cast
from liptako.auth.models import User
from liptako.core.config import Settings
from liptako.web.app import create_app
from liptako.web.deps import get_session

_APPS: dict[str, FastAPI] = {}


@pytest.fixture
def app(settings: Settings, session: Session) -> Iterator[FastAPI]:
    """The app on the test's own rolled-back transaction.

    One app per settings in each test process, its overrides set anew for each test: FastAPI
    works out the dependencies of an app's routes on the first request it serves (a few
    tenths of a second for this app), which a new app per test would pay every time.
    """
    application = _APPS.get(settings.model_dump_json())
    if application is None:
        application = _APPS[settings.model_dump_json()] = create_app(settings)

    def test_session() -> Iterator[Session]:
        yield session
        session.flush()

    application.dependency_overrides.clear()
    application.dependency_overrides[get_session] = test_session
    # the sessions the app opens itself (to authenticate a request refused before its
    # dependencies ran) see the test's records too: savepoints on the test's connection
    application.state.session_factory = sessionmaker(
        bind=session.bind, join_transaction_mode="create_savepoint")
    yield application
    application.dependency_overrides.clear()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def cast(session: Session) -> dict[str, User]:
    return seed_cast(session)


class Tokens:
    """Bearer headers for the cast, fetched once per test through the real login route."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.cache: dict[str, dict[str, str]] = {}

    def __call__(self, name: str) -> dict[str, str]:
        if name not in self.cache:
            response = self.client.post("/api/v1/auth/token",
                                        data={"username": name, "password": PASSWORD})
            assert response.status_code == 200, response.text
            self.cache[name] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return self.cache[name]


@pytest.fixture
def auth(client: TestClient, cast: dict[str, User]) -> Tokens:
    return Tokens(client)


def sign_in(client: TestClient, name: str) -> str:
    """Sign in through the login page as a member of the cast; the session cookie's value."""
    from liptako.web.pages.common import LOGIN_CSRF_COOKIE
    from liptako.web.security import SESSION_COOKIE

    client.cookies.clear()
    client.get("/login")
    form = {"username": name, "password": PASSWORD, "next": "/",
            "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE) or ""}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    return str(client.cookies.get(SESSION_COOKIE))
