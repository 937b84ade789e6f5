"""Running the worker's jobs (:mod:`liptako.jobs.service`): each kind's work, the claim and
settlement around it, the periodic jobs queued when due, and the watched import folder.

A job's work is one committed transaction, or batches each committed that a second run
passes over (an import stores each event under its source's id, updating the one already
there; a re-evaluation that changes nothing stores nothing): a job cut short by a crash is
run again from its start, and nothing is stored twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from liptako.core.config import Settings
    from liptako.core.outbox import Backoff, Claimed
    from liptako.jobs.folder import Sightings

log = logging.getLogger("liptako.worker")
Runner = Callable[["sessionmaker[Session]", "Settings", dict[str, Any]], str]


def evaluate_alerts(factory: sessionmaker[Session], settings: Settings,
                    _args: dict[str, Any] | None = None) -> str:
    """One evaluation of the alert rules, committed."""
    from liptako.alerts.evaluate import Issuer, evaluate
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction

    with transaction(factory) as session:
        report = evaluate(session, now=utcnow(), issuer=Issuer.of(settings.site_url))
    line = (f"alerts: {len(report.raised)} raised, {len(report.updated)} updated, "
            f"{len(report.ended)} ended, {report.deliveries} deliveries queued")
    if report.raised or report.updated or report.ended:
        log.info(line)
    return line


def publish_stix(factory: sessionmaker[Session], _settings: Settings | None = None,
                 _args: dict[str, Any] | None = None) -> str:
    """Bring the STIX store (what TAXII serves) up to date, committed."""
    from liptako.audit.service import SYSTEM
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.intel.service import registry
    from liptako.obligations.stix_publish import publish

    with transaction(factory) as session:
        done = publish(session, registry=registry(session), actor=SYSTEM, now=utcnow())
    line = f"stix: {dict(done.stored)} stored, {done.revoked} revoked"
    if done.stored:
        log.info(line)
    return line


def send_reports(factory: sessionmaker[Session], settings: Settings,
                 _args: dict[str, Any] | None = None) -> str:
    """The weekly situation reports that are due, in the outbox, committed."""
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.reports.weekly import send_weekly

    with transaction(factory) as session:
        result = send_weekly(session, now=utcnow(), site_url=settings.site_url)
    if result.sent:
        log.info("reports: %s", result.summary())
    for subscription_id, why in result.skipped:
        log.warning("reports: list %d skipped: %s", subscription_id, why)
    for subscription_id, why in result.failed:
        log.warning("reports: list %d failed: %s", subscription_id, why)
    return f"reports: {result.summary()}"


def run_import(_factory: sessionmaker[Session], settings: Settings,
               args: dict[str, Any]) -> str:
    """An ACLED or UCDP file into the registry, in committed batches (a second run updates
    what the first stored: events are keyed by their source's id)."""
    from liptako.cli.ingest import load_parsed
    from liptako.core.clock import utcnow
    from liptako.ingest.acled import read_acled
    from liptako.ingest.records import HeaderInvalid
    from liptako.ingest.ucdp import read_ucdp
    from liptako.jobs.service import JobRefused

    path, today = Path(args["path"]), utcnow().date()
    read = read_acled if args["source"] == "acled" else read_ucdp
    try:  # a file not (yet) there is a passing trouble: tried again later
        with path.open("rb") as handle:
            counts, bad = load_parsed(settings, read(handle, today=today), batch_size=5000)
    except HeaderInvalid as exc:
        raise JobRefused(f"{path.name}: line 1: header: {exc}") from None
    s = counts.summary()
    rows = "; ".join(f"line {e.line} (event {e.source_id or '?'}): {e.field}: {e.reason}"
                     for e in bad[:10])
    if s["rejected"] * 2 > s["read"]:
        raise JobRefused(f"{path.name}: most rows were rejected ({s['rejected']} of "
                         f"{s['read']}): {rows}")
    if bad:
        log.warning("import %s: %d row(s) rejected: %s", path.name, len(bad), rows)
    return (f"{args['source']} {path.name}: read {s['read']}, inserted {s['inserted']}, "
            f"updated {s['updated']}, unchanged {s['unchanged']}, rejected {s['rejected']}")


def run_scan(factory: sessionmaker[Session], _settings: Settings, args: dict[str, Any]) -> str:
    """The hotspot scan, stored for the map (one transaction)."""
    from liptako.audit.service import SYSTEM
    from liptako.cli.warning import Audience, EventType, scan_line, study_months
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.warning.schemas import VIOLENCE, ScanParameters
    from liptako.warning.service import run_scan as scan

    types = [EventType(t) for t in args.get("event_types") or VIOLENCE]
    audience = Audience(args["for"]) if args.get("for") else None
    with transaction(factory) as session:
        first, last = study_months(session, args.get("from"), args.get("to"), audience, types)
        params = ScanParameters(first, last, event_types=tuple(t.value for t in types),
                                replications=int(args.get("replications", 999)),
                                gi_permutations=int(args.get("gi_permutations", 9999)),
                                seed=int(args.get("seed", 12345678)),
                                for_state=audience.value if audience else None)
        return scan_line(scan(session, params, actor=SYSTEM, now=utcnow()))


def run_reevaluate(_factory: sessionmaker[Session], settings: Settings,
                   _args: dict[str, Any]) -> str:
    from liptako.cli.obligations import reevaluate_all

    return reevaluate_all(settings)


RUNNERS: dict[str, Runner] = {"import": run_import, "scan": run_scan,
                              "reevaluate": run_reevaluate, "alerts": evaluate_alerts,
                              "stix": publish_stix, "reports": send_reports}


def _work(factory: sessionmaker[Session], settings: Settings,
          job: Claimed) -> tuple[str | None, bool]:
    """Run a job: its error (None: done) and whether the error is final."""
    from liptako.core.errors import DomainError
    from liptako.jobs.service import JobRefused, arguments

    try:
        line = RUNNERS[job.destination](factory, settings, arguments(job))
    except (JobRefused, DomainError, KeyError, ValueError) as exc:
        # a bad argument or file: trying again would fail the same way
        return f"{type(exc).__name__}: {exc}", True
    except Exception as exc:  # any other trouble is recorded, and retried later
        log.exception("job %d (%s) attempt %d failed", job.id, job.destination, job.attempt)
        return f"{type(exc).__name__}: {exc}", False
    # the periodic jobs run every minute or so: they say themselves when they did something
    log.log(logging.DEBUG if job.options.get("scheduled") else logging.INFO,
            "job %d (%s) done: %s", job.id, job.destination, line)
    return None, False


def run_jobs_once(factory: sessionmaker[Session], settings: Settings, *, name: str,
                  policy: Backoff, rng: random.Random, stop: threading.Event) -> int:
    """Claim the oldest job due, run it and settle it; how many were claimed (0 or 1)."""
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.core.outbox import claim, settle
    from liptako.jobs.service import record_outcome

    lease = dt.timedelta(seconds=settings.job_lease_seconds)
    with transaction(factory) as session:
        batch = claim(session, worker=name, now=utcnow(), lease=lease, limit=1,
                      channels=("job",))
    for job in batch:
        if stop.is_set():
            break  # left to lapse: taken again after its lease
        error, final = _work(factory, settings, job)
        with transaction(factory) as session:
            outcome = settle(session, job, worker=name, now=utcnow(), error=error,
                             policy=policy, rng=rng, final=final)
            record_outcome(session, job, outcome, error=error, now=utcnow())
        if outcome == "pending":
            log.info("job %d (%s) attempt %d failed (%s); it will be tried again", job.id,
                     job.destination, job.attempt, error)
        elif outcome == "failed":
            log.warning("job %d (%s) failed for good: %s", job.id, job.destination, error)
        if outcome is not None:
            _file_watched(factory, settings, job.id)
    return len(batch)


def schedule_due(factory: sessionmaker[Session], kind: str) -> None:
    """Queue a periodic job (unless one of its kind still waits), committed."""
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.jobs.service import schedule

    with transaction(factory) as session:
        schedule(session, kind, now=utcnow())


def watch_folder(factory: sessionmaker[Session], settings: Settings,
                 sightings: Sightings) -> None:
    """Queue an import job for each new ready file of the watched folder (committed each),
    and file away those whose job has ended."""
    from liptako.jobs.folder import FAILED, content_hash, file_away, source_of, unrecognised

    folder = settings.import_dir
    if folder is None or not folder.is_dir():
        return
    for path in sightings.ready(folder):
        source = source_of(path)
        if source is None:
            log.warning("import folder: %s", unrecognised(path))
            file_away(path, FAILED, unrecognised(path))
            continue
        _queue_or_file(factory, path, source, content_hash(path))


def _queue_or_file(factory: sessionmaker[Session], path: Path, source: str,
                   sha256: str) -> None:
    from liptako.audit.service import SYSTEM
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.jobs.service import enqueue_job, import_key

    with transaction(factory) as session:
        job, new = enqueue_job(session, "import", {"path": str(path.resolve()),
                                                   "source": source, "sha256": sha256,
                                                   "watched": True},
                               actor=SYSTEM, now=utcnow(), key=import_key(sha256))
        status, error, job_id = job.status, job.last_error, job.id
    if new:
        log.info("import folder: %s queued as job %d (%s)", path.name, job_id, source)
    elif status != "pending":  # the same content was imported (or refused) before
        _file(path, status, error or "", job_id)


def _file_watched(factory: sessionmaker[Session], settings: Settings, job_id: int) -> None:
    """Once a job of the watched folder has ended, its file goes to done/ or failed/."""
    from liptako.jobs.service import arguments, job

    if settings.import_dir is None:
        return
    with factory() as session:
        found = job(session, job_id)
        args, status, error = arguments(found), found.status, found.last_error or ""
    path = Path(str(args.get("path", "")))
    if args.get("watched") and status != "pending" and path.is_file():
        _file(path, status, error, job_id)


def _file(path: Path, status: str, error: str, job_id: int) -> None:
    from liptako.jobs.folder import DONE, FAILED, file_away

    where = file_away(path, DONE if status == "delivered" else FAILED,
                      None if status == "delivered" else f"job {job_id}: {error}")
    log.info("import folder: %s moved to %s (job %d)", path.name, where, job_id)
