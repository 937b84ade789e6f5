"""Reference geography for maps and forms: admin units, named areas, place search."""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Query
from shapely.geometry import mapping

from liptako.core.adminlevels import levels_of
from liptako.core.errors import NotFound
from liptako.core.geo import NAMED_AREAS, admin_index, named_area, search_places
from liptako.web.security import CurrentPrincipal

router = APIRouter(prefix="/geo", tags=["geography"])


@functools.cache
def _admin_features() -> list[dict[str, Any]]:
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
    return features


@router.get("/admin-units")
def admin_units(_principal: CurrentPrincipal,
                lang: Annotated[str, Query(pattern="^(fr|en)$")] = "en") -> dict[str, Any]:
    """The shipped admin polygons (Natural Earth), labelled in the chosen language."""
    features = []
    for f in _admin_features():
        props = f["properties"]
        label = (props["name_fr"] if lang == "fr" and props["name_fr"] else props["name"])
        features.append({**f, "properties": {**props, "label": label}})
    return {"type": "FeatureCollection", "features": features}


@router.get("/areas/{name}")
def area(name: str, _principal: CurrentPrincipal) -> dict[str, Any]:
    """A named area (the Liptako-Gourma zone, the Alliance) as GeoJSON."""
    if name not in NAMED_AREAS:
        raise NotFound(f"area {name}: not found; known areas are {', '.join(NAMED_AREAS)}")
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": mapping(named_area(name))}]}


@router.get("/places")
def places(_principal: CurrentPrincipal, q: Annotated[str, Query(min_length=2, max_length=100)],
           country: Annotated[str | None, Query(pattern="^(BFA|MLI|NER)$")] = None,
           limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[dict[str, Any]]:
    """Gazetteer search for forms (GeoNames, geonames.org, CC BY 4.0)."""
    return [{"geonameid": p.geonameid, "name": p.name, "iso3": p.iso3, "lat": p.lat,
             "lon": p.lon, "feature_code": p.feature_code, "population": p.population}
            for p in search_places(q, limit=limit, iso3=country)]
