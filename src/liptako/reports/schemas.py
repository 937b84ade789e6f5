"""What the report subscriptions API accepts and returns."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from liptako.alerts.schemas import EMAIL, Strict

Language = Literal["fr", "en"]
State = Literal["BFA", "MLI", "NER", "SEC"]


class ReportSubscriptionIn(Strict):
    """A mailing list for the weekly situation report: ``recipients`` are e-mail addresses
    separated by commas; the report is built with what the account ``built_for`` (a
    username) may see; ``state`` defaults to the caller's."""

    recipients: str = Field(min_length=3, max_length=1000)
    built_for: str = Field(min_length=1, max_length=64)
    state: State | None = None
    language: Language = "fr"

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, value: str) -> str:
        bad = [a.strip() for a in value.split(",") if not re.match(EMAIL, a.strip())]
        if bad:
            raise ValueError(f"expected e-mail addresses separated by commas, got {bad[0]!r}")
        return ",".join(a.strip() for a in value.split(","))


class ReportSubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    state: str
    country: str
    recipients: str
    language: str
    built_for: int
    built_for_username: str
    active: bool
    created_at: dt.datetime
    disabled_at: dt.datetime | None
    last_week: dt.date | None
