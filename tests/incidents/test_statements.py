"""The number of SQL statements a request runs does not grow with what it handles.

Counted on the database connection itself (SQLAlchemy's ``before_cursor_execute``): a page
of the map's list, whatever its size, and a report, however many incidents are stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from factories.incidents import event as imported_event
from factories.incidents import report, seed_events
from liptako.audit.service import SYSTEM
from liptako.core.clock import utcnow
from liptako.obligations.recording import record_batch


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_page_of_the_map_costs_the_same_statements_whatever_its_size(
        client: TestClient, auth, session, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    seed_events(session, 520)
    headers = auth("sec")
    client.get("/api/v1/incidents?limit=1", headers=headers)  # the test transaction begun
    sizes = {}
    for limit in (5, 500):
        with counted(engine) as statements:
            page = client.get(f"/api/v1/incidents?limit={limit}", headers=headers)
        assert page.status_code == 200 and len(page.json()["features"]) == limit
        assert all(f["properties"]["actors"] for f in page.json()["features"])
        sizes[limit] = len(statements)
    assert sizes[500] == sizes[5], sizes
    assert sizes[500] <= 6, sizes  # the caller, the page, its actors (and the transaction)


def test_a_report_costs_the_same_statements_however_many_incidents_are_stored(
        client: TestClient, auth, session, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    headers = auth("bfa_analyst")
    client.post("/api/v1/incidents", json=report(), headers=headers)  # warm: pacts, caches
    costs = []
    for stored in (0, 300):
        if stored:
            seed_events(session, stored)
        with counted(engine) as statements:
            made = client.post("/api/v1/incidents", json=report(), headers=headers)
        assert made.status_code == 201 and made.json()["determinations"], made.text
        costs.append(len(statements))
    assert costs[0] == costs[1], costs


def test_an_import_batch_costs_the_same_statements_whatever_its_size(
        session, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite inserts rows one by one: it cannot return the keys of a "
                    "multi-row INSERT in order")
    seed_events(session, 1)  # the transaction under way, as in a command's later batches
    costs = {}
    for first, size in ((1, 10), (11, 200)):
        records = [imported_event(i) for i in range(first, first + size)]
        with counted(engine) as statements:
            counts = record_batch(session, records, actor=SYSTEM, now=utcnow(),
                                  pact_ids=("aes-2023",))
            session.flush()  # as the command's commit does: its audit entries sealed
        assert counts.inserted == size
        costs[size] = len(statements)
    assert costs[200] == costs[10], costs
