"""SQLite out of space: a report through the API is refused with 507 and a JSON body naming
the cause, an import stops with exit 1 saying so, nothing stored before is lost (the counts,
no half-written record, the audit chain verifies), and once space is freed both work again.

The disk is made full with SQLite's own ``PRAGMA max_page_count``: the database may not grow
past its present size, and a write that needs a new page fails with SQLITE_FULL ("database or
disk is full"), as on a full disk. The pragma holds per connection, so it is set on every
connection each time the pool hands it out, in this process: the app and the command run here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.pool import Pool

from factories.auth import PASSWORD
from factories.incidents import report
from helpers.data import ACLED_DYADIC, acled_rows, to_csv
from helpers.served import assert_audit_verifies, command, half_written, scalar, seed
from liptako.core import migrate
from liptako.core.config import Settings
from liptako.web.app import create_app

NO_LIMIT = 1_073_741_823  # SQLite's default maximum page count
ATTEMPTS = 40  # reports sent into a full database before it must have refused one


class Disk:
    """The size every SQLite connection of this process may grow its database to."""

    def __init__(self) -> None:
        self.pages = NO_LIMIT

    def checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute(f"PRAGMA max_page_count = {self.pages}")

    def fill(self, url: str) -> None:
        """No page more than the database holds now."""
        self.pages = int(scalar(url, "PRAGMA page_count"))

    def free(self) -> None:
        self.pages = NO_LIMIT


@pytest.fixture
def disk() -> Iterator[Disk]:
    made = Disk()
    event.listen(Pool, "checkout", made.checkout)
    try:
        yield made
    finally:
        event.remove(Pool, "checkout", made.checkout)


def _import(url: str, sample: Path) -> Any:
    return command(url, "ingest", "acled", str(sample), "--batch-size", "20")


def test_a_full_disk_refuses_writes_clearly_and_loses_nothing(disk: Disk,
                                                              tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'full.db'}"
    migrate.upgrade(Settings(env="test", database_url=url))
    seed(url)
    header, records = acled_rows(ACLED_DYADIC, 60)
    sample = tmp_path / "acled.csv"
    sample.write_text(to_csv(header, records), encoding="utf-8")
    settings = Settings(env="test", database_url=url, secret_key="t" * 40)
    with TestClient(create_app(settings)) as client:
        answer = client.post("/api/v1/auth/token",
                             data={"username": "bfa_analyst", "password": PASSWORD})
        bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}

        def post(description: str) -> Any:
            return client.post("/api/v1/incidents", headers=bearer,
                               json=report(description=description))

        assert [post(f"before {i}").status_code for i in range(3)] == [201] * 3
        disk.fill(url)
        answers = [post(f"full {i}") for i in range(ATTEMPTS)]
        refused = [a for a in answers if a.status_code != 201]
        assert refused, f"{ATTEMPTS} reports fitted in a full database"
        assert {a.status_code for a in refused} == {507}
        assert refused[0].json()["code"] == "storage_full"
        assert "storage is full" in refused[0].json()["detail"]
        stored = 3 + len(answers) - len(refused)
        assert scalar(url, "SELECT count(*) FROM incident") == stored

        imported = _import(url, sample)
        assert imported.exit_code == 1, imported.output
        assert "the database's storage is full" in imported.output
        assert "database or disk is full" in imported.output
        assert scalar(url, "SELECT count(*) FROM incident WHERE source = 'national'") == stored
        imported_before = scalar(url, "SELECT count(*) FROM incident WHERE source = 'acled'")
        assert imported_before % 20 == 0  # whole batches, if any fitted
        assert half_written(url) == []
        assert_audit_verifies(url)

        disk.free()
        assert post("after").status_code == 201
    again = _import(url, sample)
    assert again.exit_code == 0, again.output
    assert f"inserted {60 - imported_before}" in again.output
    assert scalar(url, "SELECT count(*) FROM incident") == stored + 1 + 60
    assert half_written(url) == []
    assert_audit_verifies(url)
