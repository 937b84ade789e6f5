"""The web fixtures (app on the test's transaction, client, bearer tokens for the cast) for the
assistance API tests, taken from tests/web so both stay one definition."""

from __future__ import annotations

from web.conftest import app, auth, cast, client

__all__ = ["app", "auth", "cast", "client"]
