from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from liptako.cli.main import app
from liptako.core.db import make_engine

runner = CliRunner()


def _run(url: str, *args: str) -> object:
    return runner.invoke(app, list(args), env={"LIPTAKO_DATABASE_URL": url})


def test_every_command_has_help() -> None:
    for args in ([], ["db"], ["users"], ["audit"], ["serve"], ["init"], ["exercise"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert "Usage" in result.output


def test_serve_listens_where_the_settings_say_unless_told(
        monkeypatch: pytest.MonkeyPatch, fresh_database_url: str) -> None:
    from liptako.cli import serving

    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(serving, "serve", lambda host, port, **_: calls.append((host, port)))
    env = {"LIPTAKO_HOST": "0.0.0.0", "LIPTAKO_PORT": "9001",
           "LIPTAKO_DATABASE_URL": fresh_database_url}
    assert runner.invoke(app, ["serve"], env=env).exit_code == 0
    assert runner.invoke(app, ["serve", "--port", "9002"], env=env).exit_code == 0
    assert runner.invoke(app, ["serve"], env={"LIPTAKO_HOST": None, "LIPTAKO_PORT": None,
                                              "LIPTAKO_DATABASE_URL": fresh_database_url}
                         ).exit_code == 0
    assert calls == [("0.0.0.0", 9001), ("0.0.0.0", 9002), ("127.0.0.1", 8000)]


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    result = _run(url, "db", "current")
    assert "current: none" in result.output  # type: ignore[attr-defined]
    result = _run(url, "db", "upgrade")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    result = _run(url, "db", "current")
    assert "up to date" in result.output  # type: ignore[attr-defined]


def test_init_creates_one_admin_once(fresh_database_url: str) -> None:
    first = _run(fresh_database_url, "init", "--no-exercise")
    assert first.exit_code == 0, first.output  # type: ignore[attr-defined]
    assert "password:" in first.output  # type: ignore[attr-defined]
    assert "ACLED sample 2613 events" in first.output  # type: ignore[attr-defined]
    assert "gazetteer" in first.output  # type: ignore[attr-defined]
    assert "exercise" not in first.output  # type: ignore[attr-defined]
    # the sample's hotspots are scanned once, for every user, over its last two years
    assert "scan 1: " in first.output and "(2017-08-01..2019-07-31)" in first.output  # type: ignore[attr-defined]
    assert "shown to every user" in first.output  # type: ignore[attr-defined]
    assert "forecast 1: 62 units x 6 months after 2019-07" in first.output  # type: ignore[attr-defined]
    second = _run(fresh_database_url, "init", "--no-exercise")
    assert "password:" not in second.output  # type: ignore[attr-defined]
    assert "nothing new to load" in second.output  # type: ignore[attr-defined]
    assert "scan " not in second.output and "forecast " not in second.output  # type: ignore[attr-defined]
    stats = _run(fresh_database_url, "events", "stats", "--format", "json")
    assert '"events": 2613' in stats.output  # type: ignore[attr-defined]
    listed = _run(fresh_database_url, "users", "list")
    assert listed.output.count("admin") >= 1  # type: ignore[attr-defined]
    assert len(listed.output.strip().splitlines()) == 1  # type: ignore[attr-defined]
    # the exercise, loaded when asked for, goes without touching the sample
    loaded = _run(fresh_database_url, "exercise", "load")
    assert "exercise BOUCLIER DU LIPTAKO: 31 reports" in loaded.output  # type: ignore[attr-defined]
    assert _run(fresh_database_url, "exercise", "load").exit_code == 2  # type: ignore[attr-defined]
    cleared = _run(fresh_database_url, "exercise", "clear")
    assert "exercise cleared: incidents 31," in cleared.output  # type: ignore[attr-defined]
    stats = _run(fresh_database_url, "events", "stats", "--format", "json")
    assert '"events": 2613' in stats.output  # type: ignore[attr-defined]
    assert _run(fresh_database_url, "audit", "verify").exit_code == 0  # type: ignore[attr-defined]


def test_users_create_reads_the_password_from_a_file(
    fresh_database_url: str, tmp_path: Path
) -> None:
    pw = tmp_path / "pw"
    pw.write_text("a-long-enough-password\n")
    ok = _run(fresh_database_url, "users", "create", "--username", "awa", "--state", "MLI",
              "--role", "analyst", "--password-file", str(pw))
    assert ok.exit_code == 0, ok.output  # type: ignore[attr-defined]
    again = _run(fresh_database_url, "users", "create", "--username", "awa", "--state", "MLI",
                 "--role", "analyst", "--password-file", str(pw))
    assert again.exit_code == 2
    bad = _run(fresh_database_url, "users", "create", "--username", "bob", "--state", "FRA",
               "--role", "analyst", "--password-file", str(pw))
    assert bad.exit_code == 2
    assert "state: expected one of BFA, MLI, NER, SEC" in bad.output  # type: ignore[attr-defined]
    listed = _run(fresh_database_url, "users", "list")
    assert "awa" in listed.output and "bob" not in listed.output  # type: ignore[attr-defined]


def test_prod_without_secret_refuses_to_start() -> None:
    result = runner.invoke(app, ["db", "current"], env={"LIPTAKO_ENV": "prod"})
    assert result.exit_code == 2
    assert "LIPTAKO_SECRET_KEY" in result.output


def test_audit_verify_detects_tampering(fresh_database_url: str, tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text("a-long-enough-password\n")
    for name in ("u1", "u2", "u3"):
        _run(fresh_database_url, "users", "create", "--username", name, "--state", "NER",
             "--role", "observer", "--password-file", str(pw))
    ok = _run(fresh_database_url, "audit", "verify")
    assert ok.exit_code == 0 and "3 entries" in ok.output  # type: ignore[attr-defined]
    _tamper(fresh_database_url, "UPDATE audit_entry SET target_id = '99' WHERE seq = 2")
    broken = _run(fresh_database_url, "audit", "verify")
    assert broken.exit_code == 1
    assert "entry 2" in broken.output  # type: ignore[attr-defined]


def _tamper(url: str, statement: str) -> None:
    """Alter the table behind the application's back, as an insider with DB access would."""
    engine = make_engine(url)
    with engine.begin() as conn:
        if url.startswith("sqlite"):
            conn.execute(text("DROP TRIGGER audit_entry_no_update"))
            conn.execute(text("DROP TRIGGER audit_entry_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        conn.execute(text(statement))
    engine.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entry SET action = 'x' WHERE seq = 1",
    "DELETE FROM audit_entry WHERE seq = 1",
])
def test_the_database_itself_refuses_audit_changes(fresh_database_url: str, statement: str,
                                                   tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text("a-long-enough-password\n")
    _run(fresh_database_url, "users", "create", "--username", "u1", "--state", "NER",
         "--role", "observer", "--password-file", str(pw))
    engine = make_engine(fresh_database_url)
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()
