"""``liptako serve --workers N``: connections dealt to the workers in turn, a clean stop."""

from __future__ import annotations

import itertools
import os
import re
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


def _established_by_pid(port: int, pids: list[int]) -> dict[int, int]:
    """Server-side connections on ``port`` held by each process (from /proc)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":
            inodes.add(fields[9])
    counts = {}
    for pid in pids:
        held = 0
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            held += target.startswith("socket:[") and target[8:-1] in inodes
        counts[pid] = held
    return counts


def _holder(port: int, client: socket.socket, pids: list[int]) -> int | None:
    """The process holding the server side of ``client``'s connection to ``port``."""
    client_port = client.getsockname()[1]
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if (int(fields[1].split(":")[1], 16) == port
                and int(fields[2].split(":")[1], 16) == client_port):
            inode = fields[9]
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


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
    access = (tmp_path / "access.log").open("w")
    proc = subprocess.Popen([LIPTAKO, "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=access, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    clients: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 2 or len(clients) < 32:
            assert time.monotonic() < deadline, "the workers did not all answer within 60 s"
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=60)
            except OSError:
                time.sleep(0.2)
                continue
            if b" 200 " in _get(conn):
                clients.append(conn)
            else:
                conn.close()
        workers = _children(proc.pid)
        assert len(workers) == 2
        time.sleep(0.3)
        held = _established_by_pid(port, workers)
        assert sum(held.values()) >= len(clients) - 2
        # the parent deals connections in turn: each worker holds half of them, and
        # connections opened one after the other go to one worker, then the other
        assert max(held.values()) - min(held.values()) <= 2, held
        holders = [_holder(port, conn, workers) for conn in clients[-12:]]
        assert None not in holders and all(
            a != b for a, b in itertools.pairwise(holders)), holders
        for conn in clients:  # every connection is served, whichever worker holds it
            assert b" 200 " in _get(conn)
    finally:
        for conn in clients:
            conn.close()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        access.close()
    assert proc.returncode == 0
    # each request's access line, written by either worker: UTC time, client, request, status
    lines = (tmp_path / "access.log").read_text().splitlines()
    line = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 127\.0\.0\.1:\d+ '
                      r'"GET /api/v1/health HTTP/1\.1" 200')
    assert sum(bool(line.fullmatch(x)) for x in lines) >= 2 * len(clients), lines[:3]
    assert not [p for p in workers if Path(f"/proc/{p}").exists()
                and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2]]


def test_a_busy_address_fails_at_once(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = {**os.environ, "LIPTAKO_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
        done = subprocess.run([LIPTAKO, "serve", "--port", str(port), "--workers", "2"],
                              env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "in use" in done.stderr
