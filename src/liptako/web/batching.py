"""Group commit: requests that arrive while a transaction is under way share the next one.

A burst of reports would otherwise cost one transaction each: a thread hop, a session, the
audit chain's head locked once per report, and a durable commit (a disk flush) per report.
Here each server process runs one such transaction at a time; the reports that arrive
meanwhile wait (they are not delayed when none is under way) and are written together, each
with its own audit entries, and each gets its answer only once the transaction that holds
it has committed: a 201 still means the record is on disk.

A job has two parts. Its checks (who is calling, may they, is the input sound) run first and
may fail alone: a failed check is that request's error and writes nothing. Then the writes
of every job that passed run together. Should they or the commit fail, nothing of the batch
is kept and each of its jobs is tried again alone, so that one bad job cannot fail the
others.

A batch does not start on the first job that arrives when the last one held more: those
clients were all answered together and their next requests come in over the following
milliseconds (each answer is sent, then each new request read, one after the other), so a
transaction started on the first would hold one job and keep the rest waiting behind it
(batches of 1 and 22 alternating were seen under 64 clients). The next batch waits for as
many jobs as the last held, at most ``linger`` seconds.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import FastAPI
from sqlalchemy.orm import Session

from liptako.web.deps import run_in_app_transaction

J = TypeVar("J")  # what a request asks for
C = TypeVar("C")  # what its checks found
R = TypeVar("R")  # its answer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchWork(Generic[J, C, R]):
    """``check`` one job (raise to refuse it); ``write`` all checked jobs, one answer each."""

    check: Callable[[Session, J], C]
    write: Callable[[Session, Sequence[C]], list[R]]


def _run(work: BatchWork[J, C, R], session: Session,
         jobs: Sequence[J]) -> list[R | BaseException]:
    refused: dict[int, BaseException] = {}
    checked: list[C] = []
    for index, job in enumerate(jobs):
        try:
            checked.append(work.check(session, job))
        except Exception as exc:  # that job's answer: an error response
            refused[index] = exc
    answers = iter(work.write(session, checked) if checked else [])
    return [refused[i] if i in refused else next(answers) for i in range(len(jobs))]


class GroupCommit(Generic[J, C, R]):
    """One process's queue of jobs for ``work``, at most ``max_batch`` to a transaction."""

    def __init__(self, app: FastAPI, work: BatchWork[J, C, R], *, max_batch: int = 64,
                 linger: float = 0.01) -> None:
        self.app = app
        self.work = work
        self.max_batch = max_batch
        self.linger = linger
        self._queue: list[tuple[J, asyncio.Future[Any]]] = []
        self._draining = False
        self._task: asyncio.Task[None] | None = None
        self._expect = 1  # jobs in the last batch: as many are expected in the next
        self._filled: asyncio.Event | None = None

    async def submit(self, job: J) -> R:
        """The job's answer once the transaction that wrote it has committed (or its error)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((job, future))
        if self._filled is not None and len(self._queue) >= self._expect:
            self._filled.set()
        if not self._draining:
            self._draining = True
            self._task = asyncio.create_task(self._drain())
        result: R = await future
        return result

    async def _drain(self) -> None:
        try:
            while self._queue:
                await self._gather()
                batch = self._queue[:self.max_batch]
                del self._queue[:self.max_batch]
                self._expect = len(batch)
                outcomes = await self._outcomes([job for job, _ in batch])
                for (_job, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # its client went away: the record stays written
                        continue
                    if isinstance(outcome, BaseException):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._draining = False

    async def _gather(self) -> None:
        """Wait, at most ``linger``, until as many jobs as the last batch held are queued."""
        if self.linger <= 0 or len(self._queue) >= min(self._expect, self.max_batch):
            return
        self._filled = asyncio.Event()
        try:
            await asyncio.wait_for(self._filled.wait(), self.linger)
        except TimeoutError:
            pass
        finally:
            self._filled = None

    async def _outcomes(self, jobs: list[J]) -> list[R | BaseException]:
        try:
            return await run_in_app_transaction(
                self.app, lambda session: _run(self.work, session, jobs))
        except Exception as exc:
            if len(jobs) == 1:
                return [exc]
            log.warning("a batch of %d failed (%s); trying each alone", len(jobs), exc)
        outcomes: list[R | BaseException] = []
        for job in jobs:
            try:
                outcomes += await run_in_app_transaction(
                    self.app, functools.partial(self._run_alone, job))
            except Exception as exc:
                outcomes.append(exc)
        return outcomes

    def _run_alone(self, job: J, session: Session) -> list[R | BaseException]:
        return _run(self.work, session, [job])
