"""``liptako serve --workers N``: uvicorn's own worker processes, a clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from liptako.core import migrate
from liptako.core.config import Settings

LIPTAKO = str(Path(sys.executable).with_name("liptako"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    """The worker processes (not multiprocessing's resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if (int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid
                    and b"spawn_main" in (stat.parent / "cmdline").read_bytes()):
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _get(conn: socket.socket) -> bytes:
    conn.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
    answer = b""
    while not answer.endswith(b"}"):  # the whole answer: head and its JSON body
        part = conn.recv(65536)
        if not part:
            break
        answer += part
    return answer


def test_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    migrate.upgrade(Settings(env="test", database_url=url))
    port = _free_port()
    env = {**os.environ, "LIPTAKO_DATABASE_URL": url, "LIPTAKO_ENV": "dev"}
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([LIPTAKO, "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    answered = 0
    try:
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 2 or answered < 20:
            assert time.monotonic() < deadline, "the workers did not all answer within 60 s"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
                    answered += b" 200 " in _get(conn)
            except OSError:
                time.sleep(0.2)
        workers = _children(proc.pid)
        assert len(workers) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    assert proc.returncode == 0
    # uvicorn's access log: one line per request, whichever worker served it
    lines = (tmp_path / "serve.log").read_text().splitlines()
    served = [x for x in lines if '"GET /api/v1/health HTTP/1.1" 200' in x]
    assert len(served) >= answered, lines[-5:]
    assert not [p for p in workers if Path(f"/proc/{p}").exists()
                and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2]]


def test_a_busy_address_fails_at_once(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = {**os.environ, "LIPTAKO_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
        subprocess.run([LIPTAKO, "db", "upgrade"], env=env, check=True, capture_output=True)
        done = subprocess.run([LIPTAKO, "serve", "--port", str(port), "--workers", "2"],
                              env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "in use" in done.stderr
