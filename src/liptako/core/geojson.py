"""The shipped admin units as GeoJSON features, for every map and API that draws them."""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Any

from liptako.core.adminlevels import levels_of
from liptako.core.geo import admin_index


@functools.cache
def admin_features() -> tuple[dict[str, Any], ...]:
    """One Feature per shipped unit (Natural Earth polygons), with its code, country, English
    and French names and its admin-1 code and name (Burkina Faso's region for a province)."""
    blob = files("liptako.core").joinpath("data", "adm1_sahel_naturalearth.geojson").read_text(
        encoding="utf-8")
    index = admin_index()
    features = []
    for feature in json.loads(blob)["features"]:
        unit = index.unit(feature["properties"]["adm1_code"])
        levels = levels_of(unit)
        features.append({"type": "Feature", "geometry": feature["geometry"], "properties": {
            "code": unit.code, "iso3": unit.iso3, "name": unit.name, "name_fr": unit.name_fr,
            "admin1_code": levels.admin1_code, "admin1_name": levels.admin1_name}})
    return tuple(features)


def labelled(feature: dict[str, Any], lang: str) -> dict[str, Any]:
    """A unit's feature with ``label``, its name in ``lang`` (fr or en)."""
    props = feature["properties"]
    label = props["name_fr"] if lang == "fr" and props["name_fr"] else props["name"]
    return {**feature, "properties": {**props, "label": label}}
