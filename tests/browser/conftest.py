"""A real server on a fresh database, driven by Debian's Chromium through Playwright.

Screenshots of every page visited go to ``artifacts/screenshots`` on every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from factories.auth import seed_cast, seed_state_admins
from helpers.browser import fresh_page
from helpers.served import free_port
from liptako.core.db import make_engine, make_session_factory, transaction

CHROMIUM = os.environ.get("LIPTAKO_TEST_CHROMIUM", "/usr/bin/chromium")
LIPTAKO = str(Path(sys.executable).with_name("liptako"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def live_database(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> str:
    """The database the browser tests' server runs on (SQLite: see
    pytest_collection_modifyitems): `liptako init`, then the test cast."""
    assert database_url.startswith("sqlite"), database_url
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    subprocess.run([LIPTAKO, "init"], env=live_env(url), check=True, capture_output=True)
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        seed_cast(session)
        seed_state_admins(session)
    engine.dispose()
    return url


def live_env(url: str) -> dict[str, str]:
    """The environment of a `liptako` command on the browser tests' database; the server's
    alert worker evaluates the rules every second (the tour raises an alert)."""
    return {**os.environ, "LIPTAKO_DATABASE_URL": url, "LIPTAKO_ENV": "dev",
            "LIPTAKO_ALERT_EVALUATE_SECONDS": "1"}


@pytest.fixture(scope="session")
def live_server(live_database: str) -> Iterator[str]:
    """`liptako serve` on the browser tests' database."""
    port = free_port()
    proc = subprocess.Popen([LIPTAKO, "serve", "--port", str(port), "--workers", "2"],
                            env=live_env(live_database), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=1) as answer:
                if answer.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("the server did not start within 60 s")
    yield base
    proc.terminate()
    proc.wait(timeout=20)


HERE = Path(__file__).parent
MISSING = f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"


def _chromium_missing() -> bool:
    """Chromium is absent where it may be (CI installs it: absent there, the tests fail)."""
    return not Path(CHROMIUM).exists() and os.environ.get("CI") != "true"


def _on_postgres(item: pytest.Item) -> bool:
    spec = getattr(item, "callspec", None)
    return spec is not None and spec.params.get("database_url") == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the browser tests out without Chromium (one line says so); with it, run them on
    SQLite only: a page and its handlers are the same on either database, and every handler
    is tested on PostgreSQL without a browser (tests/web), the served app too
    (tests/cli/test_serve_postgres.py). A second live server on PostgreSQL cost the suite a
    minute for no check of its own."""
    browser = [i for i in items if HERE in i.path.parents]
    left = browser if _chromium_missing() else [i for i in browser if _on_postgres(i)]
    if left:
        gone = set(map(id, left))
        items[:] = [i for i in items if id(i) not in gone]
        config.hook.pytest_deselected(items=left)
    if browser and _chromium_missing():
        config.stash[SKIPPED_KEY] = len(browser)


SKIPPED_KEY = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter,
                            config: pytest.Config) -> None:
    """One line, not one per test, when the browser tests were left out for want of it."""
    if config.stash.get(SKIPPED_KEY, 0):
        terminalreporter.write_line(f"{config.stash[SKIPPED_KEY]} {MISSING}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():  # under CI=true (else the tests were left out)
        pytest.fail(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    pg = fresh_page(browser, live_server)
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    pg.context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
