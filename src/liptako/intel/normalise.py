"""Raw actor strings (ACLED, UCDP, national reports, press) to canonical actor ids.

Order of the rules, first hit wins for each string or fragment:

1. an alias of the registry (case, diacritics, punctuation and spacing ignored);
2. the same, once a trailing ACLED period such as ``(2013-)`` is set aside;
3. a family naming convention: ``Military Forces of Mali (2020-2021)``, ``Civilians (Mali)``,
   ``Dogon Ethnic Militia (Mali)``, UCDP ``Government of Niger``...;
4. ACLED compound ``X and/or Y``: each side, with uncertain attribution;
5. UCDP dyad ``A - B``: both sides, when both resolve.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from liptako.intel.actors import ActorRegistry, Country, Family, FamilyRule, alias_key, fold

Attribution = Literal["certain", "uncertain"]

_PERIOD = r"\d{4}\s*-\s*(?:\d{4})?"
_TRAILING_PERIOD = re.compile(rf"^(?P<head>.*?)\s*\(\s*(?P<period>{_PERIOD})\s*\)$")
_LABELLED = re.compile(r"^(?P<label>[^()]+?)\s*\(\s*(?P<country>[^()]+?)\s*\)$")
_BRACKETED = re.compile(
    rf"^(?P<country>[^()]+?)\s*\(\s*(?P<period>{_PERIOD})\s*\)\s*(?P<unit>[a-z][a-z ]*)?$"
)
_WORDS = re.compile(r"^[a-z][a-z ]*$")
_COMPOUND = re.compile(r"\s+(?:and/or|et/ou)\s+", re.IGNORECASE)
_DYAD = " - "


@dataclass(frozen=True)
class ActorMatch:
    """One canonical actor named by a raw string.

    ``period`` is the regime or mandate period the source attached, e.g. ``"2020-2021"`` for
    "Military Forces of Mali (2020-2021)"; ``raw`` is the whole string as received.
    """

    actor_id: str
    attribution: Attribution
    period: str | None
    raw: str


@dataclass(frozen=True)
class Resolution:
    """The matches of a raw string and the fragments of it that matched nothing."""

    matches: tuple[ActorMatch, ...]
    unresolved: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.unresolved


def normalise(
    raw: str,
    *,
    on: dt.date | None = None,
    source: str | None = None,
    registry: ActorRegistry | None = None,
) -> list[ActorMatch]:
    """Canonical actors named by ``raw``; an empty or unknown string gives ``[]``.

    ``on`` (the event date) chooses between names that changed meaning over time; ``source``
    ("acled", "ucdp", ...) prefers that source's names and enables its source-only ones.

    >>> [(m.actor_id, m.period) for m in normalise("Military Forces of Mali (2020-2021)")]
    [('state.mli.military', '2020-2021')]
    """
    return list(resolve(raw, on=on, source=source, registry=registry).matches)


def resolve(
    raw: str,
    *,
    on: dt.date | None = None,
    source: str | None = None,
    registry: ActorRegistry | None = None,
) -> Resolution:
    """Like :func:`normalise`, and also say which fragments matched nothing."""
    text = raw.strip()
    if not text:
        return Resolution((), ())
    matcher = _Matcher(registry or ActorRegistry.load(), on, source, raw)
    found = matcher.single(text)
    if found is not None:
        return Resolution(tuple(found), ())
    parts = [part for part in _COMPOUND.split(text) if part.strip()]
    if len(parts) > 1:
        return matcher.compound(parts)
    return matcher.dyad(text)


@dataclass(frozen=True)
class _Matcher:
    registry: ActorRegistry
    on: dt.date | None
    source: str | None
    raw: str
    rules: _Rules = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", _rules(self.registry))

    def single(self, text: str) -> list[ActorMatch] | None:
        found = self._alias(text, None)
        if found is None and (dated := _TRAILING_PERIOD.match(text)):
            found = self._alias(dated["head"], _clean_period(dated["period"]))
        return found if found is not None else self._family(fold(text))

    def compound(self, parts: Sequence[str]) -> Resolution:
        # "X and/or Y" is ACLED saying it cannot tell which one acted: keep both, flagged.
        matches: list[ActorMatch] = []
        unresolved: list[str] = []
        for part in parts:
            found = self.single(part.strip())
            if found is None:
                unresolved.append(part.strip())
            matches += [_with(m, attribution="uncertain") for m in found or ()]
        return Resolution(_dedupe(matches), tuple(unresolved))

    def dyad(self, text: str) -> Resolution:
        sides = [side.strip() for side in text.split(_DYAD)]
        if len(sides) != 2:
            return Resolution((), (text,))
        found = [self.single(side) for side in sides]
        missing = tuple(side for side, hit in zip(sides, found, strict=True) if hit is None)
        # " - " also occurs inside names, so only UCDP's word makes a half-known dyad a dyad.
        if missing and (self.source != "ucdp" or len(missing) == 2):
            return Resolution((), (text,))
        return Resolution(_dedupe([m for hit in found for m in hit or ()]), missing)

    def _alias(self, text: str, period: str | None) -> list[ActorMatch] | None:
        pairs = [
            (actor_id, alias)
            for actor_id, alias in self.registry.lookup(text)
            if not alias.source_only or alias.source == self.source
        ]
        # A name used outside its documented period still names its actor, so the date
        # only narrows the choice when it leaves something to choose.
        pairs = [p for p in pairs if p[1].valid_on(self.on)] or pairs
        pairs = [p for p in pairs if p[1].source == self.source] or pairs
        ids = list(dict.fromkeys(actor_id for actor_id, _ in pairs))
        if not ids:
            return None
        attribution: Attribution = "certain" if len(ids) == 1 else "uncertain"
        return [ActorMatch(actor_id, attribution, period, self.raw) for actor_id in ids]

    def _family(self, folded: str) -> list[ActorMatch] | None:
        hit = self.rules.prefixed(folded, self.registry, self.source)
        hit = hit or self.rules.labelled(folded, self.registry)
        if hit is None:
            return None
        family, country, period = hit
        return [ActorMatch(family.actor_id(country.code), "certain", period, self.raw)]


_Hit = tuple[Family, Country, str | None]


@dataclass(frozen=True)
class _Prefix:
    words: str
    rule: FamilyRule
    family: Family


@dataclass(frozen=True)
class _Rules:
    """The family naming conventions of a registry, indexed for matching."""

    prefixes: tuple[_Prefix, ...]
    labels: dict[str, Family]
    suffixes: tuple[tuple[str, Family], ...]
    units: dict[str, Family]

    def prefixed(self, folded: str, registry: ActorRegistry, source: str | None) -> _Hit | None:
        for prefix in self.prefixes:
            if not (folded.startswith(prefix.words + " ") and prefix.rule.applies(source)):
                continue
            parsed = _after_prefix(folded[len(prefix.words) + 1 :], registry)
            if parsed is None:
                continue
            country, period, unit = parsed
            unit = (unit or "").strip()
            if (prefix.rule.period == "required" and period is None) or (
                prefix.rule.period == "forbidden" and period is not None
            ):
                continue
            if not unit:
                return prefix.family, country, period
            if prefix.rule.units:
                # ACLED appends a unit to a state force; a unit we do not list stays with it.
                return self.units.get(alias_key(unit), prefix.family), country, period
        return None

    def labelled(self, folded: str, registry: ActorRegistry) -> _Hit | None:
        match = _LABELLED.match(folded)
        country = registry.country(match["country"]) if match else None
        if match is None or country is None:
            return None
        label = match["label"]
        family = self.labels.get(alias_key(label))
        for suffix, candidate in self.suffixes:
            if family is None and (label == suffix or label.endswith(" " + suffix)):
                family = candidate
        return (family, country, None) if family else None


def _after_prefix(rest: str, registry: ActorRegistry) -> tuple[Country, str | None, str] | None:
    """Country, period and unit of what follows a state-force prefix."""
    bracketed = _BRACKETED.match(rest)
    if bracketed is not None:
        country = registry.country(bracketed["country"])
        return (country, _clean_period(bracketed["period"]), bracketed["unit"]) if country else None
    country = registry.country(rest)
    if country is not None:
        return country, None, ""
    # No brackets to delimit the country: "Military Forces of Mali Gendarmerie".
    words = rest.split()
    for cut in range(len(words) - 1, 0, -1):
        country = registry.country(" ".join(words[:cut]))
        unit = " ".join(words[cut:])
        if country is not None and _WORDS.match(unit):
            return country, None, unit
    return None


_RULE_CACHE: weakref.WeakKeyDictionary[ActorRegistry, _Rules] = weakref.WeakKeyDictionary()


def _rules(registry: ActorRegistry) -> _Rules:
    cached = _RULE_CACHE.get(registry)
    if cached is None:
        cached = _RULE_CACHE[registry] = _index_rules(registry)
    return cached


def _index_rules(registry: ActorRegistry) -> _Rules:
    prefixes: list[_Prefix] = []
    labels: dict[str, Family] = {}
    suffixes: list[tuple[str, Family]] = []
    units: dict[str, Family] = {}
    for family in registry.families:
        for rule in family.rules:
            for name in rule.names:
                if rule.form == "prefix":
                    prefixes.append(_Prefix(fold(name), rule, family))
                elif rule.form == "label":
                    labels[alias_key(name)] = family
                elif rule.form == "suffix":
                    suffixes.append((fold(name), family))
                else:
                    units[alias_key(name)] = family
    # Longest first, so "mutiny of military forces of" wins over "military forces of".
    prefixes.sort(key=lambda p: len(p.words), reverse=True)
    suffixes.sort(key=lambda s: len(s[0]), reverse=True)
    return _Rules(tuple(prefixes), labels, tuple(suffixes), units)


def _clean_period(period: str) -> str:
    return re.sub(r"\s+", "", period)


def _with(match: ActorMatch, *, attribution: Attribution) -> ActorMatch:
    return ActorMatch(match.actor_id, attribution, match.period, match.raw)


def _dedupe(matches: Sequence[ActorMatch]) -> tuple[ActorMatch, ...]:
    """One match per actor, uncertain if any mention of it was."""
    merged: dict[str, ActorMatch] = {}
    for match in matches:
        kept = merged.setdefault(match.actor_id, match)
        if match.attribution == "uncertain" and kept.attribution == "certain":
            merged[match.actor_id] = _with(kept, attribution="uncertain")
    return tuple(merged.values())
