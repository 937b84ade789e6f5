"""A real ``liptako serve`` for the fault tests: started in a process group of its own (so
that SIGKILL reaches its uvicorn workers and its alert worker too), plain HTTP calls to it
with short timeouts, the seeded cast's token, and the database's own account of what it holds.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from typer.testing import CliRunner, Result

from factories.auth import PASSWORD, seed_cast
from liptako.core.db import make_engine, make_session_factory, transaction

# the command, as the interpreter running the tests runs it (the sources first on its path)
LIPTAKO = [sys.executable, "-m", "liptako"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


def call(base: str, method: str, path: str, *, token: str | None = None,
         body: dict[str, Any] | None = None, form: dict[str, str] | None = None,
         timeout: float = 10) -> Answer:
    """One request; an HTTP error is an answer, a dropped connection or a timeout raises."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw, status, got = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        raw, status, got = exc.read(), exc.code, dict(exc.headers)
    try:
        parsed: Any = json.loads(raw)
    except ValueError:
        parsed = raw.decode(errors="replace")
    return Answer(status, {k.lower(): v for k, v in got.items()}, parsed)


def seed(url: str) -> None:
    """The seeded cast (tests/factories/auth.py) in a committed transaction."""
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            seed_cast(session)
    finally:
        engine.dispose()


def token(base: str, username: str = "bfa_analyst") -> str:
    answer = call(base, "POST", "/api/v1/auth/token",
                  form={"username": username, "password": PASSWORD})
    assert answer.status == 200, answer
    return str(answer.body["access_token"])


class Server:
    """``liptako serve`` on a free port of 127.0.0.1, its output in ``log``."""

    def __init__(self, url: str, log: Path, *, workers: int = 1, outbox_worker: bool = False,
                 **settings: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "LIPTAKO_DATABASE_URL": url, "LIPTAKO_ENV": "dev",
               "LIPTAKO_ACCESS_LOG": "false", **settings}
        with log.open("a") as out:
            self.proc = subprocess.Popen(
                [*LIPTAKO, "serve", "--port", str(self.port), "--workers", str(workers),
                 "--outbox-worker" if outbox_worker else "--no-outbox-worker"],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, seconds: float = 30) -> Server:
        deadline = time.monotonic() + seconds
        while True:
            assert self.proc.poll() is None, self.tail()
            assert time.monotonic() < deadline, f"no answer within {seconds} s\n{self.tail()}"
            try:
                call(self.base, "GET", "/api/v1/health", timeout=2)
                return self
            except OSError:
                time.sleep(0.1)

    def tail(self) -> str:
        return self.log.read_text()[-3000:]

    def kill(self) -> None:
        """SIGKILL to the whole group: the supervisor, its workers, the alert worker."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):  # anything of the group left behind
            os.killpg(self.proc.pid, signal.SIGKILL)


def command(url: str, *args: str) -> Result:
    """``liptako ARGS`` on ``url``, run in this process (what a subprocess would run, without
    its start-up)."""
    from liptako.cli.main import app

    return CliRunner().invoke(app, list(args), env={"LIPTAKO_DATABASE_URL": url})


def assert_audit_verifies(url: str) -> None:
    verified = command(url, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert "audit chain intact" in verified.output


def scalar(url: str, sql: str, **params: Any) -> Any:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def rows(url: str, sql: str, **params: Any) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params))
    finally:
        engine.dispose()


# incidents stored without what recording one writes in the same transaction: its actors,
# its determination under the pact, its audit entry (a national report's ``incident.create``;
# an import's batch entry is checked by the import's test)
HALF_WRITTEN = """
SELECT i.id FROM incident i
WHERE NOT EXISTS (SELECT 1 FROM incident_actor x WHERE x.incident_id = i.id)
   OR NOT EXISTS (SELECT 1 FROM determination d WHERE d.incident_id = i.id)
   OR (i.source = 'national' AND NOT EXISTS (
        SELECT 1 FROM audit_entry a WHERE a.action = 'incident.create'
        AND a.target_id = CAST(i.id AS VARCHAR(64))))
ORDER BY i.id
"""


def half_written(url: str) -> list[int]:
    return [row[0] for row in rows(url, HALF_WRITTEN)]
