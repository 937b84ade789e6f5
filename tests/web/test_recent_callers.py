"""The per-process memory of callers on the hot paths: what it keeps, and for how long."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.users import PASSWORD
from liptako.auth.models import User
from liptako.auth.recent import RecentCallers, UserFacts
from liptako.auth.tokens import AccessClaims
from liptako.core.config import Settings
from liptako.web.app import create_app
from liptako.web.deps import get_session


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _facts(user_id: int = 7) -> UserFacts:
    return UserFacts(user_id, "a", "BFA", ("analyst",), "fr", None)


def test_an_account_is_remembered_for_its_seconds_only() -> None:
    clock = Clock()
    recent = RecentCallers(user_seconds=5, clock=clock)
    recent.remember_user(_facts())
    clock.now += 4.9
    assert recent.user(7) == _facts()
    clock.now += 0.2
    assert recent.user(7) is None


def test_zero_seconds_remembers_no_account() -> None:
    recent = RecentCallers(user_seconds=0)
    recent.remember_user(_facts())
    assert recent.user(7) is None


def test_memories_stay_bounded() -> None:
    recent = RecentCallers(user_seconds=60, max_entries=3)
    claims = AccessClaims(1, dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    for i in range(10):
        recent.remember_claims(f"token-{i}", claims)
        recent.remember_user(_facts(i))
    assert recent.claims("token-0") is None and recent.claims("token-9") == claims
    assert sum(recent.user(i) is not None for i in range(10)) <= 3


def _app(settings: Settings, session: Session, seconds: float) -> TestClient:
    app = create_app(settings.model_copy(update={"auth_cache_seconds": seconds}))

    def test_session():  # type: ignore[no-untyped-def]
        yield session
        session.flush()

    app.dependency_overrides[get_session] = test_session
    return TestClient(app)


@pytest.mark.parametrize("seconds", [0.0, 60.0])
def test_a_deactivated_account_is_refused_once_forgotten(
        settings: Settings, session: Session, cast: dict[str, User], seconds: float) -> None:
    with _app(settings, session, seconds) as client:
        token = client.post("/api/v1/auth/token", data={"username": "bfa_analyst",
                                                        "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        assert client.get("/api/v1/incidents", headers=headers).status_code == 200
        cast["bfa_analyst"].is_active = False
        session.flush()
        listed = client.get("/api/v1/incidents", headers=headers).status_code
        # remembered: the hot path answers until the memory lapses; other routes read afresh
        assert listed == (401 if seconds == 0 else 200)
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
        client.app.state.recent_callers.forget_user(cast["bfa_analyst"].id)  # type: ignore[attr-defined]
        assert client.get("/api/v1/incidents", headers=headers).status_code == 401
