"""No 5xx from bad input (issue 17, point 7): schemathesis calls every operation of the OpenAPI
document through every phase with every check (but those ``helpers.fuzz.EXCLUDED_CHECKS``
names, each with its reason), as the secretariat's administrator and as Mali's liaison
officer, on seeded incidents and assistance requests.

A small budget here, seeded so that a failure comes back on the next run: 3 examples per
operation, and of the coverage phase only its invalid requests, on SQLite only (they are
refused before any database is reached; SQLite is always there). ``bench/fuzz.py`` runs the
same with 100 examples per operation and the coverage phase whole, on both databases."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from schemathesis.python.asgi import shutdown_lifespans
from sqlalchemy.orm import Session

from factories.assistance import seed_assistance
from factories.incidents import seed_markings
from helpers.fuzz import Coverage, fuzz
from liptako.auth.models import User

MAX_EXAMPLES = 3
SEED = 17


@pytest.mark.parametrize("caller", ["admin", "amadou_mli_liaison"])
def test_schemathesis_finds_no_server_error_and_no_failed_check(
        app: FastAPI, auth, cast: dict[str, User], session: Session,  # type: ignore[no-untyped-def]
        database_url: str, caller: str) -> None:
    seed_markings(session)
    seed_assistance(session, cast)
    coverage: Coverage = "negative" if database_url.startswith("sqlite") else "none"
    try:
        tally = fuzz(app, caller, auth(caller), max_examples=MAX_EXAMPLES, seed=SEED,
                     coverage=coverage)
    finally:
        shutdown_lifespans()  # the lifespan schemathesis started, while the database is there
    operations = sum(len(methods) for methods in app.openapi()["paths"].values())
    assert len(tally.operations) == operations, tally.report()
    assert tally.ok, tally.report()
