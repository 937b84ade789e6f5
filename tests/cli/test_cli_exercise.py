"""`liptako init` loads the command-post exercise the first time only; `liptako exercise clear`
removes it and only it, the audit chain intact (the ACLED sample's side of it is in
test_cli_foundation, which loads the sample anyway)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from typer.testing import CliRunner

from liptako.cli.main import app
from liptako.core.db import make_engine

runner = CliRunner()


def _run(url: str, *args: str, **env: str) -> Any:
    result = runner.invoke(app, list(args), env={"LIPTAKO_DATABASE_URL": url, **env})
    assert result.exit_code == 0, result.output
    return result


def _counts(url: str) -> dict[str, int]:
    queries = {
        "exercise incidents": "SELECT count(*) FROM incident WHERE exercise",
        "exercise requests": "SELECT count(*) FROM assistance_request WHERE exercise",
        "engaged": "SELECT count(*) FROM determination WHERE engaged LIKE '%,6,%' "
                   "OR engaged LIKE '%,7,%' OR engaged LIKE '%,8,%'",
        "open duties": "SELECT count(*) FROM duty WHERE status = 'open'",
        "pending": "SELECT count(*) FROM classification_decision WHERE status = 'pending'",
        "users": "SELECT count(*) FROM user_account",
        "audit entries": "SELECT count(*) FROM audit_entry"}
    engine = make_engine(url)
    with engine.connect() as conn:
        found = {name: int(conn.scalar(text(sql)) or 0) for name, sql in queries.items()}
    engine.dispose()
    return found


def test_init_loads_the_exercise_the_first_time_only(fresh_database_url: str) -> None:
    url = fresh_database_url
    first = _run(url, "init", "--no-sample", LIPTAKO_HOST="0.0.0.0", LIPTAKO_PORT="8765")
    assert "exercise BOUCLIER DU LIPTAKO: 31 reports" in first.output
    assert "(1 awaiting a second person of the secretariat), 5 requests" in first.output
    assert "Log in at http://127.0.0.1:8765 with" in first.output
    assert "`liptako serve` will answer on http://127.0.0.1:8765" in first.output
    loaded = _counts(url)
    assert loaded == {**loaded, "exercise incidents": 31, "exercise requests": 5, "engaged": 6,
                      "open duties": 6, "pending": 1, "users": 9}

    second = _run(url, "init", "--no-sample")
    assert "nothing new to load" in second.output and "exercise" not in second.output
    assert _counts(url) == loaded

    cleared = _run(url, "exercise", "clear")
    assert "exercise cleared: incidents 31, incident actors" in cleared.output
    after = _counts(url)
    assert after == {**loaded, "exercise incidents": 0, "exercise requests": 0, "engaged": 0,
                     "open duties": 0, "pending": 0, "audit entries": loaded["audit entries"] + 1}
    verified = _run(url, "audit", "verify")
    assert f"audit chain intact: {after['audit entries']} entries" in verified.output

    third = _run(url, "init", "--no-sample")  # once cleared, the exercise stays out
    assert "nothing new to load" in third.output and _counts(url) == after
