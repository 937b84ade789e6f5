"""Reference geography for maps and forms: admin units, named areas, place search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from shapely.geometry import mapping

from liptako.core.errors import NotFound
from liptako.core.geo import NAMED_AREAS, named_area, search_places
from liptako.core.geojson import admin_features, labelled
from liptako.web.security import CurrentPrincipal

router = APIRouter(prefix="/geo", tags=["geography"])


@router.get("/admin-units")
def admin_units(_principal: CurrentPrincipal,
                lang: Annotated[str, Query(pattern="^(fr|en)$")] = "en") -> dict[str, Any]:
    """The shipped admin polygons (Natural Earth), labelled in the chosen language."""
    return {"type": "FeatureCollection",
            "features": [labelled(f, lang) for f in admin_features()]}


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
