"""The draft incident a text gives: each field's value, its confidence and where it came from.

The JSON of :class:`Draft` (``Draft.model_dump(mode="json")``) is what
``liptako intake extract --format json`` prints; its field names are stable:

``text``, ``lang`` ("en" or "fr"), ``reported_on`` (YYYY-MM-DD), then one object per field,
each with ``value`` and ``confidence`` in [0, 1] (a field not found has ``value`` null and
``confidence`` 0) and where the value came from:

- ``date``: ``value`` YYYY-MM-DD, ``phrase`` (the words it was read from);
- ``place``: ``value`` the best candidate, ``candidates`` every candidate best first when the
  text names more than one place (else empty); a candidate has ``name`` (gazetteer name),
  ``matched`` (the words in the text), ``lat``, ``lon``, ``iso3``, ``admin1_code``,
  ``admin1_name`` and ``score``;
- ``event_type``: ``value`` a type of the common typology, ``probabilities`` (type -> share,
  best first), ``rule`` (the cue rule that moved it, or null);
- ``fatalities``: ``value`` the number of dead, ``phrases`` (empty when no phrase speaks of
  deaths: the value is then 0, as ACLED codes such events);
- ``perpetrator``, ``target``: ``value`` a list of canonical actors of the registry, each with
  ``id``, ``name``, ``matched`` (the words in the text) and ``confidence``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DateField(_Frozen):
    """The date of the event and the phrase it was read from."""

    value: dt.date | None = None
    confidence: float = Field(0.0, ge=0.0, le=1.0)
    phrase: str | None = None


class PlaceValue(_Frozen):
    """A gazetteer place the text names."""

    name: str
    matched: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    iso3: str
    admin1_code: str | None
    admin1_name: str | None
    score: float = Field(ge=0.0, le=1.0)


class PlaceField(_Frozen):
    """The best place, and the ranked candidates when the text names several."""

    value: PlaceValue | None = None
    confidence: float = Field(0.0, ge=0.0, le=1.0)
    candidates: tuple[PlaceValue, ...] = ()


class EventTypeField(_Frozen):
    """The event type in the common typology and every type's probability."""

    value: str | None = None
    confidence: float = Field(0.0, ge=0.0, le=1.0)
    probabilities: dict[str, float] = Field(default_factory=dict)
    rule: str | None = None


class FatalitiesField(_Frozen):
    """The number of dead and the phrases it was counted from."""

    value: int | None = Field(None, ge=0)
    confidence: float = Field(0.0, ge=0.0, le=1.0)
    phrases: tuple[str, ...] = ()


class ActorValue(_Frozen):
    """A canonical actor of the registry named in the text."""

    id: str
    name: str
    matched: str
    confidence: float = Field(ge=0.0, le=1.0)


class ActorsField(_Frozen):
    """The actors of one role (perpetrator or target), surest first."""

    value: tuple[ActorValue, ...] | None = None
    confidence: float = Field(0.0, ge=0.0, le=1.0)


class Draft(_Frozen):
    """A draft incident read from a text, for an analyst to check and save."""

    text: str
    lang: Literal["en", "fr"]
    reported_on: dt.date
    date: DateField
    place: PlaceField
    event_type: EventTypeField
    fatalities: FatalitiesField
    perpetrator: ActorsField
    target: ActorsField
