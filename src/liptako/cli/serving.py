"""``liptako serve``: uvicorn, with connections dealt to the worker processes in turn.

How connections are spread decides how long clients wait: each worker gets the same share of
the processor, so one holding more connections answers each more slowly. With one socket
shared by every worker (uvicorn's own supervisor) the kernel hands a new connection to
whichever worker accepts first, and a burst of clients lands unevenly (53 of 64 connections
on one of two workers was seen here). With a socket per worker (``SO_REUSEPORT``) the kernel
spreads them by a hash of their addresses: at random, 41 against 23 was seen. Here the parent
process accepts every connection and deals it to the workers in turn, passing the socket
over a Unix channel (``SCM_RIGHTS``), so that a pool of keep-alive connections, a proxy's or
a load generator's, divides evenly. The parent starts the workers, starts a new one (with a
new channel) if one dies, and stops them all on SIGINT or SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime as dt
import logging
import multiprocessing
import signal
import socket
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn
import uvicorn.config

APP = "liptako.web.asgi:app_factory"


class AccessLine(logging.Formatter):
    """One access-log line per request: the time (UTC), the client, the request line and the
    status, as ``2026-12-02T08:15:02.301+00:00 127.0.0.1:50312 "GET /api/v1/health HTTP/1.1"
    200``.

    uvicorn's own formatter copies every record and looks its status's phrase up (with
    colours on a terminal): 12 µs a line against 6 here, with the lean records below
    (measured; under load the access log took 6 % of a worker's CPU on queries).
    """

    def format(self, record: logging.LogRecord) -> str:
        args = record.args
        if not isinstance(args, tuple) or len(args) != 5:  # not uvicorn's request line
            return super().format(record)
        client, method, path, version, status = args
        at = dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
        return f'{at} {client} "{method} {path} HTTP/{version}" {status}'


def _log_config() -> dict[str, Any]:
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["access"] = {"()": f"{__name__}.AccessLine"}
    return config


def _lean_records() -> None:
    """Log records without the facts no line of ours prints (the logging HOWTO's
    'Optimization'): the calling frame, thread and process names are looked up for every
    record, the access log's included."""
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False


def _config(host: str, port: int, access_log: bool) -> uvicorn.Config:
    _lean_records()
    return uvicorn.Config(APP, factory=True, host=host, port=port, log_level="info",
                          proxy_headers=False, access_log=access_log, log_config=_log_config())


def _listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


class _DealtServer(uvicorn.Server):
    """A worker's uvicorn serving the connections its parent passes it over ``channel``."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self.channel = channel

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the app's lifespan; no listening socket
        loop = asyncio.get_running_loop()
        config = self.config

        def protocol() -> asyncio.Protocol:  # what uvicorn's own listener builds per connection
            made: asyncio.Protocol = config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state,
                _loop=loop)
            return made

        self.channel.setblocking(False)
        loop.add_reader(self.channel.fileno(), self._receive, loop, protocol)

    def _receive(self, loop: asyncio.AbstractEventLoop,
                 protocol: Callable[[], asyncio.Protocol]) -> None:
        while True:
            try:
                message, fds, _flags, _address = socket.recv_fds(self.channel, 16, 16)
            except BlockingIOError:
                return
            if not message and not fds:  # the parent is gone: stop as on SIGTERM
                loop.remove_reader(self.channel.fileno())
                self.should_exit = True
                return
            for fd in fds:
                conn = socket.socket(fileno=fd)
                conn.setblocking(False)
                loop.create_task(loop.connect_accepted_socket(protocol, conn))

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        with contextlib.suppress(ValueError, OSError):
            asyncio.get_running_loop().remove_reader(self.channel.fileno())
        await super().shutdown(sockets)


def _worker(host: str, port: int, access_log: bool, channel: socket.socket) -> None:
    _DealtServer(_config(host, port, access_log), channel).run()


def _deal(listener: socket.socket, channels: list[socket.socket | None],
          stopping: threading.Event) -> None:
    """Accept each connection and pass it to the next worker in turn (one that is gone is
    skipped); the parent keeps no copy."""
    turn = 0
    while not stopping.is_set():
        try:
            conn, _address = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            if stopping.is_set():
                return
            time.sleep(0.05)  # out of descriptors, say: try again shortly
            continue
        with conn:
            for _ in range(len(channels)):
                channel = channels[turn % len(channels)]
                turn += 1
                if channel is None:
                    continue
                try:
                    socket.send_fds(channel, [b"c"], [conn.fileno()])
                    break
                except OSError:  # that worker is gone; its replacement gets a new channel
                    continue


def serve(host: str, port: int, *, workers: int, access_log: bool) -> None:
    """Serve until told to stop; one process, or ``workers`` dealt connections in turn."""
    if workers == 1:
        uvicorn.Server(_config(host, port, access_log)).run()
        return
    # the parent listens (the address is free, ours or not, else this fails here) and deals
    listener = _listening_socket(host, port, 2048)
    listener.settimeout(0.5)
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()
    channels: list[socket.socket | None] = [None] * workers

    def start(index: int) -> BaseProcess:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        process = context.Process(target=_worker, args=(host, port, access_log, theirs),
                                  daemon=False)
        process.start()
        theirs.close()
        old, channels[index] = channels[index], ours
        if old is not None:
            old.close()
        return process

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    previous: dict[int, Any] = {s: signal.signal(s, stop)
                                for s in (signal.SIGINT, signal.SIGTERM)}
    processes = [start(index) for index in range(workers)]
    dealer = threading.Thread(target=_deal, args=(listener, channels, stopping),
                              name="liptako-deal", daemon=True)
    dealer.start()
    try:
        while not stopping.is_set():
            for index, process in enumerate(processes):
                if not process.is_alive() and not stopping.is_set():
                    time.sleep(0.5)  # a worker that dies at once is not restarted in a tight loop
                    processes[index] = start(index)
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
        dealer.join(timeout=2)
        listener.close()
        for channel in channels:
            if channel is not None:
                channel.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
