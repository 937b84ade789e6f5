"""Pure rules of the incident registry: the common event typology and TLP labels."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Final

import orjson

EVENT_TYPES: Final = (
    "battle",
    "explosion_remote_violence",
    "violence_against_civilians",
    "protest",
    "riot",
    "strategic_development",
)

ACLED_EVENT_TYPES: Final = {
    "battles": "battle",
    "explosions/remote violence": "explosion_remote_violence",
    "remote violence": "explosion_remote_violence",
    "violence against civilians": "violence_against_civilians",
    "protests": "protest",
    "riots": "riot",
    "riots/protests": "riot",
    "strategic developments": "strategic_development",
}

# UCDP GED type_of_violence: 1 state-based, 2 non-state, 3 one-sided violence
UCDP_TYPES_OF_VIOLENCE: Final = {
    "1": ("battle", "state_based"),
    "2": ("battle", "non_state"),
    "3": ("violence_against_civilians", "one_sided"),
}

TLP_LEVELS: Final = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
SOURCES: Final = ("acled", "ucdp", "national")


def acled_event_type(raw: str) -> str | None:
    """The common type of an ACLED ``event_type``, or None when it is not one of ACLED's."""
    return ACLED_EVENT_TYPES.get(raw.strip().lower())


def targets_civilians(event_type: str, target_actors: list[str]) -> bool:
    """Violence against civilians, or any violent event whose other side is civilians."""
    if event_type == "violence_against_civilians":
        return True
    violent = event_type in ("battle", "explosion_remote_violence")
    return violent and any(a.lower().startswith("civilians") for a in target_actors)


def actor_ids_text(actor_ids: Iterable[str | None]) -> str:
    """The canonical actors of an incident as stored beside it: sorted, between commas."""
    found = sorted({a for a in actor_ids if a})
    return f",{','.join(found)}," if found else ""


def actor_ids_list(text: str | None) -> list[str]:
    return [a for a in (text or "").split(",") if a]


FEATURE_FIELDS: Final = ("occurred_on", "lat", "lon", "event_type", "fatalities", "iso3",
                         "admin1_name", "admin2_name", "source", "tlp", "description",
                         "actor_ids")
"""The columns an incident's map feature is made of (see :func:`feature_fragment`)."""
DESCRIPTION_CHARS: Final = 280


def feature_fragment(row: Mapping[str, Any]) -> str:
    """An incident's GeoJSON feature without its ``type`` and ``id``: ``{"geometry": ..,
    "properties": ..}``, from the values of :data:`FEATURE_FIELDS` (dates as dates or ISO).

    Stored beside the incident, so that a page of the map is its rows' fragments joined.
    """
    day = row["occurred_on"]
    lat, lon = row["lat"], row["lon"]
    return orjson.dumps({
        "geometry": None if lat is None or lon is None
        else {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "occurred_on": day if isinstance(day, str) else day.isoformat(),
            "event_type": row["event_type"], "fatalities": row["fatalities"],
            "iso3": row["iso3"], "admin1_name": row["admin1_name"],
            "admin2_name": row["admin2_name"], "source": row["source"], "tlp": row["tlp"],
            "actors": actor_ids_list(row["actor_ids"]),
            "description": (row["description"] or "")[:DESCRIPTION_CHARS]}}).decode()


def with_derived(row: dict[str, Any], actor_ids: Iterable[str | None]) -> dict[str, Any]:
    """An incident's column values (``row``, changed in place) with the columns stored beside
    them set: ``actor_ids``, the map ``feature``, ``lon_band``. For rows written past the ORM, whose
    listener keeps them otherwise."""
    row["actor_ids"] = actor_ids_text(actor_ids)
    row["feature"] = feature_fragment(row)
    row["lon_band"] = lon_band(row["lon"])
    return row


def lon_band(lon: float | None) -> int | None:
    """The whole degree of longitude a point lies in (the floor of its longitude): the map's
    list reads a box one such band at a time (see incidents.queries.page_query)."""
    return None if lon is None else math.floor(lon)
