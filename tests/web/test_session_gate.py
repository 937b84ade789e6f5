"""Many more concurrent requests than worker threads and pooled connections never stall.

Each request's session runs in worker threads a hop at a time (open, the handler, commit). The
server must not let requests that hold a connection wait for a thread while every thread waits
for a connection: here 2 threads and a pool of 2 connections serve 60 concurrent requests of
a plain synchronous route on a session, on a real database (no test session).
"""

from __future__ import annotations

import threading
import time

import anyio
import httpx2 as httpx  # the test extra (what the test client runs on)
from anyio import to_thread
from sqlalchemy import text

from liptako.core.config import Settings
from liptako.web.app import create_app
from liptako.web.deps import SessionDep


def test_sixty_requests_on_two_threads_all_answer(fresh_database_url: str) -> None:
    settings = Settings(env="test", database_url=fresh_database_url, secret_key="t" * 40,
                        db_pool_size=2, db_max_overflow=0)
    app = create_app(settings)

    def probe(session: SessionDep) -> dict[str, int]:
        time.sleep(0.002)  # a little work in the handler's thread, as a real handler does
        return {"one": int(session.execute(text("SELECT 1")).scalar_one())}

    app.add_api_route("/probe", probe)
    statuses: list[int] = []

    async def main() -> None:
        to_thread.current_default_thread_limiter().total_tokens = 2
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test",
                                     timeout=30) as client:
            async def one() -> None:
                statuses.append((await client.get("/probe")).status_code)

            async with anyio.create_task_group() as group:
                for _ in range(60):
                    group.start_soon(one)

    started = time.perf_counter()
    runner = threading.Thread(target=anyio.run, args=(main,))  # a loop of its own: the
    runner.start()                                              # browser tests hold this one
    runner.join(timeout=60)
    elapsed = time.perf_counter() - started
    app.state.engine.dispose()
    assert statuses == [200] * 60
    assert elapsed < 8, f"60 requests took {elapsed:.1f} s: the server stalled"
