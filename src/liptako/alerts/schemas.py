"""What the alerts API accepts and returns."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from liptako.alerts.rules import CERTAINTIES, KINDS, SEVERITIES, URGENCIES

Kind = Literal[KINDS]  # type: ignore[valid-type]
Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
Urgency = Literal[URGENCIES]  # type: ignore[valid-type]
Certainty = Literal[CERTAINTIES]  # type: ignore[valid-type]
Article = Literal["6", "7"]
Channel = Literal["webhook", "email"]
Language = Literal["fr", "en"]
State = Literal["BFA", "MLI", "NER", "SEC"]
EMAIL = r"^[^@\s,<>\"]+@[^@\s,<>\"]+\.[^@\s,<>\"]+$"


class Strict(BaseModel):
    """Input: no unknown field, and no value of another JSON type taken for the declared one."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class RuleIn(Strict):
    """A rule: ``fatalities`` or ``events`` take ``threshold`` (reached at that number),
    ``days`` and optionally ``area`` (an admin-1 code; without it every unit is watched);
    ``charter`` takes ``articles`` (6, 7) and ``days``; ``cluster`` takes ``p_value`` (at
    most; 0.05 by default) and ``days`` (how recently the scan's period ended; 31 by
    default, 7 for the other kinds); ``forecast`` takes ``threshold`` (expected fatalities
    in a month) or ``probability`` (of 25 or more), and ``months`` ahead (3 by default).
    The CAP severity, urgency and certainty default to the kind's."""

    name: str = Field(min_length=3, max_length=200, pattern=r"^[^\r\n]+$")
    kind: Kind
    threshold: int | None = Field(default=None, ge=1, le=1_000_000)
    days: int | None = Field(default=None, ge=1, le=366)
    area: str | None = Field(default=None, max_length=32)
    articles: list[Article] | None = None
    p_value: float | None = Field(default=None, gt=0, le=0.2)
    probability: float | None = Field(default=None, gt=0, le=1)
    months: int | None = Field(default=None, ge=1, le=6)
    severity: Severity | None = None
    urgency: Urgency | None = None
    certainty: Certainty | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> RuleIn:
        if self.kind in ("fatalities", "events") and self.threshold is None:
            raise ValueError(f"threshold: expected a number for a {self.kind} rule")
        if self.kind == "charter" and (self.threshold is not None or self.area is not None):
            raise ValueError("threshold/area: a charter rule takes articles and days only")
        if self.kind != "charter" and self.articles is not None:
            raise ValueError(f"articles: a {self.kind} rule takes threshold, days and area")
        if self.kind == "cluster" and (self.threshold is not None or self.area is not None):
            raise ValueError("threshold/area: a cluster rule takes p_value and days only")
        if self.kind != "cluster" and self.p_value is not None:
            raise ValueError(f"p_value: only a cluster rule takes one, not a {self.kind} rule")
        if self.kind != "forecast" and (self.probability is not None or self.months is not None):
            raise ValueError(f"probability/months: only a forecast rule takes them, not a "
                             f"{self.kind} rule")
        if self.kind == "forecast" and self.area is not None:
            raise ValueError("area: a forecast rule watches every unit")
        return self


class RulePatch(Strict):
    """What can change on a rule (its kind cannot): leave out what stays."""

    name: str | None = Field(default=None, min_length=3, max_length=200, pattern=r"^[^\r\n]+$")
    active: bool | None = None
    threshold: int | None = Field(default=None, ge=1, le=1_000_000)
    days: int | None = Field(default=None, ge=1, le=366)
    p_value: float | None = Field(default=None, gt=0, le=0.2)
    probability: float | None = Field(default=None, gt=0, le=1)
    months: int | None = Field(default=None, ge=1, le=6)
    severity: Severity | None = None
    urgency: Urgency | None = None
    certainty: Certainty | None = None


class RuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    params: dict[str, object]
    severity: str
    urgency: str
    certainty: str
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class AlertSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    rule_id: int
    status: str
    area_code: str | None
    units: list[str] | None
    area_name: str
    iso3: str | None
    events: int
    fatalities: int
    severity: str
    urgency: str
    certainty: str
    tlp: str
    raised_at: dt.datetime
    updated_at: dt.datetime
    ended_at: dt.datetime | None


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    identifier: str
    msg_type: str
    sent_at: dt.datetime


class AckOut(BaseModel):
    """A member state's place on the board: addressed or not, acknowledged or not."""

    state: str
    addressed: bool
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None
    as_of_seq: int | None = None
    note: str | None = None


class AlertOut(AlertSummary):
    audience: list[str]
    incident_ids: list[int]
    messages: list[MessageOut]
    acknowledgements: list[AckOut]
    cap_url: str


class AckIn(Strict):
    note: str | None = Field(default=None, max_length=500)


class SubscriptionIn(Strict):
    """A webhook (``target`` its http(s) URL) or e-mail addresses (``target`` separated by
    commas); ``state`` defaults to the caller's."""

    channel: Channel
    target: str = Field(min_length=3, max_length=1000)
    state: State | None = None
    language: Language = "fr"

    @model_validator(mode="after")
    def _target(self) -> SubscriptionIn:
        import re

        if self.channel == "webhook" and not re.match(r"^https?://[^\s/]+", self.target):
            raise ValueError(f"target: expected an http(s) URL for a webhook, got "
                             f"{self.target!r}")
        if self.channel == "email":
            bad = [a for a in self.target.split(",") if not re.match(EMAIL, a.strip())]
            if bad:
                raise ValueError(f"target: expected e-mail addresses separated by commas, "
                                 f"got {bad[0].strip()!r}")
        return self


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    state: str
    channel: str
    target: str
    language: str
    active: bool
    created_at: dt.datetime
    disabled_at: dt.datetime | None


class SubscriptionMade(SubscriptionOut):
    """A new subscription; a webhook's shared secret is shown here only, once."""

    secret: str | None
