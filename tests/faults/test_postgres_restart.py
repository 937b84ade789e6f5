"""PostgreSQL stopped (``pg_ctl stop -m immediate``) and started again under a bounded load
on ``liptako serve --workers 2``: every request during the outage answers promptly with 503,
``Retry-After`` and a body saying why (JSON for the API, the error page for pages), never a
500, a hang or a dropped connection; once PostgreSQL is back the service answers 200 again by
itself as soon as PostgreSQL accepts connections.

The shared server at 5432 serves the rest of the suite, so this test runs a private cluster
of its own (initdb, pg_ctl) as the ``postgres`` OS user, on a free port.
"""

from __future__ import annotations

import http.client
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from helpers.served import Server, call, free_port, rows, seed, token
from liptako.core import migrate
from liptako.core.config import Settings
from liptako.web.security import SESSION_COOKIE, make_session_cookie

PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                 key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
READERS = 4
CLIENT_TIMEOUT = 5.0  # a request that takes longer counts as a hang
RECOVERY_SECONDS = 2.0  # the load after PostgreSQL is back


def _pg_bin() -> Path:
    if not PG_BINS or not (PG_BINS[-1] / "initdb").exists() \
            or not (PG_BINS[-1] / "pg_ctl").exists():
        pytest.skip("no initdb and pg_ctl under /usr/lib/postgresql/*/bin: cannot run a "
                    "private PostgreSQL cluster to stop and start")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a postgres OS user: PostgreSQL refuses root")
    return PG_BINS[-1]


class Cluster:
    """A throw-away cluster in a temporary folder, trust auth, on 127.0.0.1:``port``."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="liptako-pg-"))
        self.data = self.root / "data"
        if os.geteuid() == 0:  # the folder the postgres user writes in
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C")

    def _run(self, tool: str, *args: str) -> None:
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*user, str(self.bin / tool), *args], capture_output=True,
                              text=True, timeout=60, check=False)
        assert done.returncode == 0, f"{tool}: {done.stdout}{done.stderr}"

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off -c synchronous_commit=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m",
                        "immediate", "stop"], capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    made = Cluster(_pg_bin())
    try:
        made.start()
        yield made
    finally:
        made.remove()


@dataclass
class Outcome:
    started: float
    ended: float
    path: str
    status: int  # 0: no answer (a dropped connection, a timeout)
    headers: dict[str, str]
    body: Any
    error: str = ""


def _fetch(base: str, path: str, bearer: str, cookie: str) -> Outcome:
    started = time.monotonic()
    try:
        if path.startswith("/api/"):
            answer = call(base, "GET", path, token=bearer, timeout=CLIENT_TIMEOUT)
        else:
            answer = _page(base, path, cookie)
        return Outcome(started, time.monotonic(), path, answer.status, answer.headers,
                       answer.body)
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(started, time.monotonic(), path, 0, {}, None, repr(exc))


def _page(base: str, path: str, cookie: str) -> Any:
    connection = http.client.HTTPConnection(base.removeprefix("http://"),
                                            timeout=CLIENT_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Cookie": f"{SESSION_COOKIE}={cookie}",
                                                 "Accept-Language": "en"})
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        return SimpleNamespace(status=response.status, body=body,
                               headers={k.lower(): v for k, v in response.getheaders()})
    finally:
        connection.close()


def _load(base: str, bearer: str, cookie: str, stop: threading.Event,
          outcomes: list[Outcome]) -> list[threading.Thread]:
    """READERS threads reading an API list and a page in turn until ``stop``, bounded."""
    paths = ["/api/v1/incidents?limit=5", "/", "/api/v1/incidents?limit=5"]

    def read(n: int) -> None:
        for i in range(2000):
            if stop.is_set():
                return
            outcomes.append(_fetch(base, paths[(n + i) % len(paths)], bearer, cookie))
            time.sleep(0.02)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    return threads


def _wait_for(outcomes: list[Outcome], since: float, count: int) -> None:
    """Until ``count`` requests begun after ``since`` have ended (30 s at most)."""
    deadline = time.monotonic() + 30
    while sum(o.started > since for o in list(outcomes)) < count:
        assert time.monotonic() < deadline, f"fewer than {count} answers in 30 s"
        time.sleep(0.05)


def _quiet_restart(cluster: Cluster, base: str, bearer: str) -> list[int]:
    """PostgreSQL restarted while no request came: the statuses of the requests after it.
    Every pooled connection of the server is then cut without the server knowing; tested
    before use, each is replaced instead of failing the request that drew it."""
    path = "/api/v1/incidents?limit=5"
    for _ in range(4 * READERS):  # connections in both workers' pools
        call(base, "GET", path, token=bearer, timeout=CLIENT_TIMEOUT)
    cluster.stop("immediate")
    cluster.start()
    return [call(base, "GET", path, token=bearer, timeout=CLIENT_TIMEOUT).status
            for _ in range(4 * READERS)]


def _prepare(cluster: Cluster) -> str:
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE liptako"))
    admin.dispose()
    url = cluster.url("liptako")
    migrate.upgrade(Settings(env="test", database_url=url))
    seed(url)
    return url


def _session_cookie(url: str) -> str:
    """A signed-in session of bfa_analyst, as the login page would set it (the server runs
    with the development secret)."""
    uid, epoch = rows(url, "SELECT id, session_epoch FROM user_account "
                      "WHERE username = 'bfa_analyst'")[0]
    user: Any = SimpleNamespace(id=uid, session_epoch=epoch)
    return make_session_cookie(Settings(env="dev"), user)[0]


def _refusal_faults(outcome: Outcome) -> list[str]:
    """What is wrong with an answer given while the database is down."""
    where = f"{outcome.path} ({outcome.error or outcome.status})"
    if outcome.status != 503:
        return [f"{where}: expected 503"]
    faults = [] if outcome.headers.get("retry-after", "").isdigit() else [
        f"{where}: no Retry-After"]
    if outcome.path.startswith("/api/"):
        if not (isinstance(outcome.body, dict)
                and outcome.body.get("code") == "database_unavailable"):
            faults.append(f"{where}: expected a JSON body with code database_unavailable, "
                          f"got {outcome.body!r:.200}")
    elif "Service unavailable" not in str(outcome.body):
        faults.append(f"{where}: expected the error page, got {outcome.body!r:.200}")
    return faults


def test_postgres_restarted_under_load_fails_cleanly_and_recovers(
    cluster: Cluster, tmp_path: Path
) -> None:
    url = _prepare(cluster)
    server = Server(url, tmp_path / "serve.log", workers=2,
                    LIPTAKO_DB_CONNECT_TIMEOUT_SECONDS="2").wait_ready(90)
    stop = threading.Event()
    outcomes: list[Outcome] = []
    threads: list[threading.Thread] = []
    try:
        bearer, cookie = token(server.base), _session_cookie(url)
        threads = _load(server.base, bearer, cookie, stop, outcomes)
        _wait_for(outcomes, 0, 2 * READERS)
        down_from = time.monotonic()
        cluster.stop("immediate")
        down = time.monotonic()
        _wait_for(outcomes, down, 2 * READERS)
        up_from = time.monotonic()
        cluster.start()
        up = time.monotonic()
        time.sleep(RECOVERY_SECONDS)
        _wait_for(outcomes, up, 2 * READERS)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        quiet = _quiet_restart(cluster, server.base, bearer)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        server.stop()
    assert quiet == [200] * len(quiet), server.tail()

    timeline = f"down at {down - down_from:.2f}s, up from {up_from - down_from:.2f}s to " \
               f"{up - down_from:.2f}s after the stop began"
    assert [(o.path, o.status, o.error, round(o.started - down_from, 2),
             round(o.ended - down_from, 2)) for o in outcomes
            if o.status not in (200, 503)] == [], f"{timeline}\n{server.tail()}"
    before = [o for o in outcomes if o.ended < down_from]
    during = [o for o in outcomes if o.started > down and o.ended < up_from]
    assert before and during
    assert [o for o in before if o.status != 200] == []
    assert [f for o in during for f in _refusal_faults(o)] == [], server.tail()
    assert [f for o in outcomes if o.status == 503 for f in _refusal_faults(o)] == []
    # back by itself at once: every request begun once PostgreSQL accepts connections again
    # is answered (the pool tests each connection it hands out and replaces those the
    # restart cut, rather than failing a request on each)
    after = [o for o in outcomes if o.started > up]
    assert after and [(o.path, o.status, round(o.started - up, 2)) for o in after
                      if o.status != 200] == [], server.tail()
