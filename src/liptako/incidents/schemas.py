"""What the registry takes in (national reports, records of a source) and shows (the API's
incident, the map's features)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from liptako.audit.rules import digest
from liptako.auth.releasability import audience_list
from liptako.core.clock import Day
from liptako.incidents.rules import EVENT_TYPES


def _iso3() -> Any:
    return Field(default=None, pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code")

EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
Tlp = Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]


class Strict(BaseModel):
    """Input: no unknown field, and no value of another JSON type taken for the declared one
    (``false`` for a number, ``1`` for a boolean, ``"5"`` for a count)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Location(Strict):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Perpetrator(Strict):
    kind: Literal["state", "international_organization", "non_state_armed_group",
                  "criminal_group", "unknown"] | None = None
    state: str | None = _iso3()
    group_type: Literal["jihadist", "separatist_rebel", "militia", "other"] | None = None
    actor: str | None = Field(default=None, max_length=200)


class Target(Strict):
    kind: Literal["state_forces", "civilians", "infrastructure", "vessel_or_aircraft",
                  "territory"] | None = None
    party: str | None = _iso3()
    outside_alliance_area: bool | None = None


class IncidentIn(Strict):
    """A national report of an incident."""

    occurred_on: Day
    location: Location
    description: str = Field(min_length=1, max_length=5000)
    event_type: EventType
    fatalities: int | None = Field(default=None, ge=0, le=100_000)
    perpetrator: Perpetrator | None = None
    target: Target | None = None
    acts: list[Literal["armed_attack", "blockade", "threat_of_force"]] | None = None
    launched_from: str | None = _iso3()
    host_permitted: bool | None = None
    place_name: str | None = Field(default=None, max_length=200)
    tlp: Tlp = "AMBER"
    audience: list[Literal["BFA", "MLI", "NER", "SEC"]] = Field(default_factory=list)
    exercise: bool = Field(default=False, description="made during an exercise: shown as "
                           "EXERCISE wherever it appears, removed by `liptako exercise clear`")
    source_text: str | None = Field(
        default=None, max_length=20_000, description="the text the report was read from (a "
        "field message, a news item), kept with the incident as its source")

    @field_validator("occurred_on")
    @classmethod
    def _not_in_future(cls, value: dt.date) -> dt.date:
        if value > dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1):
            raise ValueError(f"expected a date not in the future, got {value.isoformat()}")
        if value.year < 1946:
            raise ValueError(f"expected a date from 1946 on, got {value.isoformat()}")
        return value

    def targets_civilians(self) -> bool:
        return self.event_type == "violence_against_civilians" or (
            self.target is not None and self.target.kind == "civilians")

    def reported_facts(self) -> dict[str, Any]:
        return self.model_dump(include={"perpetrator", "target", "acts", "launched_from",
                                        "host_permitted"}, exclude_none=True)


class ActorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    role: str
    raw: str
    actor_id: str | None
    attribution: str | None
    period: str | None


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    source_version: str | None
    superseded_at: dt.datetime


def _hidden() -> Any:
    """A column read from the model to build another field, not shown itself."""
    return Field(exclude=True)


class IncidentOut(BaseModel):
    """An incident as the API shows it, read from the stored model (``from_attributes``);
    its earlier versions and determinations are added by whoever reads them."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    source: str
    source_id: str
    source_version: str | None
    version: int
    occurred_on: dt.date
    occurred_until: dt.date | None
    date_precision: int | None
    lat: float | None = _hidden()
    lon: float | None = _hidden()
    geo_precision: int | None
    iso3: str | None
    admin1_code: str | None
    admin1_name: str | None
    admin2_code: str | None
    admin2_name: str | None
    admin_method: str | None
    outside_country_km: float | None
    priogrid_gid: int | None
    in_liptako_gourma: bool | None
    src_admin1: str | None = _hidden()
    src_admin2: str | None = _hidden()
    src_admin3: str | None = _hidden()
    src_location: str | None = _hidden()
    event_type: str
    source_event_type: str | None = Field(validation_alias="src_event_type")
    source_sub_event_type: str | None = Field(validation_alias="src_sub_event_type")
    fatalities: int | None
    fatalities_low: int | None
    fatalities_high: int | None
    civilian_targeting: bool | None
    description: str | None
    sources: str | None
    reported: dict[str, Any] | None
    tlp: str
    originator: str
    audience: list[str]
    exercise: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None
    actors: list[ActorOut]
    versions: list[VersionOut] = Field(default_factory=list)
    determinations: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("audience", mode="before")
    @classmethod
    def _audience_codes(cls, value: Any) -> Any:
        return audience_list(value) if isinstance(value, str) or value is None else value

    @computed_field  # type: ignore[prop-decorator]
    @property
    def location(self) -> Location | None:
        if self.lat is None or self.lon is None:
            return None
        return Location(lat=self.lat, lon=self.lon)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def source_place(self) -> dict[str, str | None]:
        return {"admin1": self.src_admin1, "admin2": self.src_admin2,
                "admin3": self.src_admin3, "location": self.src_location}


DESCRIPTION_CHARS = 280
"""How much of its description an incident's map feature carries."""


def map_feature(incident: Any, actor_ids: Iterable[str]) -> dict[str, Any]:
    """An incident (a row with the columns it shows, or the model) and the canonical ids of
    its actors as a GeoJSON feature of the map's list."""
    located = incident.lat is not None and incident.lon is not None
    return {
        "type": "Feature", "id": incident.id,
        "geometry": {"type": "Point", "coordinates": [incident.lon, incident.lat]}
        if located else None,
        "properties": {
            "occurred_on": incident.occurred_on.isoformat(),
            "event_type": incident.event_type, "fatalities": incident.fatalities,
            "iso3": incident.iso3, "admin1_name": incident.admin1_name,
            "admin2_name": incident.admin2_name, "source": incident.source,
            "tlp": incident.tlp, "exercise": incident.exercise, "actors": sorted(actor_ids),
            "description": (incident.description or "")[:DESCRIPTION_CHARS]}}


@dataclass(frozen=True)
class ActorRef:
    """An actor as the source names it, and its side of the event."""

    role: str
    raw: str


@dataclass(frozen=True)
class Marking:
    """Who may see a national report, who sent it, and what it states about who acted and
    what was attacked (charter facts). Imported events carry none: they are public data."""

    tlp: str
    originator: str
    audience: str
    reported: dict[str, Any] | None
    created_by: int | None
    exercise: bool = False


@dataclass(frozen=True)
class EventRecord:
    """One event as a source gives it (a file's row, a national report), before it is placed
    on the map; ``line`` is where a file gave it (0 for a report)."""

    line: int
    source: str
    source_id: str
    source_version: str | None
    occurred_on: dt.date
    occurred_until: dt.date | None
    date_precision: int | None
    lat: float
    lon: float
    geo_precision: int | None
    iso3: str | None
    event_type: str
    src_event_type: str | None
    src_sub_event_type: str | None
    fatalities: int | None
    fatalities_low: int | None
    fatalities_high: int | None
    civilian_targeting: bool | None
    description: str | None
    sources: str | None
    src_admin: tuple[str | None, str | None, str | None]
    src_location: str | None
    actors: tuple[ActorRef, ...]
    extra: dict[str, Any] = field(default_factory=dict)
    marking: Marking | None = None

    def content_hash(self) -> str:
        """A digest of what the event says, leaving out where and when it was read and, for
        a report, its marking."""
        body = {k: v for k, v in self.__dict__.items()
                if k not in ("line", "source_version", "marking")}
        body["actors"] = [(a.role, a.raw) for a in self.actors]
        return digest(body)


class IncidentFilter(BaseModel):
    """The filters shared by the list, the stats and the pages."""

    bbox: tuple[float, float, float, float] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    country: list[str] = Field(default_factory=list)
    event_type: list[str] = Field(default_factory=list)
    actor: str | None = None
    source: list[str] = Field(default_factory=list)
    tlp: list[str] = Field(default_factory=list)
    q: str | None = None  # words, each found in the description or a place name
    include_deleted: bool = False
