"""`bench/load.py` in short: 4 users for 5 s against one worker on a database of its own,
so that the load scenario (map, incidents, report, assistance steps, TAXII) cannot rot."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from conftest import REPO_ROOT

if TYPE_CHECKING:
    from conftest import PgDatabases


def test_the_load_scenario_runs_without_error_and_loses_no_write(
    pg_databases: PgDatabases | None,
) -> None:
    if pg_databases is None:
        pytest.skip("no PostgreSQL server answers")
    server = pg_databases.server.render_as_string(hide_password=False)
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "load.py"), "--users", "4", "--seconds", "5",
         "--workers", "1", "--no-sample", "--baseline-seconds", "0", "--server-url", server],
        capture_output=True, text=True, timeout=300, check=False, env=os.environ.copy())
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    summary = re.search(r"load: (\d+) requests, .* (\d+) errors, audit chain intact, "
                        r"(\d+)/(\d+) acknowledged writes present: ok", out)
    assert summary is not None, out
    requests, errors, present, acknowledged = map(int, summary.groups())
    assert errors == 0 and requests > 0
    # the three attacks, and at least one request filed through the assistance steps
    assert present == acknowledged > 3, out
    for group in ("map", "incident", "report", "assistance", "taxii"):
        assert re.search(rf"^{group}\s+[1-9]\d*\s", out, re.MULTILINE), f"no {group}: {out}"
    name = re.search(r"database (liptako_load_\w+) ready", out)
    assert name is not None, out
    with pg_databases.admin.connect() as conn:  # dropped at the end
        assert conn.scalar(text("SELECT count(*) FROM pg_database WHERE datname = :n"),
                           {"n": name.group(1)}) == 0
