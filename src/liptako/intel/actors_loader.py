"""Reading ``actors.yaml`` into an :class:`ActorRegistry`, with errors that say where and what."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

import yaml

from liptako.intel.actors import (
    SOURCES,
    Actor,
    ActorRegistry,
    ActorRegistryError,
    Alias,
    Country,
    Family,
    FamilyRule,
    LineageLink,
    Relation,
    alias_key,
)

T = TypeVar("T")

_TOP = {"version", "countries", "families", "actors"}
_ACTOR = {"id", "name", "kind", "group_type", "state", "parent", "valid_from", "valid_to",
          "description", "aliases", "lineage"}  # fmt: skip
_ALIAS = {"name", "lang", "source", "valid_from", "valid_to", "ambiguous", "source_only"}
_FAMILY = {"id", "name", "kind", "group_type", "parent", "rules"}
_RULE = {"label", "suffix", "prefix", "unit", "period", "units", "source", "source_only"}
_COUNTRY = {"name", "names", "pseudo"}
_LINK = {"predecessor", "successor", "date"}
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def build(text: str, *, origin: str) -> ActorRegistry:
    """Parse and validate registry text; ``origin`` names it in error messages."""
    data = _entry(_load_yaml(text, origin), origin, _TOP)
    countries = _countries(data.get("countries"), origin)
    families = tuple(
        _family(_entry(raw, where, _FAMILY), where)
        for where, raw in _items(data, "families", origin)
    )
    actors: dict[str, Actor] = {}
    for where, raw in _items(data, "actors", origin):
        actor = _actor(_entry(raw, where, _ACTOR), where)
        if actor.id in actors:
            raise ActorRegistryError(f"{where}: field 'id': {actor.id!r} is already used")
        actors[actor.id] = actor
    _check_rules(families, origin)
    registry = ActorRegistry(
        actors=actors,
        families=families,
        countries=countries,
        _aliases=_alias_index(actors.values(), origin),
        _country_keys=_country_index(countries.values(), origin),
        _lineage=_lineage_index(actors.values()),
    )
    _check_references(registry, origin)
    return registry


def parse_date(value: Any, *, end: bool) -> dt.date | None:
    """A date of day, month or year precision: its first day, or its last day if ``end``."""
    if value is None or isinstance(value, dt.date):
        return value
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(value))
    try:
        if not match:
            raise ValueError("not a date")
        year, month = int(match[1]), int(match[2] or 0)
        if month and match[3]:
            return dt.date(year, month, int(match[3]))
        first, last = (month, month) if month else (1, 12)
        if not end:
            return dt.date(year, first, 1)
        return dt.date(year, last, calendar.monthrange(year, last)[1])
    except ValueError as exc:
        raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD; got {value!r}") from exc


# --- entries -----------------------------------------------------------------------------


def _actor(raw: dict[str, Any], where: str) -> Actor:
    aliases = tuple(
        _alias(_entry(item, f"{where}: aliases[{i}]", _ALIAS), f"{where}: aliases[{i}]")
        for i, item in enumerate(_list(raw, "aliases", where))
    )
    links = tuple(
        _link(_entry(item, f"{where}: lineage[{i}]", _LINK), f"{where}: lineage[{i}]")
        for i, item in enumerate(_list(raw, "lineage", where))
    )
    return _construct(
        where, Actor,
        id=_text(raw, "id", where), name=_text(raw, "name", where),
        kind=_text(raw, "kind", where), group_type=_text(raw, "group_type", where, None),
        state=_text(raw, "state", where, None), parent=_text(raw, "parent", where, None),
        valid_from=_date(raw, "valid_from", where), valid_to=_date(raw, "valid_to", where),
        description=_text(raw, "description", where, "") or "", aliases=aliases, lineage=links,
    )  # fmt: skip


def _alias(raw: dict[str, Any], where: str) -> Alias:
    return _construct(
        f"{where} ({raw.get('name')!r})", Alias,
        name=_text(raw, "name", where), lang=_text(raw, "lang", where),
        source=_text(raw, "source", where),
        valid_from=_date(raw, "valid_from", where), valid_to=_date(raw, "valid_to", where),
        ambiguous=_flag(raw, "ambiguous", where), source_only=_flag(raw, "source_only", where),
    )  # fmt: skip


def _link(raw: dict[str, Any], where: str) -> LineageLink:
    relations = [name for name in ("predecessor", "successor") if name in raw]
    if len(relations) != 1:
        raise ActorRegistryError(f"{where}: expected one of 'predecessor' or 'successor'")
    relation: Relation = "predecessor" if relations[0] == "predecessor" else "successor"
    return LineageLink(relation, _text(raw, relations[0], where), _date(raw, "date", where))


def _family(raw: dict[str, Any], where: str) -> Family:
    rules = tuple(
        _rule(_entry(item, f"{where}: rules[{i}]", _RULE), f"{where}: rules[{i}]")
        for i, item in enumerate(_list(raw, "rules", where))
    )
    return _construct(
        where, Family,
        template=_text(raw, "id", where), name=_text(raw, "name", where),
        kind=_text(raw, "kind", where), group_type=_text(raw, "group_type", where, None),
        parent=_text(raw, "parent", where, None), rules=rules,
    )  # fmt: skip


def _rule(raw: dict[str, Any], where: str) -> FamilyRule:
    forms = [form for form in ("label", "suffix", "prefix", "unit") if form in raw]
    if len(forms) != 1:
        raise ActorRegistryError(f"{where}: expected exactly one of label, suffix, prefix, unit")
    names = raw[forms[0]] if isinstance(raw[forms[0]], list) else [raw[forms[0]]]
    if not all(isinstance(name, str) and name.strip() for name in names):
        raise ActorRegistryError(f"{where}: field {forms[0]!r}: expected text; got {names!r}")
    return _construct(
        where, FamilyRule,
        form=forms[0], names=tuple(names), period=_text(raw, "period", where, "optional"),
        units=_flag(raw, "units", where), source=_text(raw, "source", where, None),
        source_only=_flag(raw, "source_only", where),
    )  # fmt: skip


def _countries(raw: Any, origin: str) -> dict[str, Country]:
    if not isinstance(raw, dict):
        raise ActorRegistryError(f"{origin}: field 'countries': expected a mapping of ISO3 codes")
    countries = {}
    for code, value in raw.items():
        where = f"{origin}: countries.{code}"
        if not (isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code)):
            raise ActorRegistryError(f"{where}: expected an ISO3 code as key")
        entry = _entry(value, where, _COUNTRY)
        names = _list(entry, "names", where)
        if not names or not all(isinstance(name, str) for name in names):
            raise ActorRegistryError(f"{where}: field 'names': expected a list of names")
        countries[code] = Country(code, _text(entry, "name", where), tuple(names),
                                  _flag(entry, "pseudo", where))  # fmt: skip
    return countries


# --- indexes and cross-checks ------------------------------------------------------------


def _alias_index(actors: Any, origin: str) -> dict[str, tuple[tuple[str, Alias], ...]]:
    index: dict[str, list[tuple[str, Alias]]] = defaultdict(list)
    for actor in actors:
        for alias in actor.aliases:
            index[alias.key].append((actor.id, alias))
    for entries in index.values():
        for (id_a, a), (id_b, b) in itertools.combinations(entries, 2):
            if id_a != id_b and not (a.ambiguous and b.ambiguous) and overlaps(a, b):
                raise ActorRegistryError(
                    f"{origin}: alias {a.name!r} of {id_a} and alias {b.name!r} of {id_b} "
                    "match the same strings; expected both marked ambiguous or validity "
                    "periods that do not overlap"
                )
    return {key: tuple(entries) for key, entries in index.items()}


def overlaps(a: Alias, b: Alias) -> bool:
    """Whether two names are in force on a common day (no date: always)."""
    lo, hi = dt.date.min, dt.date.max
    return (a.valid_from or lo) <= (b.valid_to or hi) and (b.valid_from or lo) <= (a.valid_to or hi)


def _country_index(countries: Any, origin: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for country in countries:
        for name in (country.name, *country.names):
            key = alias_key(name)
            if index.setdefault(key, country.code) != country.code:
                raise ActorRegistryError(
                    f"{origin}: country name {name!r} is used by {index[key]} and {country.code}"
                )
    return index


def _lineage_index(actors: Any) -> dict[str, tuple[LineageLink, ...]]:
    index: dict[str, dict[tuple[str, str], LineageLink]] = defaultdict(dict)
    for actor in actors:
        for link in actor.lineage:
            inverse: Relation = "successor" if link.relation == "predecessor" else "predecessor"
            index[actor.id][(link.relation, link.actor_id)] = link
            index[link.actor_id].setdefault(
                (inverse, actor.id), LineageLink(inverse, actor.id, link.on)
            )
    return {actor_id: tuple(links.values()) for actor_id, links in index.items()}


def _check_references(registry: ActorRegistry, origin: str) -> None:
    for actor in registry.actors.values():
        where = f"{origin}: actor {actor.id!r}"
        referenced = [("parent", actor.parent)] + [("lineage", x.actor_id) for x in actor.lineage]
        for name, target in referenced:
            if target is not None and (target == actor.id or not registry.has(target)):
                raise ActorRegistryError(
                    f"{where}: field {name!r}: no actor {target!r} to refer to"
                )
        seen, cursor = {actor.id}, actor.parent
        while cursor is not None and cursor in registry.actors:
            if cursor in seen:
                raise ActorRegistryError(f"{where}: field 'parent': the parents form a cycle")
            seen.add(cursor)
            cursor = registry.actors[cursor].parent
        _check_family_override(registry, actor, where)
    sample = next(iter(registry.countries.values()))
    for family in registry.families:
        parent = family.instantiate(sample).parent
        if parent is not None and not registry.has(parent):
            raise ActorRegistryError(f"{origin}: family {family.template!r}: no parent {parent!r}")


def _check_family_override(registry: ActorRegistry, actor: Actor, where: str) -> None:
    # An explicit actor may enrich a family member (names, aliases), not change what it is.
    member = registry.family_member(actor.id)
    if member and (member.kind, member.state) != (actor.kind, actor.state):
        raise ActorRegistryError(
            f"{where}: its id belongs to a family of kind {member.kind} and state "
            f"{member.state}; expected the same, got kind {actor.kind} and state {actor.state}"
        )


def _check_rules(families: tuple[Family, ...], origin: str) -> None:
    # One naming convention must lead to one family for any caller, or matching would depend
    # on the order of the file.
    owners: dict[tuple[str, str, str, str | None], str] = {}
    for family in families:
        for rule in family.rules:
            modes = ("required", "forbidden") if rule.period == "optional" else (rule.period,)
            callers = [s for s in (None, *SOURCES) if rule.applies(s)]
            for name, mode, caller in itertools.product(rule.names, modes, callers):
                slot = (rule.form, alias_key(name), mode if rule.form == "prefix" else "", caller)
                if owners.setdefault(slot, family.template) != family.template:
                    raise ActorRegistryError(
                        f"{origin}: family {family.template!r}: {rule.form} {name!r} is "
                        f"already a rule of {owners[slot]!r}"
                    )


# --- field helpers -------------------------------------------------------------------------


def _load_yaml(text: str, origin: str) -> Any:
    try:
        # CSafeLoader is the C build of SafeLoader (same safe subset, several times faster).
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506
    except yaml.YAMLError as exc:
        raise ActorRegistryError(f"{origin}: not valid YAML: {exc}") from exc


def _entry(value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ActorRegistryError(f"{where}: expected a mapping; got {type(value).__name__}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ActorRegistryError(
            f"{where}: unknown field {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(sorted(allowed))}"
        )
    return value


def _items(data: Mapping[str, Any], name: str, origin: str) -> list[tuple[str, Any]]:
    """Entries of a list with where they are: "actors.yaml: actors[4] ('jnim')"."""
    return [
        (f"{origin}: {name}[{i}]" + (f" ({raw.get('id')!r})" if isinstance(raw, dict) else ""), raw)
        for i, raw in enumerate(_list(data, name, origin))
    ]


def _list(entry: Mapping[str, Any], name: str, where: str) -> list[Any]:
    value = entry.get(name) or []
    if not isinstance(value, list):
        raise ActorRegistryError(f"{where}: field {name!r}: expected a list; got {value!r}")
    return value


_REQUIRED = object()


def _text(entry: Mapping[str, Any], name: str, where: str, default: Any = _REQUIRED) -> Any:
    value = entry.get(name)
    if value is None:
        if default is _REQUIRED:
            raise ActorRegistryError(f"{where}: field {name!r}: required")
        return default
    if not isinstance(value, str) or not value.strip():
        raise ActorRegistryError(f"{where}: field {name!r}: expected text; got {value!r}")
    return value.strip()


def _flag(entry: Mapping[str, Any], name: str, where: str) -> bool:
    value = entry.get(name, False)
    if not isinstance(value, bool):
        raise ActorRegistryError(f"{where}: field {name!r}: expected true or false; got {value!r}")
    return value


def _date(entry: Mapping[str, Any], name: str, where: str) -> dt.date | None:
    try:
        return parse_date(entry.get(name), end=name in ("valid_to",))
    except ValueError as exc:
        raise ActorRegistryError(f"{where}: field {name!r}: {exc}") from exc


def _construct(where: str, factory: Callable[..., T], **fields: Any) -> T:
    try:
        return factory(**fields)
    except ValueError as exc:
        raise ActorRegistryError(f"{where}: {exc}") from exc


def with_edits(base: ActorRegistry, aliases: Mapping[str, tuple[Alias, ...]],
               links: Mapping[str, tuple[LineageLink, ...]]) -> ActorRegistry:
    """A new registry: ``base`` with more aliases and lineage links per actor id (explicit
    actors or family members); ``base`` itself is left as it is."""
    actors = dict(base.actors)
    for actor_id in aliases.keys() | links.keys():
        actor = base.get(actor_id)
        actors[actor_id] = replace(actor, aliases=actor.aliases + aliases.get(actor_id, ()),
                                   lineage=actor.lineage + links.get(actor_id, ()))
    return ActorRegistry(
        actors=actors, families=base.families, countries=base.countries,
        _aliases=_alias_index(actors.values(), "edits"),
        _country_keys=_country_index(base.countries.values(), "edits"),
        _lineage=_lineage_index(actors.values()),
    )
