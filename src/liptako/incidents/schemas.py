"""What the API accepts and returns for incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from liptako.incidents.rules import EVENT_TYPES


def _iso3() -> Any:
    return Field(default=None, pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code")

EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
Tlp = Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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

    occurred_on: dt.date
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

    @field_validator("occurred_on")
    @classmethod
    def _not_in_future(cls, value: dt.date) -> dt.date:
        if value > dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1):
            raise ValueError(f"expected a date not in the future, got {value.isoformat()}")
        if value.year < 1946:
            raise ValueError(f"expected a date from 1946 on, got {value.isoformat()}")
        return value

    def reported_facts(self) -> dict[str, Any]:
        return self.model_dump(include={"perpetrator", "target", "acts", "launched_from",
                                        "host_permitted"}, exclude_none=True)


class ActorOut(BaseModel):
    role: str
    raw: str
    actor_id: str | None
    attribution: str | None
    period: str | None


class VersionOut(BaseModel):
    version: int
    source_version: str | None
    superseded_at: dt.datetime


class IncidentOut(BaseModel):
    id: int
    source: str
    source_id: str
    source_version: str | None
    version: int
    occurred_on: dt.date
    occurred_until: dt.date | None
    date_precision: int | None
    location: Location | None
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
    source_place: dict[str, str | None]
    event_type: str
    source_event_type: str | None
    source_sub_event_type: str | None
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
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None
    actors: list[ActorOut]
    versions: list[VersionOut] = Field(default_factory=list)
    determinations: list[dict[str, Any]] = Field(default_factory=list)


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
    include_deleted: bool = False
