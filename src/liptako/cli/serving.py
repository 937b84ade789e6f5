"""``liptako serve``: uvicorn, with one listening socket per worker process.

With one socket shared by every worker (uvicorn's own supervisor), the kernel hands each new
connection to whichever worker accepts first, and a burst of clients lands unevenly: 53 of 64
connections on one of two workers was seen here, that worker's clients then waiting four
times as long as the other's. Each worker here binds its own socket to the same address with
``SO_REUSEPORT``, and the kernel spreads connections across the sockets by their addresses.
The parent starts the workers, starts a new one if one dies, and stops them all on SIGINT or
SIGTERM.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

APP = "liptako.web.asgi:app_factory"


def _config(host: str, port: int, access_log: bool) -> uvicorn.Config:
    return uvicorn.Config(APP, factory=True, host=host, port=port, log_level="info",
                          proxy_headers=False, access_log=access_log)


def _listening_socket(host: str, port: int, backlog: int, *,
                      shared: bool = True) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int, access_log: bool) -> None:
    config = _config(host, port, access_log)
    uvicorn.Server(config).run(sockets=[_listening_socket(host, port, config.backlog)])


def serve(host: str, port: int, *, workers: int, access_log: bool) -> None:
    """Serve until told to stop; one process, or ``workers`` with a socket each."""
    if workers == 1:
        uvicorn.run(APP, factory=True, host=host, port=port, log_level="info",
                    proxy_headers=False, access_log=access_log)
        return
    # the address is free (no other server, ours or not, listens there), else fail here
    _listening_socket(host, port, 1, shared=False).close()
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        process = context.Process(target=_worker, args=(host, port, access_log),
                                  daemon=False)
        process.start()
        return process

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous: dict[int, Any] = {s: signal.signal(s, stop)
                                for s in (signal.SIGINT, signal.SIGTERM)}
    processes = [start() for _ in range(workers)]
    try:
        while not stopping:
            for index, process in enumerate(processes):
                if not process.is_alive() and not stopping:
                    time.sleep(0.5)  # a worker that dies at once is not restarted in a tight loop
                    processes[index] = start()
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.is_alive() and process.pid is not None:
                process.terminate()
        deadline = time.monotonic() + 20
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
