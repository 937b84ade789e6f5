"""Incident facts: frozen value objects and the validating reader of FACTS.json.

Every field but ``id`` and ``occurred_on`` may be absent or null, which means *unknown*
(CHARTER_CONTRACT.md). Two fields have documented defaults instead: ``acts`` (``armed_attack``)
and ``target.party`` (the owner of the territory); ``launched_from`` absent means the attack was
launched where it happened. ``perpetrator.kind: "unknown"`` is the same as an absent kind.

Errors name the incident (its ``id``, else its position), the field path and what was expected::

    incident "S3": perpetrator.kind: expected one of state, ..., got "rebels"

Fields the contract does not define are not errors: they are returned as warnings (a typo
would otherwise turn a known fact into an unknown one silently), and ``strict=True`` makes them
errors.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from liptako.charter.errors import InvalidFacts

PERPETRATOR_KINDS = ("state", "international_organization", "non_state_armed_group",
                     "criminal_group", "unknown")
GROUP_TYPES = ("jihadist", "separatist_rebel", "militia", "other")
TARGET_KINDS = ("state_forces", "civilians", "infrastructure", "vessel_or_aircraft", "territory")
ACTS = ("armed_attack", "blockade", "threat_of_force")
DEFAULT_ACTS = ("armed_attack",)
ISO3 = re.compile(r"^[A-Z]{3}$")

_FIELDS: dict[str, tuple[str, ...]] = {
    "": ("id", "occurred_on", "location", "perpetrator", "target", "launched_from",
         "host_permitted", "acts", "classification"),
    "location": ("lat", "lon", "country"),
    "perpetrator": ("kind", "state", "group_type", "actor"),
    "target": ("kind", "party", "outside_alliance_area"),
    "classification": ("attack_on_sovereignty",),
}


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


@dataclass(frozen=True, slots=True)
class Location:
    """A point (``lat``, ``lon``), a country (``country``), or both (the country wins)."""

    lat: float | None = None
    lon: float | None = None
    country: str | None = None

    def __post_init__(self) -> None:
        _require((self.lat is None) == (self.lon is None), "expected both lat and lon, or neither")
        _require(self.lat is not None or self.country is not None,
                 "expected lat and lon, or country")
        if self.lat is not None and self.lon is not None:
            _require(-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0,
                     f"expected lat in [-90, 90], lon in [-180, 180], got {self.lat}, {self.lon}")
        _require(self.country is None or bool(ISO3.match(self.country)),
                 f"expected an ISO3 country code, got {self.country!r}")

    @property
    def has_point(self) -> bool:
        """Whether coordinates were given."""
        return self.lat is not None


@dataclass(frozen=True, slots=True)
class Perpetrator:
    """Who acted; ``kind`` None is unknown (the input ``"unknown"`` is stored as None)."""

    kind: str | None = None
    state: str | None = None
    group_type: str | None = None
    actor: str | None = None

    def __post_init__(self) -> None:
        _require(self.kind in (None, *PERPETRATOR_KINDS[:-1]), f"bad kind {self.kind!r}")
        _require(self.state is None or bool(ISO3.match(self.state)), f"bad state {self.state!r}")
        _require(self.group_type in (None, *GROUP_TYPES), f"bad group_type {self.group_type!r}")


@dataclass(frozen=True, slots=True)
class Target:
    """What was attacked; ``party`` None means the owner of the territory."""

    kind: str | None = None
    party: str | None = None
    outside_alliance_area: bool | None = None

    def __post_init__(self) -> None:
        _require(self.kind in (None, *TARGET_KINDS), f"bad target kind {self.kind!r}")
        _require(self.party is None or bool(ISO3.match(self.party)), f"bad party {self.party!r}")


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """The facts of one incident, as CHARTER_CONTRACT.md defines them."""

    id: str
    occurred_on: dt.date
    location: Location | None = None
    perpetrator: Perpetrator = field(default_factory=Perpetrator)
    target: Target = field(default_factory=Target)
    launched_from: str | None = None
    host_permitted: bool | None = None
    acts: tuple[str, ...] = DEFAULT_ACTS
    attack_on_sovereignty: bool | None = None

    def __post_init__(self) -> None:
        _require(bool(self.id), "expected a non-empty id")
        _require(all(a in ACTS for a in self.acts), f"bad acts {self.acts!r}")
        _require(self.launched_from is None or bool(ISO3.match(self.launched_from)),
                 f"bad launched_from {self.launched_from!r}")


@dataclass(frozen=True)
class ParsedFacts:
    """Incidents read from a document, and warnings about fields the contract does not define."""

    incidents: tuple[IncidentFacts, ...]
    warnings: tuple[str, ...] = ()


# --- reading ------------------------------------------------------------------------------


class _Reader:
    """Reads one incident object, collecting every problem with its field path."""

    def __init__(self, label: str, strict: bool) -> None:
        self.label = label
        self.strict = strict
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def fail(self, path: str, expected: str, got: object) -> None:
        self.errors.append(f"incident {self.label}: {path}: expected {expected}, got {_show(got)}")

    def check_keys(self, obj: Mapping[str, Any], section: str) -> None:
        allowed = _FIELDS[section]
        for key in obj:
            if key not in allowed:
                path = f"{section}.{key}" if section else str(key)
                msg = (f"incident {self.label}: {path}: unknown field "
                       f"(expected one of {', '.join(allowed)})")
                (self.errors if self.strict else self.warnings).append(msg)

    def section(self, obj: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        value = obj.get(name)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.fail(name, "an object or null", value)
            return {}
        self.check_keys(value, name)
        return value

    def choice(self, value: object, path: str, choices: Sequence[str]) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or value not in choices:
            self.fail(path, f"one of {', '.join(choices)}", value)
            return None
        return value

    def iso3(self, value: object, path: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not ISO3.match(value):
            self.fail(path, "an ISO3 country code such as MLI", value)
            return None
        return value

    def flag(self, value: object, path: str) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        self.fail(path, "true, false or null", value)
        return None

    def number(self, value: object, path: str, bound: float) -> float | None:
        number = float(value) if isinstance(value, int | float) \
            and not isinstance(value, bool) else math.nan
        if not math.isfinite(number) or abs(number) > bound:
            self.fail(path, f"a number between -{bound:g} and {bound:g}", value)
            return None
        return number

    def text(self, value: object, path: str) -> str | None:
        if value is None or isinstance(value, str):
            return value
        self.fail(path, "a string or null", value)
        return None


def _show(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _read_date(r: _Reader, value: object) -> dt.date | None:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    r.fail("occurred_on", "a date YYYY-MM-DD", value)
    return None


def _read_location(r: _Reader, obj: Mapping[str, Any]) -> Location | None:
    loc = r.section(obj, "location")
    lat_raw, lon_raw = loc.get("lat"), loc.get("lon")
    country = r.iso3(loc.get("country"), "location.country")
    if (lat_raw is None) != (lon_raw is None):
        r.fail("location", "both lat and lon, or neither", dict(loc))
        return None
    lat = lon = None
    if lat_raw is not None:
        lat = r.number(lat_raw, "location.lat", 90.0)
        lon = r.number(lon_raw, "location.lon", 180.0)
        if lat is None or lon is None:
            return None
    if lat is None and country is None:
        return None
    return Location(lat=lat, lon=lon, country=country)


def _read_perpetrator(r: _Reader, obj: Mapping[str, Any]) -> Perpetrator:
    p = r.section(obj, "perpetrator")
    kind = r.choice(p.get("kind"), "perpetrator.kind", PERPETRATOR_KINDS)
    return Perpetrator(
        kind=None if kind == "unknown" else kind,
        state=r.iso3(p.get("state"), "perpetrator.state"),
        group_type=r.choice(p.get("group_type"), "perpetrator.group_type", GROUP_TYPES),
        actor=r.text(p.get("actor"), "perpetrator.actor"),
    )


def _read_target(r: _Reader, obj: Mapping[str, Any]) -> Target:
    t = r.section(obj, "target")
    return Target(
        kind=r.choice(t.get("kind"), "target.kind", TARGET_KINDS),
        party=r.iso3(t.get("party"), "target.party"),
        outside_alliance_area=r.flag(t.get("outside_alliance_area"),
                                     "target.outside_alliance_area"),
    )


def _read_acts(r: _Reader, value: object) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_ACTS
    if not isinstance(value, list):
        r.fail("acts", f"a list of {', '.join(ACTS)}", value)
        return DEFAULT_ACTS
    acts: list[str] = []
    for k, item in enumerate(value):
        act = r.choice(item, f"acts[{k}]", ACTS)
        if act is not None and act not in acts:
            acts.append(act)
    return tuple(acts)


def _label(obj: object, index: int) -> str:
    if isinstance(obj, Mapping) and isinstance(obj.get("id"), str) and obj["id"]:
        return _show(obj["id"])
    return f"#{index + 1}"


def _unwrap(obj: object) -> object:
    """Accept a scenario wrapper ``{"id", "facts": {...}, ...}`` as charter_examples.json has."""
    if isinstance(obj, Mapping) and isinstance(obj.get("facts"), Mapping) \
            and "occurred_on" not in obj:
        return {"id": obj.get("id"), **obj["facts"]}
    return obj


def _read_one(obj: object, index: int, strict: bool) -> tuple[IncidentFacts | None, _Reader]:
    obj = _unwrap(obj)
    r = _Reader(_label(obj, index), strict)
    if not isinstance(obj, Mapping):
        r.fail("(incident)", "an object", obj)
        return None, r
    r.check_keys(obj, "")
    ident = obj.get("id")
    if not isinstance(ident, str) or not ident:
        r.fail("id", "a non-empty string", ident)
    occurred = _read_date(r, obj.get("occurred_on"))
    location = _read_location(r, obj)
    perpetrator = _read_perpetrator(r, obj)
    target = _read_target(r, obj)
    launched = r.iso3(obj.get("launched_from"), "launched_from")
    host = r.flag(obj.get("host_permitted"), "host_permitted")
    acts = _read_acts(r, obj.get("acts"))
    sovereignty = r.flag(r.section(obj, "classification").get("attack_on_sovereignty"),
                         "classification.attack_on_sovereignty")
    if r.errors or occurred is None or not isinstance(ident, str):
        return None, r
    return IncidentFacts(id=ident, occurred_on=occurred, location=location,
                         perpetrator=perpetrator, target=target, launched_from=launched,
                         host_permitted=host, acts=acts, attack_on_sovereignty=sovereignty), r


def parse_incidents(data: object, *, strict: bool = False) -> ParsedFacts:
    """Validate one incident or a list; raise :class:`InvalidFacts` listing every fault.

    >>> parse_incidents({"id": "S1", "occurred_on": "2024-01-02"}).incidents[0].acts
    ('armed_attack',)
    """
    items = data if isinstance(data, list) else [data]
    incidents: list[IncidentFacts] = []
    errors: list[str] = []
    warnings: list[str] = []
    for index, obj in enumerate(items):
        incident, reader = _read_one(obj, index, strict)
        errors.extend(reader.errors)
        warnings.extend(reader.warnings)
        if incident is not None:
            incidents.append(incident)
    if errors:
        raise InvalidFacts(errors)
    return ParsedFacts(tuple(incidents), tuple(warnings))


def parse_incident(obj: Mapping[str, Any], *, strict: bool = False) -> IncidentFacts:
    """Validate a single incident object."""
    return parse_incidents(dict(obj), strict=strict).incidents[0]


def load_incidents(text: str, *, source: str = "FACTS.json", strict: bool = False) -> ParsedFacts:
    """Parse JSON text then validate it; a JSON syntax error names the source and position."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidFacts([f"{source}: expected JSON, got a syntax error at line {exc.lineno} "
                            f"column {exc.colno}: {exc.msg}"]) from None
    return parse_incidents(data, strict=strict)
