"""``liptako serve`` on PostgreSQL: 4 workers with the default pool settings never hold more
than 4 x (pool size + max overflow) = 60 connections under a burst far larger than that, and
the app works through PgBouncer in transaction mode because it prepares no statements on the
server unless ``LIPTAKO_DB_PREPARED_STATEMENTS`` asks for them.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from factories.incidents import report
from helpers.served import call, free_port
from liptako.core import migrate
from liptako.core.config import Settings

if TYPE_CHECKING:
    from conftest import PgDatabases

LIPTAKO = str(Path(sys.executable).with_name("liptako"))
PGBOUNCER = "/usr/sbin/pgbouncer"
PASSWORD = "pool and bouncer test password"
needs_pgbouncer = pytest.mark.skipif(not Path(PGBOUNCER).exists(),
                                     reason=f"PgBouncer is not installed at {PGBOUNCER}")
Job = Callable[[], tuple[int, int]]  # -> (status expected, status got)


def _call(base: str, method: str, path: str, **kw: Any) -> tuple[int, Any]:
    answer = call(base, method, path, timeout=60, **kw)
    return answer.status, answer.body


def _fresh_database(pg_databases: PgDatabases | None, tmp_path: Path) -> str:
    """A migrated database with one BFA analyst, ``ana``."""
    if pg_databases is None:
        pytest.skip("no PostgreSQL server answers")
    url = pg_databases.create()
    migrate.upgrade(Settings(env="test", database_url=url))
    (tmp_path / "password").write_text(PASSWORD + "\n")
    subprocess.run([LIPTAKO, "users", "create", "--username", "ana", "--state", "BFA",
                    "--role", "analyst", "--password-file", str(tmp_path / "password")],
                   env={**os.environ, "LIPTAKO_DATABASE_URL": url}, check=True,
                   capture_output=True, timeout=60)
    return url


@contextmanager
def _serve(url: str, workers: int, log: Path, **settings: str) -> Iterator[str]:
    """The server's base address once it answers; stopped with SIGTERM at the end."""
    port = free_port()
    env = {**os.environ, "LIPTAKO_DATABASE_URL": url, "LIPTAKO_ENV": "dev",
           "LIPTAKO_ACCESS_LOG": "false", **settings}
    with log.open("w") as out:
        proc = subprocess.Popen([LIPTAKO, "serve", "--port", str(port), "--workers",
                                 str(workers)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, log.read_text()[-2000:]
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                try:
                    _call(base, "GET", "/api/v1/health")  # any answer: it listens
                    break
                except OSError:
                    time.sleep(0.2)
            yield base
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


def _logs(tmp_path: Path) -> str:
    """The ends of the server's and PgBouncer's logs, for failure messages."""
    return "\n".join(f"{log.name}: ...{log.read_text()[-1500:]}"
                     for log in sorted(tmp_path.glob("*.log")))


def _token(base: str, tmp_path: Path) -> str:
    status, answer = _call(base, "POST", "/api/v1/auth/token",
                           form={"username": "ana", "password": PASSWORD})
    assert status == 200, f"{status} {answer}\n{_logs(tmp_path)}"
    return str(answer["access_token"])


def _run(jobs: list[Job], threads: int) -> list[tuple[int, int]]:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda job: job(), jobs))


def _job(base: str, expected: int, method: str, path: str, **kw: Any) -> Job:
    """A request and the status it should get; 0 when the server closed the connection
    without an answer (an error raised as the request's transaction commits, once the
    handler is done), which is as much a failure as a 500."""
    def run() -> tuple[int, int]:
        try:
            return expected, _call(base, method, path, **kw)[0]
        except (http.client.RemoteDisconnected, ConnectionResetError):
            return expected, 0
    return run


def _burst(base: str, token: str, n: int) -> list[Job]:
    """Reports, list reads and health checks, in turn."""
    kinds = [_job(base, 201, "POST", "/api/v1/incidents", token=token,
                  body=report(description="burst")),
             _job(base, 200, "GET", "/api/v1/incidents?limit=50", token=token),
             _job(base, 200, "GET", "/api/v1/health")]
    return [kinds[i % 3] for i in range(n)]


# (settings, limit, floor): the limit is 4 x (pool + overflow) + 1 (the alert worker), the
# README's formula; the peak must pass the floor, or the burst did not fill the pools and the
# limit proved nothing. With the defaults the floor is the small pools' limit: on a busy
# machine the burst's threads cannot always keep 61 requests inside the database at once,
# but they always pass what 4 x (2 + 1) + 1 connections would allow.
@pytest.mark.parametrize(("settings", "limit", "floor"), [
    ({}, 61, 13),
    ({"LIPTAKO_DB_POOL_SIZE": "2", "LIPTAKO_DB_MAX_OVERFLOW": "1"}, 13, 6),
], ids=["defaults", "2+1"])
def test_four_workers_open_at_most_sixty_one_connections(
    pg_databases: PgDatabases | None, tmp_path: Path, settings: dict[str, str], limit: int,
    floor: int,
) -> None:
    url = _fresh_database(pg_databases, tmp_path)
    assert pg_databases is not None
    count = text("SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                 "AND backend_type = 'client backend'")
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        with pg_databases.admin.connect() as conn:  # on the server's own database: not counted
            while not stop.is_set():
                samples.append(conn.execute(count, {"db": make_url(url).database}).scalar_one())
                time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    with _serve(url, 4, tmp_path / "serve.log", **settings) as base:
        token = _token(base, tmp_path)
        sampler.start()
        try:
            results = _run(_burst(base, token, 300), threads=120)
        finally:
            stop.set()
            sampler.join(timeout=10)
    assert [got for want, got in results if got != want] == []
    peak = max(samples)
    assert floor < peak <= limit, f"peak {peak}, limit {limit}, floor {floor}: {samples}"


@contextmanager
def _pgbouncer(tmp_path: Path, url: str) -> Iterator[str]:
    """PgBouncer in transaction mode with 2 server connections; the URL to reach it."""
    port = free_port()
    db = make_url(url)
    version = subprocess.run([PGBOUNCER, "--version"], capture_output=True, text=True,
                             check=True).stdout.split()[1]
    (tmp_path / "users.txt").write_text(f'"{db.username}" ""\n')
    ini = tmp_path / "pgbouncer.ini"
    ini.write_text("\n".join([
        "[databases]", f"{db.database} = host={db.host} port={db.port} dbname={db.database}",
        "[pgbouncer]", "listen_addr = 127.0.0.1", f"listen_port = {port}",
        "unix_socket_dir =", "auth_type = trust", f"auth_file = {tmp_path / 'users.txt'}",
        "pool_mode = transaction", "default_pool_size = 2",
        # tracking of protocol-level prepared statements came in 1.21; 0 keeps it off
        *(["max_prepared_statements = 0"]
          if tuple(map(int, version.split(".")[:2])) >= (1, 21) else []), ""]))
    # the files are read at start, before PgBouncer drops root for -u
    user = ["-u", "postgres"] if os.geteuid() == 0 else []
    with (tmp_path / "pgbouncer.log").open("w") as out:
        proc = subprocess.Popen([PGBOUNCER, *user, str(ini)], stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 20
            while True:
                assert proc.poll() is None, (tmp_path / "pgbouncer.log").read_text()
                assert time.monotonic() < deadline, "PgBouncer did not listen within 20 s"
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield db.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


def _through_pgbouncer(tmp_path: Path, url: str, **settings: str) -> list[tuple[int, int]]:
    """40 reports, then 40 list reads and 40 reads of one incident, from 8 threads: the
    same statements many times on each pooled connection (psycopg prepares from the 6th)."""
    with _pgbouncer(tmp_path, url) as bounced, \
            _serve(bounced, 2, tmp_path / "serve.log", **settings) as base:
        token = _token(base, tmp_path)
        created = _run([_job(base, 201, "POST", "/api/v1/incidents", token=token,
                             body=report(description=f"bounced {i}")) for i in range(40)], 8)
        status, first = _call(base, "GET", "/api/v1/incidents?limit=1", token=token)
        # with prepared statements behind PgBouncer the read itself may fail: no incident
        one = first["features"][0]["id"] if status == 200 and first["features"] else 0
        reads = [_job(base, 200, "GET", path, token=token)
                 for path in ["/api/v1/incidents?limit=50", f"/api/v1/incidents/{one}"] * 40]
        return created + _run(reads, 8)


@needs_pgbouncer
def test_the_app_works_through_pgbouncer_in_transaction_mode(
    pg_databases: PgDatabases | None, tmp_path: Path
) -> None:
    url = _fresh_database(pg_databases, tmp_path)
    results = _through_pgbouncer(tmp_path, url)
    assert [got for want, got in results if got != want] == [], _logs(tmp_path)
    verified = subprocess.run([LIPTAKO, "audit", "verify"], capture_output=True, text=True,
                              env={**os.environ, "LIPTAKO_DATABASE_URL": url}, timeout=60,
                              check=False)
    assert verified.returncode == 0, verified.stderr


@needs_pgbouncer
def test_prepared_statements_break_behind_pgbouncer_when_asked_for(
    pg_databases: PgDatabases | None, tmp_path: Path
) -> None:
    """The setting is what keeps the app working: with it on, psycopg prepares a statement
    on one server connection and PgBouncer runs a later transaction on another."""
    url = _fresh_database(pg_databases, tmp_path)
    results = _through_pgbouncer(tmp_path, url, LIPTAKO_DB_PREPARED_STATEMENTS="true",
                                 LIPTAKO_DB_POOL_SIZE="2", LIPTAKO_DB_MAX_OVERFLOW="0")
    assert [got for want, got in results if got != want]
    assert 'prepared statement "_pg3_' in (tmp_path / "serve.log").read_text()

