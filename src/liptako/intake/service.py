"""A text in, a draft incident out: the intake's parts combined."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final

from liptako.intake.actors import ActorFinding, find_actors
from liptako.intake.classify import Lang, classify_event_type, guess_lang
from liptako.intake.dates import resolve_date
from liptako.intake.fatalities import count_fatalities
from liptako.intake.places import PlaceCandidate, find_places
from liptako.intake.schemas import (
    ActorsField,
    ActorValue,
    DateField,
    Draft,
    EventTypeField,
    FatalitiesField,
    PlaceField,
    PlaceValue,
)
from liptako.intake.text import require_text
from liptako.intel.actors import ActorRegistry

__all__ = ["MAX_TEXT", "extract"]

MAX_TEXT: Final = 20_000  # a long news item is a few thousand characters; more is not a report
_NO_PHRASE: Final = "no phrase"  # what count_fatalities gives when no phrase speaks of deaths


def extract(text: str, *, reported_on: dt.date, lang: str | None = None) -> Draft:
    """The draft incident ``text`` reports, its dates resolved against ``reported_on``."""
    checked = _check(text, reported_on, lang)
    found = resolve_date(text, reported_on=reported_on, lang=checked)
    places = find_places(text, lang=checked)
    country = places[0].iso3 if places and places[0].iso3 else None
    actors = find_actors(text, on=found.date if found else reported_on, lang=checked,
                         country=country)
    return Draft(
        text=text, lang=checked, reported_on=reported_on,
        date=DateField(value=found.date, confidence=found.confidence, phrase=found.phrase)
        if found else DateField(),
        place=_place_field(places),
        event_type=_event_type_field(text, checked),
        fatalities=_fatalities_field(text, checked),
        perpetrator=_actors_field(a for a in actors if a.role == "perpetrator"),
        target=_actors_field(a for a in actors if a.role == "target"),
    )


def _check(text: object, reported_on: object, lang: object) -> Lang:
    """The language to read ``text`` in; ValueError naming the field on bad input."""
    text = require_text(text)
    if len(text) > MAX_TEXT:
        raise ValueError(f"text: expected at most {MAX_TEXT} characters, got {len(text)}")
    if not isinstance(reported_on, dt.date) or isinstance(reported_on, dt.datetime):
        raise ValueError(f"reported_on: expected a date, got {type(reported_on).__name__}")
    if lang is None:
        return guess_lang(text)
    if lang == "en" or lang == "fr":
        return lang
    raise ValueError(f"lang: expected 'en', 'fr' or None, got {lang!r}")


def _place_value(candidate: PlaceCandidate) -> PlaceValue:
    return PlaceValue(
        name=candidate.name, matched=candidate.matched, lat=candidate.lat, lon=candidate.lon,
        iso3=candidate.iso3, admin1_code=candidate.admin1_code,
        admin1_name=candidate.admin1_name, score=candidate.score,
    )


def _place_field(places: tuple[PlaceCandidate, ...]) -> PlaceField:
    if not places:
        return PlaceField()
    ranked = tuple(_place_value(p) for p in places)
    return PlaceField(value=ranked[0], confidence=ranked[0].score,
                      candidates=ranked if len(ranked) > 1 else ())


def _event_type_field(text: str, lang: Lang) -> EventTypeField:
    guess = classify_event_type(text, lang=lang)
    return EventTypeField(
        value=guess.event_type, confidence=round(guess.confidence, 4),
        probabilities={k: round(p, 4) for k, p in guess.probabilities}, rule=guess.rule,
    )


def _fatalities_field(text: str, lang: Lang) -> FatalitiesField:
    found = count_fatalities(text, lang=lang)
    phrases = tuple(p for p in found.phrases if p != _NO_PHRASE)
    return FatalitiesField(value=found.count, confidence=found.confidence, phrases=phrases)


def _actors_field(findings: Iterable[ActorFinding]) -> ActorsField:
    registry = ActorRegistry.load()
    ranked = sorted(findings, key=lambda a: -a.confidence)
    values = tuple(_actor_value(a, registry) for a in ranked)
    if not values:
        return ActorsField()
    return ActorsField(value=values, confidence=values[0].confidence)


def _actor_value(finding: ActorFinding, registry: ActorRegistry) -> ActorValue:
    name = registry.get(finding.actor_id).name if registry.has(finding.actor_id) \
        else finding.actor_id
    return ActorValue(id=finding.actor_id, name=name, matched=finding.text,
                      confidence=finding.confidence)
