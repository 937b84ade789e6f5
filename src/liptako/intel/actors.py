"""Canonical actor registry: armed groups, state forces and target categories, with aliases.

The registry is data (``data/actors.yaml``); this module loads it lazily, validates it and
answers look-ups. Matching raw strings to ids is in :mod:`liptako.intel.normalise`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from liptako.core.errors import NotFound

KINDS = (
    "state", "international_organization", "non_state_armed_group", "criminal_group",
    "civilians", "protesters", "rioters", "organization", "unknown",
)  # fmt: skip
# The charter engine only knows these perpetrator kinds; see Actor.charter_facts.
PERPETRATOR_KINDS = (
    "state", "international_organization", "non_state_armed_group", "criminal_group", "unknown",
)  # fmt: skip
GROUP_TYPES = ("jihadist", "separatist_rebel", "militia", "other")
LANGS = ("en", "fr", "ar", "ar-Latn")
SOURCES = ("acled", "ucdp", "national", "press")
RULE_FORMS = ("label", "suffix", "prefix", "unit")
PERIOD_MODES = ("optional", "required", "forbidden")

_ISO3 = re.compile(r"^[A-Z]{3}$")
_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
# Apostrophes and Arabic letter marks carry no meaning for matching: Jama'at = Jamaat.
_DROP = dict.fromkeys(map(ord, "'’‘`´ʼʾʿ\u0640"), None)
# Arabic letters written interchangeably in names.
_ARABIC = str.maketrans({"ى": "ي", "ة": "ه"})


class ActorRegistryError(ValueError):
    """The registry data is invalid; the message names the entry, the field and the problem."""


Relation = Literal["predecessor", "successor"]


class UnknownActor(NotFound):
    """No actor has this id."""

    code = "unknown_actor"


# Actor strings repeat a lot (thousands of "Civilians (Mali)"), so keys are memoised.
@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no diacritics or apostrophes, single spaces; punctuation is kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_DROP))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_ARABIC).split())


@functools.lru_cache(maxsize=65536)
def alias_key(text: str) -> str:
    """The matching key of a name: letters and digits of :func:`fold`, nothing else.

    >>> alias_key("Jamā'at Nuṣrat al-Islām") == alias_key("jamaat nusrat al islam")
    True
    """
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _check_choice(name: str, value: object, choices: Iterable[str]) -> None:
    options = tuple(choices)
    if value not in options:
        raise ValueError(f"field {name!r}: expected one of {', '.join(options)}; got {value!r}")


def _check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and start > end:
        raise ValueError(f"valid_from {start} is after valid_to {end}")


def _within(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    return day is None or ((start is None or start <= day) and (end is None or day <= end))


@dataclass(frozen=True)
class Alias:
    """One name of an actor, in one language, as used by one kind of source, maybe for a time."""

    name: str
    lang: str
    source: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    ambiguous: bool = False
    source_only: bool = False

    def __post_init__(self) -> None:
        if not alias_key(self.name):
            raise ValueError(f"alias {self.name!r}: expected letters or digits")
        _check_choice("lang", self.lang, LANGS)
        _check_choice("source", self.source, SOURCES)
        _check_period(self.valid_from, self.valid_to)

    @property
    def key(self) -> str:
        return alias_key(self.name)

    def valid_on(self, day: dt.date | None) -> bool:
        return _within(day, self.valid_from, self.valid_to)


@dataclass(frozen=True)
class LineageLink:
    """A predecessor or successor of an actor (renaming, merger, dissolution) and its date."""

    relation: Relation
    actor_id: str
    on: dt.date | None = None


@dataclass(frozen=True)
class Actor:
    """A canonical actor. ``state`` is the served state for state forces, else a home country."""

    id: str
    name: str
    kind: str
    group_type: str | None = None
    state: str | None = None
    parent: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    description: str = ""
    aliases: tuple[Alias, ...] = ()
    lineage: tuple[LineageLink, ...] = ()

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"field 'id': expected dotted lower-case words; got {self.id!r}")
        _check_choice("kind", self.kind, KINDS)
        if self.kind == "non_state_armed_group":
            _check_choice("group_type", self.group_type, GROUP_TYPES)
        elif self.group_type is not None:
            raise ValueError(f"field 'group_type': only for non_state_armed_group, not {self.kind}")
        if self.state is not None and not _ISO3.match(self.state):
            raise ValueError(f"field 'state': expected an ISO3 code; got {self.state!r}")
        _check_period(self.valid_from, self.valid_to)

    def charter_facts(self) -> dict[str, str | None]:
        """The ``perpetrator`` facts of the charter engine for this actor.

        Kinds the charter has no word for (civilians, crowds, unarmed organisations) become
        ``unknown``: the engine then reports what is missing instead of a guessed category.
        """
        kind = self.kind if self.kind in PERPETRATOR_KINDS else "unknown"
        return {
            "kind": kind,
            "group_type": self.group_type if kind == "non_state_armed_group" else None,
            "state": self.state if kind == "state" else None,
            "actor": self.id,
        }


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    names: tuple[str, ...]
    pseudo: bool = False  # e.g. "International": a label, not a state


@dataclass(frozen=True)
class FamilyRule:
    """An ACLED/UCDP naming convention that yields a family member (see actors.yaml)."""

    form: str
    names: tuple[str, ...]
    period: str = "optional"
    units: bool = False
    source: str | None = None  # a prefix rule of one source is skipped for other sources
    source_only: bool = False  # ...and, if set, also when the caller names no source

    def __post_init__(self) -> None:
        _check_choice("form", self.form, RULE_FORMS)
        _check_choice("period", self.period, PERIOD_MODES)
        if not self.names:
            raise ValueError("rule: expected at least one name")
        if self.source is not None:
            _check_choice("source", self.source, SOURCES)
        if (self.source or self.source_only) and self.form != "prefix":
            raise ValueError("fields 'source' and 'source_only': only for prefix rules")
        if self.source_only and self.source is None:
            raise ValueError("field 'source_only': expected a 'source' too")

    def applies(self, source: str | None) -> bool:
        """Whether the rule is in force for a caller that names ``source`` (or none)."""
        if self.source is None:
            return True
        return source == self.source or (source is None and not self.source_only)


@dataclass(frozen=True)
class Family:
    """A template for actors that exist once per country, ``{code}`` being the ISO3 code."""

    template: str
    name: str
    kind: str
    group_type: str | None = None
    parent: str | None = None
    rules: tuple[FamilyRule, ...] = ()

    def __post_init__(self) -> None:
        if self.template.count("{code}") != 1:
            raise ValueError(f"field 'id': expected one '{{code}}'; got {self.template!r}")
        Actor(self.actor_id("xxx"), self.name, self.kind, self.group_type)  # validates fields

    def actor_id(self, code: str) -> str:
        return self.template.replace("{code}", code.lower())

    def instantiate(self, country: Country) -> Actor:
        parent = self.parent.replace("{code}", country.code.lower()) if self.parent else None
        return Actor(
            id=self.actor_id(country.code),
            name=self.name.replace("{country}", country.name),
            kind=self.kind,
            group_type=self.group_type,
            state=None if country.pseudo else country.code,
            parent=parent,
        )


# eq=False: a registry is compared and hashed by identity, so derived indexes can key on it.
@dataclass(frozen=True, eq=False)
class ActorRegistry:
    """Explicit actors, per-country families and the alias index; build with :meth:`load`."""

    actors: Mapping[str, Actor]
    families: tuple[Family, ...]
    countries: Mapping[str, Country]
    _aliases: Mapping[str, tuple[tuple[str, Alias], ...]] = field(repr=False)
    _country_keys: Mapping[str, str] = field(repr=False)
    _lineage: Mapping[str, tuple[LineageLink, ...]] = field(repr=False)
    _generated: dict[str, Actor] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> ActorRegistry:
        """The registry in ``path``, or the packaged one (parsed once, then cached)."""
        if path is None:
            return _packaged_registry()
        # Imported here: the loader builds this module's classes, so it imports this module.
        from liptako.intel import actors_loader

        return actors_loader.build(path.read_text(encoding="utf-8"), origin=path.name)

    def get(self, actor_id: str) -> Actor:
        """The actor with this id, explicit or instantiated from a family."""
        found = self.actors.get(actor_id) or self._generated.get(actor_id)
        if found is None:
            found = self.family_member(actor_id)
            if found is None:
                raise UnknownActor(f"no actor has the id {actor_id!r}")
            self._generated[actor_id] = found
        return found

    def has(self, actor_id: str) -> bool:
        try:
            self.get(actor_id)
        except UnknownActor:
            return False
        return True

    def lookup(self, name: str) -> tuple[tuple[str, Alias], ...]:
        """(actor id, alias) pairs whose alias has the same key as ``name``."""
        return self._aliases.get(alias_key(name), ())

    def country(self, name: str) -> Country | None:
        """The country an actor string names ("Mali", "the Ivory Coast", "Côte d'Ivoire")."""
        folded = fold(name)
        code = self._country_keys.get(alias_key(folded.removeprefix("the ")))
        return self.countries[code] if code else None

    def lineage(self, actor_id: str) -> tuple[LineageLink, ...]:
        """Predecessors and successors, whichever side of the link declared them."""
        return self._lineage.get(actor_id, ())

    def aliases(self) -> Iterable[tuple[str, Alias]]:
        """Every (actor id, alias) pair of the explicit actors."""
        for actor in self.actors.values():
            for alias in actor.aliases:
                yield actor.id, alias

    def family_member(self, actor_id: str) -> Actor | None:
        """The actor a family template gives for this id (ignoring explicit actors), if any."""
        for family in self.families:
            head, _, tail = family.template.partition("{code}")
            code = actor_id.removeprefix(head).removesuffix(tail).upper()
            if head + code.lower() + tail == actor_id and code in self.countries:
                return family.instantiate(self.countries[code])
        return None


@functools.cache
def _packaged_registry() -> ActorRegistry:
    from liptako.intel import actors_loader

    text = resources.files("liptako.intel").joinpath("data/actors.yaml").read_text("utf-8")
    return actors_loader.build(text, origin="actors.yaml")
