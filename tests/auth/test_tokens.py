"""A token signed with the system's key but with a missing or malformed ``sub`` or ``exp`` is
refused with 401, never a server error (issue 17, point 7)."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from liptako.auth.models import User
from liptako.auth.tokens import ALGORITHM, AUDIENCE
from liptako.core.config import Settings

LATER = int(time.time()) + 600
CLAIMS: dict[str, dict[str, Any]] = {
    "no sub": {"exp": LATER},
    "sub not a number": {"sub": "sec", "exp": LATER},
    "sub past the id range": {"sub": str(2**63), "exp": LATER},
    "sub a list": {"sub": ["1"], "exp": LATER},
    "no exp": {"sub": "1"},
    "exp not a number": {"sub": "1", "exp": "soon"},
    "exp past any date": {"sub": "1", "exp": 10**20},
}


@pytest.mark.parametrize("case", list(CLAIMS))
def test_a_signed_token_with_bad_claims_is_401(case: str, client: TestClient,
                                               settings: Settings,
                                               cast: dict[str, User]) -> None:
    token = jwt.encode({"aud": AUDIENCE, **CLAIMS[case]}, settings.secret_key,
                       algorithm=ALGORITHM)
    with TestClient(client.app, raise_server_exceptions=False) as plain:
        for path in ("/api/v1/auth/me", "/api/v1/incidents?limit=1"):
            got = plain.get(path, headers={"Authorization": f"Bearer {token}"})
            assert got.status_code == 401, (case, path, got.text)
