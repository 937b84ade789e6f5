"""Pact definitions: loading, schema validation, consistency checks, membership as of a date.

A pact is data (``liptako/charter/pacts/<id>.yaml``) validated against ``pact.schema.json``;
errors name the file, the JSON path and what was expected::

    bad.yaml: $.provisions[3].rule.family: expected one of "T-TERR", ..., got "T-FOO"

Membership is evaluated as of a date: a party is bound from ``joined_on`` until its exit, which
is ``left_on`` when given, else ``withdrawal_notified_on`` plus the pact's notice period. On the
exit day itself the state is no longer a party.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from liptako.charter.errors import InvalidPact
from liptako.charter.pactcheck import check_consistency, schema_problems

PACTS_DIR = "pacts"
SCHEMA_FILE = "pact.schema.json"


@dataclass(frozen=True)
class Text:
    """A short text in English and French."""

    en: str
    fr: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``en`` or ``fr``)."""
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Party:
    """A state bound by the pact from ``joined_on`` until its exit."""

    iso3: str
    name: Text
    joined_on: dt.date
    withdrawal_notified_on: dt.date | None = None
    left_on: dt.date | None = None
    dates_verified: bool = True
    note: str | None = None

    def exit_on(self, notice_months: int) -> dt.date | None:
        """First day the state is no longer a party, or None while it stays."""
        if self.left_on is not None:
            return self.left_on
        if self.withdrawal_notified_on is not None:
            return add_months(self.withdrawal_notified_on, notice_months)
        return None

    def member_on(self, on: dt.date, notice_months: int) -> bool:
        """Whether the state is a party on ``on``."""
        exit_on = self.exit_on(notice_months)
        return self.joined_on <= on and (exit_on is None or on < exit_on)


@dataclass(frozen=True)
class Area:
    """A place test: on a party's territory and/or north of a latitude."""

    name: str
    party_territory: bool
    min_latitude: float | None = None
    label: Text | None = None
    description: Text | None = None

    def label_in(self, lang: str) -> str:
        """A short name for sentences ("the Alliance area")."""
        return self.label.get(lang) if self.label else self.name.replace("_", " ")


@dataclass(frozen=True)
class PerpetratorPattern:
    """Matches a perpetrator by kind and, optionally, group type."""

    kind: str
    group_type: str | None = None


@dataclass(frozen=True)
class Rule:
    """A trigger family and its parameters (see :mod:`liptako.charter.rules`)."""

    family: str
    owed_by: str
    beneficiary: str
    obligation: Text
    scope: str | None = None
    perpetrators: tuple[PerpetratorPattern, ...] = ()
    external_support: bool = False
    area: str | None = None
    acts: tuple[str, ...] = ()
    non_state_setting: str | None = None
    asset_kinds: tuple[str, ...] = ()
    asset_area: str | None = None
    outside_area: str | None = None
    host_branch: bool = False


@dataclass(frozen=True)
class Provision:
    """One article; operative ones carry the rule that decides whether an incident engages it."""

    article: str
    title: Text
    summary: Text
    operative: bool
    verified_numbering: bool
    confidence: str = "confirmed"
    cites: tuple[str, ...] = ()
    rule: Rule | None = None


@dataclass(frozen=True)
class DecisionRule:
    """How the parties take collective decisions."""

    kind: str
    body: Text
    summary: Text
    article: str | None = None
    verified_numbering: bool = True
    abstention_setting: str | None = None


@dataclass(frozen=True)
class Setting:
    """A named interpretive setting with its default and allowed values."""

    name: str
    default: str | bool
    choices: tuple[str | bool, ...]
    description: Text


@dataclass(frozen=True)
class Pact:
    """One instrument, as loaded from its definition file."""

    id: str
    version: str
    title: Text
    signed_on: dt.date
    in_force_from: dt.date
    notice_months: int
    parties: tuple[Party, ...]
    areas: Mapping[str, Area]
    decision_rule: DecisionRule
    settings: Mapping[str, Setting]
    provisions: tuple[Provision, ...]
    short_name: str = ""
    signed_at: str | None = None
    entry_into_force_article: str | None = None
    depositary: str | None = None
    withdrawal_article: str | None = None
    withdrawal_summary: Text | None = None
    notes: tuple[Text, ...] = ()
    source: str = ""

    def in_force_on(self, on: dt.date) -> bool:
        """Whether the pact binds anyone on ``on``."""
        return on >= self.in_force_from

    def members_on(self, on: dt.date) -> tuple[str, ...]:
        """ISO3 codes of the parties on ``on``, sorted."""
        if not self.in_force_on(on):
            return ()
        return tuple(sorted(p.iso3 for p in self.parties if p.member_on(on, self.notice_months)))

    @property
    def operative_provisions(self) -> tuple[Provision, ...]:
        """Provisions that an incident can engage, in file order."""
        return tuple(p for p in self.provisions if p.operative)

    def provision(self, article: str) -> Provision:
        """The provision with this article number."""
        for p in self.provisions:
            if p.article == article:
                return p
        raise KeyError(f"expected an article of {self.id}, got {article!r}")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the month's last day (31 Aug + 6 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- loading ------------------------------------------------------------------------------


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so the schema sees what the file says."""


_PlainLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_document(text: str, name: str) -> Any:
    try:
        if name.endswith(".json"):
            return json.loads(text)
        return yaml.load(text, Loader=_PlainLoader)  # noqa: S506 - SafeLoader subclass
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise InvalidPact([f"{name}: expected YAML or JSON, got a syntax error: {exc}"]) from None


@functools.cache
def pact_schema() -> dict[str, Any]:
    """The JSON Schema every pact file must satisfy."""
    text = files("liptako.charter").joinpath(PACTS_DIR, SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def available_pacts() -> tuple[str, ...]:
    """Ids of the shipped pacts."""
    folder = files("liptako.charter").joinpath(PACTS_DIR)
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


def parse_pact(data: Any, *, source: str) -> Pact:
    """Validate a decoded pact document and build the :class:`Pact`."""
    problems = schema_problems(data, pact_schema(), source)
    if not problems:
        problems = check_consistency(data, source)
    if problems:
        raise InvalidPact(problems)
    return _build(data, source)


def load_pact_file(path: str | Path) -> Pact:
    """Load and validate a pact definition file (YAML or JSON)."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InvalidPact([f"{path}: expected a readable pact file, got {exc.strerror}"]) from None
    return parse_pact(_read_document(text, path.name), source=str(path))


@functools.cache
def _shipped(pact_id: str) -> Pact:
    name = f"{pact_id}.yaml"
    text = files("liptako.charter").joinpath(PACTS_DIR, name).read_text("utf-8")
    pact = parse_pact(_read_document(text, name), source=name)
    if pact.id != pact_id:
        raise InvalidPact([f"{name}: $.id: expected {pact_id!r}, got {pact.id!r}"])
    return pact


def load_pact(ref: str | Path) -> Pact:
    """A shipped pact by id (``aes-2023``), or a pact file by path."""
    if isinstance(ref, str) and ref in available_pacts():
        return _shipped(ref)
    path = Path(ref)
    if path.suffix in (".yaml", ".yml", ".json") or path.exists():
        return load_pact_file(path)
    raise InvalidPact([f"pact {str(ref)!r}: expected one of {', '.join(available_pacts())} "
                       "or a path to a pact file"])


# --- building -----------------------------------------------------------------------------


def _text(obj: Mapping[str, str]) -> Text:
    return Text(en=obj["en"], fr=obj["fr"])


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _party(obj: Mapping[str, Any]) -> Party:
    joined = _date(obj["joined_on"])
    assert joined is not None
    return Party(iso3=obj["iso3"], name=_text(obj["name"]), joined_on=joined,
                 withdrawal_notified_on=_date(obj.get("withdrawal_notified_on")),
                 left_on=_date(obj.get("left_on")),
                 dates_verified=obj.get("dates_verified", True), note=obj.get("note"))


def _rule(obj: Mapping[str, Any]) -> Rule:
    patterns = tuple(PerpetratorPattern(p["kind"], p.get("group_type"))
                     for p in obj.get("perpetrators", ()))
    return Rule(family=obj["family"], owed_by=obj["owed_by"], beneficiary=obj["beneficiary"],
                obligation=_text(obj["obligation"]), scope=obj.get("scope"),
                perpetrators=patterns, external_support=obj.get("external_support", False),
                area=obj.get("area"), acts=tuple(obj.get("acts", ())),
                non_state_setting=obj.get("non_state_setting"),
                asset_kinds=tuple(obj.get("asset_kinds", ())), asset_area=obj.get("asset_area"),
                outside_area=obj.get("outside_area"), host_branch=obj.get("host_branch", False))


def _provision(obj: Mapping[str, Any]) -> Provision:
    rule = obj.get("rule")
    return Provision(article=obj["article"], title=_text(obj["title"]),
                     summary=_text(obj["summary"]), operative=obj["operative"],
                     verified_numbering=obj["verified_numbering"],
                     confidence=obj.get("confidence", "confirmed"),
                     cites=tuple(obj.get("cites", ())),
                     rule=_rule(rule) if rule is not None and obj["operative"] else None)


def _decision_rule(obj: Mapping[str, Any]) -> DecisionRule:
    return DecisionRule(kind=obj["kind"], body=_text(obj["body"]), summary=_text(obj["summary"]),
                        article=obj.get("article"),
                        verified_numbering=obj.get("verified_numbering", True),
                        abstention_setting=obj.get("abstention_setting"))


def _settings(obj: Mapping[str, Any]) -> dict[str, Setting]:
    return {name: Setting(name=name, default=s["default"], choices=tuple(s["choices"]),
                          description=_text(s["description"])) for name, s in obj.items()}


def _areas(obj: Mapping[str, Any]) -> dict[str, Area]:
    return {name: Area(name=name, party_territory=a["party_territory"],
                       min_latitude=a.get("min_latitude"),
                       label=_text(a["label"]) if "label" in a else None,
                       description=_text(a["description"]) if "description" in a else None)
            for name, a in obj.items()}


def _build(data: Mapping[str, Any], source: str) -> Pact:
    withdrawal = data["withdrawal"]
    signed, in_force = _date(data["signed_on"]), _date(data["in_force_from"])
    assert signed is not None and in_force is not None
    return Pact(
        id=data["id"], version=data["version"], title=_text(data["title"]),
        signed_on=signed, in_force_from=in_force, notice_months=withdrawal["notice_months"],
        parties=tuple(_party(p) for p in data["parties"]), areas=_areas(data["areas"]),
        decision_rule=_decision_rule(data["decision_rule"]),
        settings=_settings(data["policy"]),
        provisions=tuple(_provision(p) for p in data["provisions"]),
        short_name=data.get("short_name", data["id"]), signed_at=data.get("signed_at"),
        entry_into_force_article=data.get("entry_into_force_article"),
        depositary=data.get("depositary"), withdrawal_article=withdrawal.get("article"),
        withdrawal_summary=_text(withdrawal["summary"]) if "summary" in withdrawal else None,
        notes=tuple(_text(n) for n in data.get("notes", ())), source=source)
