"""The figures ``GET /metrics`` shows, in the Prometheus text format.

Two kinds. What each server process counts itself (requests by route template and status,
their latency, its database pool, its own process figures) is kept by ``prometheus_client``;
under ``liptako serve`` every process writes them to files in one folder
(``PROMETHEUS_MULTIPROC_DIR``, set by ``cli.serving`` before the workers start) and a scrape,
whichever process answers it, sums the counters of all of them and lists the gauges of each
live one with its ``pid``. What the database holds (the outbox, the last import and scan) is
read when scraped, by :class:`DatabaseFigures`, once, whatever the number of processes.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from liptako.audit import service as audit
from liptako.core import outbox
from liptako.warning import queries as warning_queries

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# seconds: from a cached page (a few ms) to a report build (tens of seconds)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# a process's own figures are read from /proc at most this often (not on every request)
PROCESS_EVERY_SECONDS = 5.0


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


@dataclass(frozen=True)
class Instruments:
    """The per-process metrics; made once per process, on first use (never at import)."""

    requests: Counter
    latency: Histogram
    pool_checked_out: Gauge
    pool_size: Gauge
    pool_overflow: Gauge
    process: dict[str, Gauge]


# the standard process_* figures, kept per process under our names so that a scrape lists
# every worker's (prometheus_client's own collector reports the scraped process only)
_PROCESS_FIGURES = {
    "process_resident_memory_bytes": "Resident memory size in bytes.",
    "process_virtual_memory_bytes": "Virtual memory size in bytes.",
    "process_cpu_seconds_total": "Total user and system CPU time spent in seconds.",
    "process_open_fds": "Number of open file descriptors.",
    "process_start_time_seconds": "Start time of the process since unix epoch in seconds.",
}


@functools.cache
def instruments() -> Instruments:
    # "liveall": each live process's value with its pid; a stopped one's are dropped
    def gauge(name: str, doc: str) -> Gauge:
        return Gauge(name, doc, multiprocess_mode="liveall")

    # no *_created series: a process's start says nothing a scraper needs, and many
    # processes' would not add up
    disable_created_metrics()  # type: ignore[no-untyped-call]
    return Instruments(
        requests=Counter("liptako_http_requests_total", "HTTP requests answered, by method, "
                         "route template and status.", ["method", "route", "status"]),
        latency=Histogram("liptako_http_request_duration_seconds", "Time to answer an HTTP "
                          "request, by method and route template.", ["method", "route"],
                          buckets=LATENCY_BUCKETS),
        pool_checked_out=gauge("liptako_db_pool_checked_out",
                               "Database connections in use by this process."),
        pool_size=gauge("liptako_db_pool_size", "Connections this process's pool keeps open."),
        pool_overflow=gauge("liptako_db_pool_overflow",
                            "Connections opened beyond the pool's size (negative: unused "
                            "places left in the pool)."),
        process={name.removeprefix("process_"): gauge(f"liptako_{name}", doc)
                 for name, doc in _PROCESS_FIGURES.items()},
    )


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    found = instruments()
    found.requests.labels(method, route, str(status)).inc()
    found.latency.labels(method, route).observe(seconds)


def observe_pool(engine: Engine) -> None:
    """This process's pool now (a pool without these figures, SQLite in memory, shows 0)."""
    pool: Any = engine.pool
    found = instruments()
    for gauge, figure in ((found.pool_checked_out, "checkedout"), (found.pool_size, "size"),
                          (found.pool_overflow, "overflow")):
        read = getattr(pool, figure, None)
        gauge.set(read() if callable(read) else 0)


_process_read_at = [0.0]


def observe_process(*, force: bool = False) -> None:
    """This process's memory, CPU, descriptors and start, at most every few seconds."""
    now = time.monotonic()
    if not force and now - _process_read_at[0] < PROCESS_EVERY_SECONDS:
        return
    _process_read_at[0] = now
    gauges = instruments().process
    for family in ProcessCollector(registry=None).collect():
        for sample in family.samples:
            key = sample.name.removeprefix("process_")
            if key in gauges:
                gauges[key].set(sample.value)


def forget_process(pid: int) -> None:
    """Drop a stopped process's gauges (its counters stay in the sums)."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def _forget_gone_processes(folder: str) -> None:
    """A worker killed without stopping cleanly left its gauges behind: drop them."""
    for path in Path(folder).glob("gauge_live*_*.db"):
        found = re.search(r"_(\d+)\.db$", path.name)
        if found and not _alive(int(found.group(1))):
            multiprocess.mark_process_dead(int(found.group(1)), folder)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DatabaseFigures(Collector):
    """The figures read from the database at scrape time: the outbox's depth by status and
    the age of its oldest pending message, the last import of each source, the last scan,
    and whether the database answered at all."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("liptako_database_up",
                               "1 when the database answered this scrape's queries.")
        try:
            with self.factory() as session:
                families = list(_database_families(session, dt.datetime.now(dt.UTC)))
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


def _database_families(session: Session, now: dt.datetime) -> Iterator[GaugeMetricFamily]:
    found = outbox.backlog(session)
    depth = GaugeMetricFamily("liptako_outbox_messages",
                              "Outbox rows by kind (message: deliveries; job: the worker's "
                              "jobs) and status.", labels=["kind", "status"])
    for (kind, status), count in sorted(found.by_status.items()):
        depth.add_metric([kind, status], count)
    yield depth
    age = GaugeMetricFamily(
        "liptako_outbox_oldest_pending_age_seconds",
        "Age of the oldest row of each kind still waiting (0: none waits).", labels=["kind"])
    for kind in ("message", "job"):
        oldest = found.oldest_pending_at.get(kind)
        age.add_metric([kind], 0 if oldest is None else max(0.0, (now - oldest).total_seconds()))
    yield age
    imports = GaugeMetricFamily("liptako_last_import_timestamp_seconds",
                                "When events of each source were last imported (unix time).",
                                labels=["source"])
    for source, at in sorted(audit.last_recorded(session, "incident.import").items()):
        imports.add_metric([source], at.timestamp())
    yield imports
    scanned = warning_queries.last_scan_at(session)
    if scanned is not None:
        yield GaugeMetricFamily("liptako_last_scan_timestamp_seconds",
                                "When the last hotspot scan ran (unix time).",
                                value=scanned.timestamp())


def exposition(factory: sessionmaker[Session], engine: Engine) -> bytes:
    """The whole scrape: every process's figures, then the database's."""
    observe_pool(engine)
    observe_process(force=True)
    registry = CollectorRegistry()
    folder = multiprocess_dir()
    if folder:
        _forget_gone_processes(folder)
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:  # one process: its own metrics, kept by prometheus_client's default registry
        instruments()
        registry = _single_process_registry()
    registry.register(DatabaseFigures(factory))
    return generate_latest(registry)


def _single_process_registry() -> CollectorRegistry:
    from prometheus_client import REGISTRY

    registry = CollectorRegistry()
    registry.register(_Forward(REGISTRY))
    return registry


class _Forward(Collector):
    """Another registry's metrics, without its process_* and python_* collectors (ours are
    the liptako_process_* gauges, the same with one process or many)."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterator[Any]:
        for family in self.source.collect():
            if family.name.startswith("liptako_"):
                yield family
