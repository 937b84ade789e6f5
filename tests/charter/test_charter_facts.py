"""Reading FACTS.json: defaults, unknowns, and errors naming incident, field and expectation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from liptako.charter import InvalidFacts, load_incidents, parse_incidents

BASE = {"id": "S3", "occurred_on": "2024-01-02"}


def problems(data: Any, **kw: Any) -> tuple[str, ...]:
    with pytest.raises(InvalidFacts) as err:
        parse_incidents(data, **kw)
    return err.value.problems


def test_minimal_incident_and_defaults() -> None:
    f = parse_incidents(BASE).incidents[0]
    assert (f.id, f.occurred_on, f.location, f.acts) == ("S3", dt.date(2024, 1, 2), None,
                                                        ("armed_attack",))
    assert f.perpetrator.kind is None and f.target.party is None and f.launched_from is None


def test_unknown_kind_is_none_and_nulls_are_unknown() -> None:
    f = parse_incidents({**BASE, "perpetrator": {"kind": "unknown", "state": None},
                         "target": None, "acts": None, "location": None}).incidents[0]
    assert f.perpetrator.kind is None and f.acts == ("armed_attack",) and f.location is None


def test_scenario_wrapper_is_accepted() -> None:
    f = parse_incidents({"id": "E1", "facts": {"occurred_on": "2024-01-02"},
                         "expect": {}}).incidents[0]
    assert f.id == "E1"


@pytest.mark.parametrize(("change", "message"), [
    ({"perpetrator": {"kind": "rebels"}},
     'incident "S3": perpetrator.kind: expected one of state, international_organization, '
     'non_state_armed_group, criminal_group, unknown, got "rebels"'),
    ({"occurred_on": "2024-02-30"}, 'incident "S3": occurred_on: expected a date YYYY-MM-DD, '
                                    'got "2024-02-30"'),
    ({"occurred_on": None}, 'incident "S3": occurred_on: expected a date YYYY-MM-DD, got null'),
    ({"location": {"lat": 95, "lon": 2}},
     'incident "S3": location.lat: expected a number between -90 and 90, got 95'),
    ({"location": {"lat": 14.0}},
     'incident "S3": location: expected both lat and lon, or neither, got {"lat": 14.0}'),
    ({"location": {"country": "Mali"}},
     'incident "S3": location.country: expected an ISO3 country code such as MLI, got "Mali"'),
    ({"target": {"kind": "state_forces", "outside_alliance_area": "yes"}},
     'incident "S3": target.outside_alliance_area: expected true, false or null, got "yes"'),
    ({"acts": "armed_attack"}, 'incident "S3": acts: expected a list of armed_attack, blockade, '
                               'threat_of_force, got "armed_attack"'),
    ({"acts": ["armed_attack", "raid"]}, 'incident "S3": acts[1]: expected one of armed_attack, '
                                         'blockade, threat_of_force, got "raid"'),
    ({"classification": {"attack_on_sovereignty": 1}},
     'incident "S3": classification.attack_on_sovereignty: expected true, false or null, got 1'),
    ({"perpetrator": "jnim"}, 'incident "S3": perpetrator: expected an object or null, got "jnim"'),
    ({"launched_from": "mli"}, 'incident "S3": launched_from: expected an ISO3 country code'),
])
def test_each_error_names_incident_field_and_expectation(change: dict[str, Any],
                                                         message: str) -> None:
    found = problems({**BASE, **change})
    assert any(p.startswith(message) for p in found), found


def test_all_errors_of_all_incidents_are_reported() -> None:
    found = problems([BASE, {"occurred_on": "2024-01-02"}, {"id": "X", "target": {"kind": 3}}])
    assert 'incident #2: id: expected a non-empty string, got null' in found
    assert any(p.startswith('incident "X": occurred_on') for p in found)
    assert any(p.startswith('incident "X": target.kind') for p in found)
    assert problems([42]) == ("incident #1: (incident): expected an object, got 42",)


def test_unknown_fields_warn_or_fail_when_strict() -> None:
    data = {**BASE, "perpetrater": {"kind": "state"}, "target": {"kind": "civilians", "who": 1}}
    parsed = parse_incidents(data)
    assert parsed.warnings == (
        'incident "S3": perpetrater: unknown field (expected one of id, occurred_on, location, '
        'perpetrator, target, launched_from, host_permitted, acts, classification)',
        'incident "S3": target.who: unknown field (expected one of kind, party, '
        'outside_alliance_area)',
    )
    assert len(problems(data, strict=True)) == 2


def test_json_syntax_error_names_the_source() -> None:
    with pytest.raises(InvalidFacts, match=r"facts.json: expected JSON, got a syntax error at "
                                           r"line 1 column 2"):
        load_incidents("[x]", source="facts.json")
