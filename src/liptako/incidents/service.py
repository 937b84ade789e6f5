"""Incident use cases shared by the importers, the API and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import inspect

from liptako.incidents.models import Incident


def snapshot(incident: Incident) -> dict[str, Any]:
    """Every column of an incident plus its actors, as JSON-ready values."""
    data: dict[str, Any] = {}
    for attr in inspect(Incident).column_attrs:
        value = getattr(incident, attr.key)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        data[attr.key] = value
    data["actors"] = [{"role": a.role, "raw": a.raw, "actor_id": a.actor_id,
                       "attribution": a.attribution, "period": a.period}
                      for a in incident.actors]
    return data
