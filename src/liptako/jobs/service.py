"""Jobs: the worker's work, queued, retried with backoff, and recorded.

A job is an outbox row of channel ``job`` (:mod:`liptako.core.outbox`): its destination
names the kind, its payload holds the arguments as JSON, and its claim, lease, backoff and
attempts are a message's. "delivered" is shown as *done*. The kinds:

- ``import``: an ACLED or UCDP file (``path``, ``source``), keyed by the file's content hash,
  so that the same file queued twice is imported once;
- ``scan``: the hotspot scan; ``reevaluate``: every live incident against the charter;
- ``alerts``, ``stix``, ``reports``: the worker's periodic work (alert rules, the STIX store,
  the weekly reports), queued by the worker itself when due (*scheduled*), or by hand.

Who queued a job and how it ended are audited; the scheduled jobs, queued every minute or so
by the worker, are audited only when they fail for good (their rows say the rest).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.core import outbox
from liptako.core.errors import NotFound, RuleViolation
from liptako.core.outbox import OutboxMessage

KINDS = ("import", "scan", "reevaluate", "alerts", "stix", "reports")
SCHEDULED = ("alerts", "stix", "reports")
SOURCES = ("acled", "ucdp")
# what people read for the outbox's statuses, and the one a claim in progress gets
SHOWN = {"pending": "pending", "delivered": "done", "failed": "failed"}
STATUSES = ("pending", "running", "done", "failed")


class JobRefused(Exception):
    """A job that cannot succeed as it stands (a malformed file, a bad argument): it fails
    at once, without the retries meant for passing troubles."""


def import_key(sha256: str) -> str:
    """An import job's idempotency key: the same content, the same job."""
    return f"job:import:{sha256}"


def enqueue_job(session: Session, kind: str, args: dict[str, Any], *, actor: audit.Actor,
                now: dt.datetime, key: str | None = None,
                scheduled: bool = False) -> tuple[OutboxMessage, bool]:
    """Queue a job, due now; with ``key``, the job already queued under it is returned
    instead (and False: nothing new). A ``scheduled`` job (queued by the worker itself when
    due) is not audited unless it fails for good."""
    _check(kind, args)
    if key is not None:
        found = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
        if found is not None:
            return found, False
    job = outbox.enqueue(session, channel="job", destination=kind,
                         payload=json.dumps(args, sort_keys=True),
                         idempotency_key=key or f"job:{kind}:{uuid.uuid4().hex}",
                         topic=f"job:{kind}", now=now,
                         options={"by": actor.name, "scheduled": scheduled})
    if not scheduled:
        audit.record(session, actor=actor, action="job.enqueue", target_type="job",
                     target_id=job.id, now=now, detail={"kind": kind, "args": args})
    return job, True


def _check(kind: str, args: dict[str, Any]) -> None:
    if kind not in KINDS:
        raise RuleViolation(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    if kind == "import":
        if not isinstance(args.get("path"), str) or not args["path"]:
            raise RuleViolation("path: expected the file to import, got none")
        if args.get("source") not in SOURCES:
            raise RuleViolation(f"source: expected one of {', '.join(SOURCES)}, got "
                                f"{args.get('source')!r}")


def schedule(session: Session, kind: str, *, now: dt.datetime,
             keep: dt.timedelta = dt.timedelta(days=7)) -> OutboxMessage | None:
    """Queue a periodic job unless one of its kind is still waiting (a failing one is then
    being retried: no pile of them behind it); done ones older than ``keep`` are dropped."""
    if kind not in SCHEDULED:
        raise RuleViolation(f"kind: expected one of {', '.join(SCHEDULED)}, got {kind!r}")
    session.execute(delete(OutboxMessage).where(
        OutboxMessage.topic == f"job:{kind}", OutboxMessage.status == "delivered",
        OutboxMessage.created_at < now - keep))
    waiting = session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.topic == f"job:{kind}", OutboxMessage.status == "pending").limit(1))
    if waiting is not None:
        return None
    return enqueue_job(session, kind, {}, actor=audit.SYSTEM, now=now, scheduled=True)[0]


def status_of(job: OutboxMessage, now: dt.datetime) -> str:
    """pending, running (claimed and its lease not run out), done or failed."""
    if job.status == "pending" and job.claimed_until is not None and job.claimed_until > now:
        return "running"
    return SHOWN.get(job.status, job.status)


def jobs(session: Session, *, status: str | None, now: dt.datetime,
         limit: int = 50) -> list[OutboxMessage]:
    """The latest jobs, newest first, of one status or all."""
    if status is not None and status not in STATUSES:
        raise RuleViolation(f"--status: expected one of {', '.join(STATUSES)}, got {status!r}")
    query = select(OutboxMessage).where(OutboxMessage.channel == "job")
    if status is not None:
        stored = {v: k for k, v in SHOWN.items()}.get(status, "pending")
        query = query.where(OutboxMessage.status == stored)
    rows = session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit * 4 if status
                                                                          else limit))
    return [j for j in rows if status is None or status_of(j, now) == status][:limit]


def job(session: Session, job_id: int) -> OutboxMessage:
    found = session.get(OutboxMessage, job_id)
    if found is None or found.channel != "job":
        raise NotFound(f"job {job_id}: expected a job's number, got none of that number")
    return found


def retry_job(session: Session, job_id: int, *, actor: audit.Actor,
              now: dt.datetime) -> OutboxMessage:
    """Queue a failed job again, due now, with its attempts counted afresh (its last error
    stays until the next attempt)."""
    found = job(session, job_id)
    if found.status != "failed":
        raise RuleViolation(f"job {job_id}: expected a failed job, got a "
                            f"{status_of(found, now)} one")
    before = {"status": "failed", "attempts": found.attempts, "last_error": found.last_error}
    found.status, found.attempts, found.next_attempt_at = "pending", 0, now
    found.claimed_by = found.claimed_until = None
    audit.record(session, actor=actor, action="job.retry", target_type="job", target_id=job_id,
                 now=now, before=before, after={"status": "pending"})
    session.flush()
    return found


def record_outcome(session: Session, claimed: outbox.Claimed, outcome: str | None, *,
                   error: str | None, now: dt.datetime) -> None:
    """Audit how a job ended (done, or failed for good); a retry is on the job's row."""
    if outcome not in ("delivered", "failed"):
        return
    if claimed.options.get("scheduled") and outcome == "delivered":
        return
    audit.record(session, actor=audit.SYSTEM, action=f"job.{SHOWN[outcome]}",
                 target_type="job", target_id=claimed.id, now=now,
                 detail={"kind": claimed.destination, "attempts": claimed.attempt,
                         "error": error})


def arguments(job: OutboxMessage | outbox.Claimed) -> dict[str, Any]:
    args = json.loads(job.payload)
    return args if isinstance(args, dict) else {}
