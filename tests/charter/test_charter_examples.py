"""The Charter contract's scenario cases (a copy in tests/charter/data), through the engine and
the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from liptako.charter import Pact, evaluate, parse_incidents
from liptako.charter.placer import GeoPlacer
from liptako.cli.charter import app

ROOT = Path(__file__).resolve().parents[2]
COPY = Path(__file__).parent / "data" / "charter_examples.json"
CASES: list[dict[str, Any]] = json.loads(COPY.read_text("utf-8"))


def check(result: dict[str, Any], expect: dict[str, Any]) -> None:
    """Every key the case states must match; unstated keys are free."""
    for key in ("in_force", "territory", "in_common_space"):
        if key in expect:
            assert result[key] == expect[key], key
    by_article = {p["article"]: p for p in result["provisions"]}
    for article, stated in expect["provisions"].items():
        for key, value in stated.items():
            assert by_article[article][key] == value, (article, key, by_article[article])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_through_the_engine(case: dict[str, Any], aes: Pact, geo: GeoPlacer) -> None:
    incident = parse_incidents({"id": case["id"], **case["facts"]}).incidents[0]
    check(evaluate(incident, aes, placer=geo).to_dict(), case["expect"])


def test_all_cases_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps([{"id": c["id"], **c["facts"]} for c in CASES]), "utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [r["id"] for r in out] == [c["id"] for c in CASES]
    for case, res in zip(CASES, out, strict=True):
        assert res["pact"] == "aes-2023"
        assert [p["article"] for p in res["provisions"]] == ["4", "5", "6", "7", "8"]
        assert set(res) == {"id", "pact", "in_force", "territory", "in_common_space",
                            "provisions"}
        for p in res["provisions"]:
            assert set(p) == {"article", "status", "owed_by", "beneficiary", "respondent",
                              "missing", "reasons"}
            assert p["owed_by"] == sorted(p["owed_by"])
            assert p["reasons"] and all(r.startswith(f"Art. {p['article']}") for r in p["reasons"])
            assert (p["status"] == "undetermined") == bool(p["missing"])
        check(res, case["expect"])
