"""What the API returns for duty records."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class DutyOut(BaseModel):
    """One duty record: who owes what to whom under which article, and its status."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    incident_id: int
    pact_id: str
    article: str
    owed_by: str
    beneficiary: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    note: str | None = None
