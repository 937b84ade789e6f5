"""What the STIX routes take and answer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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
