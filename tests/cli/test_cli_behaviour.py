"""Commands say what is wrong with the database in one line, read relative SQLite paths
from one documented base, refuse a file most of whose rows are bad, and document the facts
they read."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import jwt
from typer.testing import CliRunner

from helpers.data import ACLED_DYADIC, REPO, acled_rows, to_csv
from liptako.cli.main import app
from liptako.core.config import DEFAULT_SECRET, Settings

runner = CliRunner()


def _run(env: dict[str, str], *args: str) -> object:
    return runner.invoke(app, list(args), env=env)


def test_a_missing_database_is_named_not_created(tmp_path: Path) -> None:
    env = {"LIPTAKO_HOME": str(tmp_path), "LIPTAKO_DATABASE_URL": "sqlite:///var/none.db"}
    for args in (["events", "stats"], ["users", "list"], ["audit", "verify"]):
        result = _run(env, *args)
        assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
        [line] = result.output.strip().splitlines()  # type: ignore[attr-defined]
        assert str(tmp_path / "var" / "none.db") in line and "liptako init" in line
    assert not (tmp_path / "var" / "none.db").exists()


def test_a_database_behind_the_code_says_to_upgrade(tmp_path: Path) -> None:
    env = {"LIPTAKO_DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}"}
    assert _run(env, "db", "upgrade", "0017").exit_code == 0  # type: ignore[attr-defined]
    result = _run(env, "events", "stats")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "at revision 0017" in result.output and "liptako db upgrade" in result.output  # type: ignore[attr-defined]
    assert _run(env, "db", "upgrade").exit_code == 0  # type: ignore[attr-defined]
    assert _run(env, "events", "stats").exit_code == 0  # type: ignore[attr-defined]


def test_a_relative_sqlite_path_is_read_from_liptako_home(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url="sqlite:///var/x.db")
    assert settings.database_url == f"sqlite:///{tmp_path}/var/x.db"
    assert Settings(home=tmp_path, database_url="sqlite:////srv/y.db").database_url == (
        "sqlite:////srv/y.db")
    here = Settings(database_url="sqlite:///var/x.db").sqlite_path()
    assert here is not None and here == Path.cwd().resolve() / "var" / "x.db"


def test_the_development_secret_raises_no_key_length_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jwt.encode({"sub": "1"}, DEFAULT_SECRET, algorithm="HS256")
    assert Settings().secret_key == DEFAULT_SECRET


def test_an_import_most_of_whose_rows_are_bad_exits_1(fresh_database_url: str,
                                                      tmp_path: Path) -> None:
    header, rows = acled_rows(ACLED_DYADIC, 10)
    rows = [{**r, "latitude": "north"} if i < 6 else r for i, r in enumerate(rows)]
    path = tmp_path / "mostly-bad.csv"
    path.write_text(to_csv(header, rows), encoding="utf-8")
    env = {"LIPTAKO_DATABASE_URL": fresh_database_url}
    refused = _run(env, "ingest", "acled", str(path))
    assert refused.exit_code == 1 and "most rows were rejected (6 of 10)" in refused.output  # type: ignore[attr-defined]
    allowed = _run(env, "ingest", "acled", str(path), "--allow-rejects")
    assert allowed.exit_code == 0, allowed.output  # type: ignore[attr-defined]


def test_evaluate_documents_the_facts_and_the_documented_example_runs(tmp_path: Path) -> None:
    shown = _run({}, "charter", "evaluate", "--help")
    assert "docs/charter-facts.md" in shown.output  # type: ignore[attr-defined]
    doc = (REPO / "docs" / "charter-facts.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", doc, re.S)
    assert example is not None
    facts = tmp_path / "facts.json"
    facts.write_text(example.group(1), encoding="utf-8")
    done = _run({}, "charter", "evaluate", str(facts))
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    results = json.loads(done.output)  # type: ignore[attr-defined]
    assert [r["id"] for r in results] == ["djibo-1", "niamey-1"]
    art6 = {r["id"]: next(p["status"] for p in r["provisions"] if p["article"] == "6")
            for r in results}
    assert art6 == {"djibo-1": "engaged", "niamey-1": "engaged"}


def test_the_command_starts_without_the_heavy_libraries() -> None:
    """`liptako --help` and every command's start import no database, dataframe, array or
    migration library: each command imports what it uses (a start well under 1.5 s)."""
    import subprocess
    import sys

    code = ("import sys, liptako.cli.main; "
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'polars', 'numpy', 'shapely', "
            "'rich.progress', 'liptako.charter', 'liptako.exercise') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]", done.stdout
