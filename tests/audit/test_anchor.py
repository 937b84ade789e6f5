"""The chain's tail cannot be cut silently (issue 17, point 5).

The head row only moves forward and is never deleted, whoever connects; an insider who drops
the triggers, deletes the last entries and moves the head back leaves a chain that verifies
on its own, but no longer reaches an anchor kept outside the database (`liptako audit
anchor`, and the one each server writes to its log every LIPTAKO_AUDIT_ANCHOR_HOURS).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from factories.audit import record_entries
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory
from liptako.web.app import create_app

LIPTAKO = str(Path(sys.executable).with_name("liptako"))


@pytest.mark.parametrize("change", ["UPDATE audit_head SET seq = seq - 1 WHERE id = 1",
                                    "DELETE FROM audit_head"])
def test_the_head_only_moves_forward(session: Session, change: str) -> None:
    record_entries(session, 2)
    with pytest.raises(DBAPIError, match="audit_head only moves forward"), \
            session.begin_nested():
        session.execute(text(change))


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LIPTAKO, "audit", *args], capture_output=True, text=True,
                          env={**os.environ, "LIPTAKO_DATABASE_URL": url}, timeout=60,
                          check=False)


def _cut_the_tail(engine: Engine, keep: int) -> None:
    """What a database superuser can do: drop the guards, delete the last entries, move the
    head back to the new last entry."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
            conn.execute(text("ALTER TABLE audit_head DISABLE TRIGGER USER"))
        else:
            for name in ("audit_entry_no_delete", "audit_head_forward_only"):
                conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text("DELETE FROM audit_entry WHERE seq > :k"), {"k": keep})
        conn.execute(text("UPDATE audit_head SET seq = :k, hash = (SELECT hash FROM "
                          "audit_entry WHERE seq = :k) WHERE id = 1"), {"k": keep})


def test_a_cut_tail_no_longer_reaches_the_anchor(fresh_database_url: str,
                                                 tmp_path: Path) -> None:
    engine = make_engine(fresh_database_url)
    with make_session_factory(engine)() as session:
        record_entries(session, 5)
        session.commit()
    printed = _cli(fresh_database_url, "anchor")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout)["seq"] == 5
    (tmp_path / "anchor.json").write_text(printed.stdout)
    ok = _cli(fresh_database_url, "verify", "--anchor", str(tmp_path / "anchor.json"))
    assert ok.returncode == 0 and "reaching the anchor at entry 5" in ok.stdout
    _cut_the_tail(engine, keep=3)
    engine.dispose()
    assert _cli(fresh_database_url, "verify").returncode == 0  # whole, on its own
    cut = _cli(fresh_database_url, "verify", "--anchor", str(tmp_path / "anchor.json"))
    assert cut.returncode == 1 and "anchored entry 5 is gone" in cut.stderr
    (tmp_path / "bad.json").write_text('{"seq": "five"}')
    assert _cli(fresh_database_url, "verify", "--anchor", str(tmp_path / "bad.json")
                ).returncode == 2


def test_each_server_writes_the_anchor_to_its_log(fresh_database_url: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(env="test", database_url=fresh_database_url, secret_key="t" * 40,
                        audit_anchor_hours=0.0002)  # every 0.72 s
    with caplog.at_level(logging.INFO, logger="liptako.audit"), \
            TestClient(create_app(settings)):
        deadline = time.monotonic() + 20
        while not [r for r in caplog.records if r.getMessage().startswith("audit anchor")]:
            assert time.monotonic() < deadline, "no anchor was logged"
            time.sleep(0.1)
    logged = next(r.getMessage() for r in caplog.records
                  if r.getMessage().startswith("audit anchor"))
    assert json.loads(logged.removeprefix("audit anchor ")) == {"seq": 0, "hash": "0" * 64}
