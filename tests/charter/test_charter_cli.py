"""`liptako charter evaluate` and `show`: output, exit codes, messages on stderr."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from liptako.cli.charter import app

NIAMEY = {"lat": 13.51, "lon": 2.11}
DJIBO_JIHADISTS = {"id": "J", "occurred_on": "2024-05-11", "location": {"lat": 14.1, "lon": -1.63},
                   "perpetrator": {"kind": "non_state_armed_group", "group_type": "jihadist"}}


def write(tmp_path: Path, data: Any, name: str = "facts.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return str(path)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_single_object_gives_a_list(tmp_path: Path) -> None:
    result = invoke("evaluate", write(tmp_path, DJIBO_JIHADISTS), "--format", "json")
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert isinstance(out, list) and out[0]["id"] == "J" and out[0]["territory"] == "BFA"


def test_invalid_facts_exit_2_naming_incident_and_field(tmp_path: Path) -> None:
    bad = {**DJIBO_JIHADISTS, "id": "S3", "perpetrator": {"kind": "rebels"}}
    result = invoke("evaluate", write(tmp_path, [DJIBO_JIHADISTS, bad]), "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert 'error: incident "S3": perpetrator.kind: expected one of state' in result.stderr


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "expected JSON, got a syntax error at line 1"),
    (None, "expected a readable facts file"),
])
def test_unreadable_facts_exit_2(tmp_path: Path, content: str | None, message: str) -> None:
    path = write(tmp_path, content) if content else str(tmp_path / "absent.json")
    result = invoke("evaluate", path)
    assert result.exit_code == 2 and message in result.stderr


def test_unknown_field_is_a_warning_then_strict_error(tmp_path: Path) -> None:
    path = write(tmp_path, {**DJIBO_JIHADISTS, "notes": "from a sitrep"})
    lenient = invoke("evaluate", path)
    assert lenient.exit_code == 0
    assert 'warning: incident "J": notes: unknown field' in lenient.stderr
    assert invoke("evaluate", path, "--strict").exit_code == 2


def test_policy_file_overrides_a_reading(tmp_path: Path) -> None:
    facts = write(tmp_path, DJIBO_JIHADISTS)
    policy = write(tmp_path, "non_state_attack_on_sovereignty: engaged\n", "POLICY.yaml")
    out = json.loads(invoke("evaluate", facts, "--policy", policy).stdout)
    assert {p["article"]: p["status"] for p in out[0]["provisions"]}["6"] == "engaged"


@pytest.mark.parametrize(("text", "message"), [
    ("commn_space: liptako_gourma\n", "commn_space: unknown setting for aes-2023; expected one "
                                      "of abstention_blocks, common_space, "
                                      "non_state_attack_on_sovereignty"),
    ("common_space: sahel\n", 'common_space: expected one of "union_of_territories", '
                              '"liptako_gourma", got "sahel"'),
    ("- a list\n", "expected a mapping of setting names to values"),
])
def test_bad_policy_exit_2(tmp_path: Path, text: str, message: str) -> None:
    result = invoke("evaluate", write(tmp_path, DJIBO_JIHADISTS), "--policy",
                    write(tmp_path, text, "POLICY.yaml"))
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_bad_pact_exit_2_naming_file_and_path(tmp_path: Path) -> None:
    pact = write(tmp_path, "id: x\nversion: '1'\n", "pact.yaml")
    result = invoke("evaluate", write(tmp_path, DJIBO_JIHADISTS), "--pact", pact)
    assert result.exit_code == 2
    assert f"error: {pact}: $: expected property " in result.stderr


def test_other_pact_by_id(tmp_path: Path) -> None:
    facts = {"id": "N", "occurred_on": "2024-06-01", "location": {"country": "EST"},
             "perpetrator": {"kind": "state", "state": "RUS"}}
    out = json.loads(invoke("evaluate", write(tmp_path, facts), "--pact", "nato-1949").stdout)
    assert [p["article"] for p in out[0]["provisions"]] == ["4", "5"]
    assert out[0]["provisions"][1]["beneficiary"] == "EST"


def test_text_format_and_french(tmp_path: Path) -> None:
    path = write(tmp_path, {**DJIBO_JIHADISTS, "location": NIAMEY})
    text = invoke("evaluate", path, "--format", "text", "--lang", "fr")
    assert text.exit_code == 0
    assert "J  [aes-2023, in force]  territory: NER" in text.stdout
    assert "Art. 4      ENGAGED" in text.stdout
    assert "fait partie de l'espace commun" in text.stdout
    assert "- Art. 4: " in text.stdout
    assert invoke("evaluate", path, "--format", "xml").exit_code == 2


def test_show_prints_articles_parties_and_rules() -> None:
    result = invoke("show", "aes-2023")
    assert result.exit_code == 0
    out = result.stdout
    for expected in ("Liptako-Gourma Charter", "2023-09-16", "BFA", "MLI", "NER",
                     "unanimity", "unverified", "Collective defence", "T-AGG-EXT",
                     "non_state_attack_on_sovereignty", "6 months"):
        assert expected in out, expected
    assert "Défense collective" in invoke("show", "aes-2023", "--lang", "fr").stdout
    assert "2025-01-29" in invoke("show", "ecowas-1981").stdout


def test_show_unknown_pact_exit_2() -> None:
    result = invoke("show", "nope")
    assert result.exit_code == 2 and "expected one of aes-2023" in result.stderr
