"""Nothing waits on a PostgreSQL that does not answer: opening a connection gives up after
``LIPTAKO_DB_CONNECT_TIMEOUT_SECONDS``, a server request's statement after
``LIPTAKO_DB_STATEMENT_TIMEOUT_SECONDS``, and both are answered as an unreachable database
(503 with Retry-After), not as a crash.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from liptako.core.config import Settings
from liptako.core.db import make_engine
from liptako.web.app import create_app
from liptako.web.errors import DATABASE_ERRORS, database_refusal


def _outcome(work: Any, seconds: float) -> BaseException | None:
    """What ``work`` raised, run in a thread; a failure if it still runs after ``seconds``."""
    caught: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the test
            caught.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    return caught[0] if caught else None


def test_a_server_that_accepts_but_never_answers_is_given_up_on() -> None:
    with socket.socket() as silent:  # the handshake completes; no byte ever comes back
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/x",
                             connect_timeout=1)
        try:
            error = _outcome(lambda: engine.connect().close(), 10)
        finally:
            engine.dispose()
    assert isinstance(error, DATABASE_ERRORS), error
    status, body, headers = database_refusal(error)
    assert (status, body["code"], headers) == (503, "database_unavailable",
                                               {"Retry-After": "5"})


def test_a_server_request_statement_is_cancelled_after_the_statement_timeout(
    database_url: str
) -> None:
    if not make_url(database_url).get_backend_name().startswith("postgresql"):
        pytest.skip("a statement timeout is PostgreSQL's (SQLite waits on locks only)")
    app = create_app(Settings(env="test", database_url=database_url,
                              db_statement_timeout_seconds=0.2))
    try:
        def sleep() -> None:
            with app.state.session_factory() as session:
                session.execute(text("SELECT pg_sleep(5)"))

        error = _outcome(sleep, 4)
    finally:
        app.state.engine.dispose()
    assert isinstance(error, DATABASE_ERRORS), error
    assert "statement timeout" in str(error)
    assert database_refusal(error)[0] == 503
