"""Reports that arrive together share one transaction, each answered and audited on its own."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from typing import Any

import httpx2 as httpx  # the test extra (what the test client runs on)
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from factories.incidents import report
from factories.users import PASSWORD, seed_cast
from liptako.audit.models import AuditEntry
from liptako.audit.service import verify_chain
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory
from liptako.incidents.models import Incident
from liptako.web.app import create_app
from liptako.web.batching import BatchWork, GroupCommit


def _in_own_loop(main: Any) -> None:
    """Run ``main()`` on an event loop of its own (the browser tests hold this thread's)."""
    runner = threading.Thread(target=asyncio.run, args=(main(),))
    runner.start()
    runner.join(timeout=120)


def _seeded(url: str) -> Settings:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed_cast(session)
        session.commit()
    engine.dispose()
    return Settings(env="test", database_url=url, secret_key="t" * 40)


def test_concurrent_reports_are_each_stored_audited_and_answered(
        fresh_database_url: str) -> None:
    app = create_app(_seeded(fresh_database_url))
    answers: list[httpx.Response] = []

    async def main() -> None:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60) as c:
            token = (await c.post("/api/v1/auth/token", data={
                "username": "bfa_analyst", "password": PASSWORD})).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            bodies = [report(description=f"report {i}", fatalities=i) for i in range(40)]
            bodies[7] = report(tlp="PURPLE")  # refused by validation, alone
            answers.extend(await asyncio.gather(*(
                c.post("/api/v1/incidents", json=b, headers=headers) for b in bodies)))
            observer = (await c.post("/api/v1/auth/token", data={
                "username": "mli_observer", "password": PASSWORD})).json()["access_token"]
            refused = await asyncio.gather(*(c.post(
                "/api/v1/incidents", json=report(),
                headers={"Authorization": f"Bearer {observer}"}) for _ in range(3)))
            answers.extend(refused)

    _in_own_loop(main)
    assert [a.status_code for a in answers] == [201] * 7 + [422] + [201] * 32 + [403] * 3
    made = [a.json() for a in answers if a.status_code == 201]
    assert sorted(m["fatalities"] for m in made) == sorted(set(range(40)) - {7})
    assert all(m["determinations"] and m["determinations"][0]["pact"] == "aes-2023"
               for m in made)
    engine = make_engine(fresh_database_url)
    with Session(engine) as session:
        stored = {i.id: i for i in session.scalars(select(Incident))}
        assert {m["id"] for m in made} == set(stored)
        assert all(stored[m["id"]].description == m["description"] for m in made)
        audited = session.scalars(select(AuditEntry.target_id).where(
            AuditEntry.action == "incident.create")).all()
        assert sorted(audited) == sorted(str(m["id"]) for m in made)
        evaluations = session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "determination.evaluate")).all()
        assert sum(d["incidents"] for d in evaluations) == len(made)
        assert len(evaluations) < len(made)  # some reports shared a transaction
        assert verify_chain(session).intact
    engine.dispose()


def test_a_batch_that_fails_is_tried_one_job_at_a_time(fresh_database_url: str) -> None:
    app = create_app(_seeded(fresh_database_url))
    seen: list[int] = []

    def check(_session: Session, job: int) -> int:
        return job

    def write(session: Session, jobs: Sequence[int]) -> list[int]:
        seen.append(len(jobs))
        session.execute(text("SELECT 1"))
        if 13 in jobs:
            raise RuntimeError("job 13 cannot be written")
        return [job * 2 for job in jobs]

    batches: GroupCommit[int, int, int] = GroupCommit(app, BatchWork(check, write))
    outcomes: list[Any] = []

    async def main() -> None:
        outcomes.extend(await asyncio.gather(*(batches.submit(j) for j in range(20)),
                                             return_exceptions=True))

    _in_own_loop(main)
    assert outcomes[:13] == [j * 2 for j in range(13)] and outcomes[14:] == [
        j * 2 for j in range(14, 20)]
    assert isinstance(outcomes[13], RuntimeError)
    assert max(seen) > 1 and seen.count(1) >= 1  # a batch, then the jobs alone
    app.state.engine.dispose()
    engine = make_engine(fresh_database_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
    engine.dispose()


def _closed_loop_batches(url: str, linger: float) -> list[int]:
    """Eight clients, each sending its next job once answered; the answers reach them one
    after the other, 0.3 ms apart (as HTTP answers leave one server process). Returns the
    sizes of the batches written."""
    app = create_app(_seeded(url))
    sizes: list[int] = []

    def check(_session: Session, job: int) -> int:
        return job

    def write(session: Session, jobs: Sequence[int]) -> list[int]:
        sizes.append(len(jobs))
        session.execute(text("SELECT 1"))
        time.sleep(0.004)  # the batch's work
        return list(jobs)

    batches: GroupCommit[int, int, int] = GroupCommit(app, BatchWork(check, write),
                                                      linger=linger)

    async def client(index: int) -> None:
        for round_ in range(12):
            await batches.submit(round_)
            await asyncio.sleep(0.0003 * index)

    async def main() -> None:
        await asyncio.gather(*(client(i) for i in range(8)))

    _in_own_loop(main)
    app.state.engine.dispose()
    return sizes


def test_a_batch_waits_for_the_clients_the_last_one_answered(fresh_database_url: str) -> None:
    sizes = _closed_loop_batches(fresh_database_url, linger=0.05)
    assert sum(sizes) == 96
    steady = sizes[2:]
    assert sum(s == 8 for s in steady) >= 0.8 * len(steady), sizes
    # without the wait, the first client back starts a batch alone and the others wait
    # behind it: small and large batches alternate
    alone = _closed_loop_batches(fresh_database_url, linger=0)
    assert sum(alone) == 96 and len(alone) > 1.5 * len(sizes), (alone, sizes)
