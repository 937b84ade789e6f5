"""What the actor pages and API take in (an analyst's alias or lineage link) and show (an
actor, its names, its lineage, its activity); what the STIX routes take and answer."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from liptako.core.clock import Day
from liptako.intel.actors import GROUP_TYPES, LANGS, SOURCES

Lang = Literal[LANGS]  # type: ignore[valid-type]
Source = Literal[SOURCES]  # type: ignore[valid-type]
Relation = Literal["predecessor", "successor"]
GroupType = Literal[GROUP_TYPES]  # type: ignore[valid-type]
ACTOR_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"


class Strict(BaseModel):
    """Input: no unknown field, and no value of another JSON type taken for the declared one."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class AliasIn(Strict):
    """A name of the actor in one language, as one kind of source uses it, maybe for a time
    (a validity period: from and to, each optional)."""

    name: str = Field(min_length=1, max_length=300, pattern=r"^[^\r\n]+$")
    lang: Lang
    source: Source = "press"
    valid_from: Day | None = None
    valid_to: Day | None = None

    @model_validator(mode="after")
    def _period(self) -> AliasIn:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError(f"valid_to: expected a date on or after valid_from "
                             f"{self.valid_from.isoformat()}, got {self.valid_to.isoformat()}")
        return self


class LinkIn(Strict):
    """Another actor that preceded (``predecessor``) or followed (``successor``) this one:
    a renaming, a merger, a dissolution, on a date if known."""

    relation: Relation
    other_id: str = Field(min_length=1, max_length=64, pattern=ACTOR_ID)
    on: Day | None = None


class AliasOut(BaseModel):
    """A name of the actor: shipped with the registry (``id`` None) or added by an analyst."""

    id: int | None
    name: str
    lang: str
    source: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    added_by: str | None = None
    added_at: dt.datetime | None = None


class LinkOut(BaseModel):
    """A predecessor or successor: shipped (``id`` None) or added by an analyst."""

    id: int | None
    relation: Relation
    actor_id: str
    name: str
    on: dt.date | None
    added_by: str | None = None
    added_at: dt.datetime | None = None


class ActorSummary(BaseModel):
    """A canonical actor as the list shows it, with the events the reader may see."""

    id: str
    name: str
    kind: str
    group_type: str | None
    state: str | None
    parent: str | None
    events: int


class MonthOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    month: dt.date
    events: int
    fatalities: int


class AreaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    admin1_code: str | None
    admin1_name: str | None
    iso3: str | None
    events: int
    fatalities: int


class TargetOut(BaseModel):
    actor_id: str
    name: str
    kind: str
    events: int


class IncidentRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_on: dt.date
    event_type: str
    fatalities: int | None
    iso3: str | None
    admin1_name: str | None
    tlp: str


class ActivityOut(BaseModel):
    """What the reader may see of the actor's (and its components') events: per month over
    the 36 months up to its newest such event, its main admin-1 areas, the other side's
    actors most often met, and the latest events."""

    events: int
    fatalities: int
    months: list[MonthOut]
    areas: list[AreaOut]
    targets: list[TargetOut]
    latest: list[IncidentRef]


class ActorOut(BaseModel):
    """An actor with its names, lineage, parent and components, and its activity."""

    id: str
    name: str
    kind: str
    group_type: str | None
    state: str | None
    parent: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    description: str
    aliases: list[AliasOut]
    lineage: list[LinkOut]
    components: list[str]
    activity: ActivityOut


class BundleIn(BaseModel):
    """A STIX 2.1 bundle; its objects are checked by the OASIS validator, not here."""

    model_config = ConfigDict(extra="allow")

    type: Literal["bundle"]
    id: str = Field(pattern=r"^bundle--[0-9a-fA-F-]{36}$", max_length=44)
    objects: list[dict[str, Any]] = Field(default_factory=list)


class StoredOut(BaseModel):
    id: str
    type: str
    version: str
    tlp: str
    actor_id: str | None


class DuplicateOut(BaseModel):
    id: str
    version: str


class FailureOut(BaseModel):
    id: str
    message: str


class ImportOut(BaseModel):
    """What an import did: new versions stored, versions already stored (nothing done),
    objects refused with the reason (the rest stored), partner actors merged with the
    registry (partner object id -> actor id)."""

    stored: list[StoredOut]
    duplicates: list[DuplicateOut]
    failures: list[FailureOut]
    actors: dict[str, str]
