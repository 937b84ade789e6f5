"""Checks on a decoded pact document: its JSON Schema, then the cross-references a schema cannot
express (areas and settings a rule names, dates in order, unique parties and articles).

Every problem reads ``<file>: <JSON path>: expected ..., got ...``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

NON_STATE_CHOICES = ("ask", "engaged", "not_engaged")
"""Values of a setting named by a rule's ``non_state_setting``."""
COMMON_SPACE = "common_space"
"""A rule ``scope`` naming the setting of that name instead of an area."""
COMMON_SPACE_CHOICES = ("union_of_territories", "liptako_gourma")
"""Values of the ``common_space`` setting: the parties' territories, or a named area of geo."""

_PATTERNS = {
    r"^\d{4}-\d{2}-\d{2}$": "a date YYYY-MM-DD",
    "^[A-Z]{3}$": "an ISO3 country code such as MLI",
}


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _expected(err: ValidationError) -> str:
    """What the schema expected at the failing place, in words."""
    v: Any = err.validator
    want: Any = err.validator_value
    got: Any = err.instance
    schema: Any = err.schema
    if v == "enum":
        return f"expected one of {', '.join(_show(w) for w in want)}, got {_show(got)}"
    if v == "const":
        return f"expected {_show(want)}, got {_show(got)}"
    if v in ("required", "dependentRequired"):
        keys = want if v == "required" else [k for ks in want.values() for k in ks]
        missing = [k for k in keys if isinstance(got, Mapping) and k not in got]
        return f"expected property {', '.join(_show(k) for k in missing)}"
    if v == "type":
        return f"expected {' or '.join(want) if isinstance(want, list) else want}, got {_show(got)}"
    if v == "pattern":
        return f"expected {_PATTERNS.get(want, 'text matching ' + want)}, got {_show(got)}"
    if v == "additionalProperties" and isinstance(got, Mapping):
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(k for k in got if k not in allowed)
        return (f"unexpected property {', '.join(_show(k) for k in extra)}; "
                f"expected only {', '.join(allowed)}")
    return f"expected {err.message}"


def schema_problems(data: Any, schema: Mapping[str, Any], source: str) -> list[str]:
    """Every schema violation, sorted by path."""
    problems = []
    for err in Draft202012Validator(schema).iter_errors(data):
        leaf = best_match(err.context) if err.context else err
        problems.append(f"{source}: {leaf.json_path}: {_expected(leaf)}")
    return sorted(set(problems))


# --- consistency --------------------------------------------------------------------------


def _dates(data: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    yield "$.signed_on", data["signed_on"]
    yield "$.in_force_from", data["in_force_from"]
    for k, party in enumerate(data["parties"]):
        for key in ("joined_on", "withdrawal_notified_on", "left_on"):
            if party.get(key) is not None:
                yield f"$.parties[{k}].{key}", party[key]


def _check_dates(data: Mapping[str, Any]) -> Iterator[str]:
    for path, value in _dates(data):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            yield f"{path}: expected a real calendar date, got {_show(value)}"
    if data["in_force_from"] < data["signed_on"]:
        yield f"$.in_force_from: expected a date on or after signed_on, got {data['in_force_from']}"
    for k, party in enumerate(data["parties"]):
        for key in ("withdrawal_notified_on", "left_on"):
            if party.get(key) is not None and party[key] < party["joined_on"]:
                yield (f"$.parties[{k}].{key}: expected a date after joined_on "
                       f"{party['joined_on']}, got {party[key]}")


def _check_unique(data: Mapping[str, Any]) -> Iterator[str]:
    seen: set[str] = set()
    for k, party in enumerate(data["parties"]):
        if party["iso3"] in seen:
            yield f"$.parties[{k}].iso3: expected each party once, got {party['iso3']} again"
        seen.add(party["iso3"])
    articles: set[str] = set()
    for k, prov in enumerate(data["provisions"]):
        if prov["article"] in articles:
            yield (f"$.provisions[{k}].article: expected each article once, "
                   f"got {prov['article']!r} again")
        articles.add(prov["article"])
    for k, prov in enumerate(data["provisions"]):
        for cited in prov.get("cites", ()):
            if cited not in articles:
                yield f"$.provisions[{k}].cites: expected an article of this pact, got {cited!r}"


def _check_setting(data: Mapping[str, Any], path: str, name: str,
                   choices: tuple[object, ...]) -> Iterator[str]:
    settings = data["policy"]
    if name not in settings:
        yield f"{path}: expected a setting declared under policy, got {name!r}"
        return
    for value in settings[name]["choices"]:
        if value not in choices:
            yield (f"$.policy.{name}.choices: expected values among "
                   f"{', '.join(_show(c) for c in choices)}, got {_show(value)}")


def _rule_references(data: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(path, kind, name) for each area or setting a rule names."""
    for k, prov in enumerate(data["provisions"]):
        rule = prov.get("rule")
        if not prov["operative"] or rule is None:
            continue
        base = f"$.provisions[{k}].rule"
        for key in ("area", "asset_area", "outside_area"):
            if rule.get(key) is not None:
                yield f"{base}.{key}", "area", rule[key]
        scope = rule.get("scope")
        if scope is not None:
            yield f"{base}.scope", "common_space" if scope == COMMON_SPACE else "area", scope
        if rule.get("non_state_setting") is not None:
            yield f"{base}.non_state_setting", "non_state", rule["non_state_setting"]


def _check_references(data: Mapping[str, Any]) -> Iterator[str]:
    used: set[str] = set()
    for path, kind, name in _rule_references(data):
        if kind == "area" and name not in data["areas"]:
            yield (f"{path}: expected an area declared under areas "
                   f"({', '.join(sorted(data['areas']))}), got {name!r}")
        elif kind == "common_space":
            used.add(name)
            yield from _check_setting(data, path, name, COMMON_SPACE_CHOICES)
        elif kind == "non_state":
            used.add(name)
            yield from _check_setting(data, path, name, NON_STATE_CHOICES)
    abstention = data["decision_rule"].get("abstention_setting")
    if abstention is not None:
        used.add(abstention)
        yield from _check_setting(data, "$.decision_rule.abstention_setting", abstention,
                                  (True, False))
    for name, setting in data["policy"].items():
        if name not in used:
            yield f"$.policy.{name}: expected a setting some rule uses, got an unused one"
        if setting["default"] not in setting["choices"]:
            choices = ", ".join(_show(c) for c in setting["choices"])
            got = _show(setting["default"])
            yield f"$.policy.{name}.default: expected one of {choices}, got {got}"


def check_consistency(data: Mapping[str, Any], source: str) -> list[str]:
    """Cross-reference problems of a schema-valid pact document."""
    found = [*_check_dates(data), *_check_unique(data), *_check_references(data)]
    return [f"{source}: {p}" for p in found]
