"""The incident list read on the event loop (PostgreSQL) answers exactly as the thread path.

A real database with committed rows (the event-loop pool has connections of its own, so a
test's rolled-back session would be invisible to it), the app's lifespan running: the first
page of a caller comes through the worker-thread path (its account is not remembered yet),
the next ones through the pool, and an app that remembers no account serves them all through
the thread path. Every page, cursor included, must be the same bytes.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from factories.incidents import seed_markings
from factories.users import PASSWORD, seed_cast
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory
from liptako.web.app import create_app

PAGES = ["/api/v1/incidents?limit=7", "/api/v1/incidents?limit=5&bbox=-5,13,0,15",
         "/api/v1/incidents?from=2024-01-10&to=2024-02-01&tlp=AMBER,RED&limit=3"]


def _pages(client: TestClient, name: str) -> list[bytes]:
    token = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    out = []
    for path in PAGES:
        page = client.get(path, headers=headers)
        assert page.status_code == 200, page.text
        out.append(page.content)
        following = page.json().get("next")
        if following:
            out.append(client.get(f"{path}&cursor={following}", headers=headers).content)
    return out


def test_event_loop_reads_match_the_thread_path(fresh_database_url: str) -> None:
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("SQLite has no event-loop reads: every read takes the thread path")
    engine = make_engine(fresh_database_url)
    with make_session_factory(engine)() as session:
        seed_cast(session)
        seed_markings(session)
        session.commit()
    engine.dispose()
    base = Settings(env="test", database_url=fresh_database_url, secret_key="t" * 40)
    for name in ("bfa_analyst", "sec", "mli_observer"):
        with TestClient(create_app(base.model_copy(update={"auth_cache_seconds": 0}))) as plain:
            assert plain.app.state.async_reads is not None  # type: ignore[attr-defined]
            expected = _pages(plain, name)
            used = plain.app.state.async_reads.pool.get_stats().get("requests_num", 0)  # type: ignore[attr-defined]
            assert used == 0  # nothing remembered: no event-loop read
        with TestClient(create_app(base)) as fast:
            got = _pages(fast, name)
            used = fast.app.state.async_reads.pool.get_stats().get("requests_num", 0)  # type: ignore[attr-defined]
        assert got == expected
        assert used >= len(expected) - 1  # all but the first page came from the pool
    assert len(set(expected)) == len(expected)  # the pages differ: the check is not vacuous
    # text beyond ASCII (Tillabéri) passes through both paths: stored bytes sent as they are
    assert any(max(page) > 0x7F for page in expected)
