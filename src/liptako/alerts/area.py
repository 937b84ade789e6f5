"""The area of an alert: an admin-1 unit's boundary from the shipped geography (or, for a
cluster of the hotspot scan, the union of its units'), made small enough for CAP.

Incidents carry the admin-1 code of :func:`liptako.core.adminlevels.levels_of`: a Natural
Earth unit in Mali and Niger, a region (the union of its provinces) in Burkina Faso. CAP
polygons are rings of "lat,lon" pairs, closed, of at least four points, without holes; a
unit made of several parts gives one polygon per part. Boundaries are simplified (Douglas-
Peucker, topology kept) until the whole area has at most :data:`MAX_POINTS` points.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from liptako.core.adminlevels import levels_of
from liptako.core.geo import admin_index

MAX_POINTS = 200
TOLERANCES = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2)  # degrees (0.01° is about 1.1 km)


@dataclass(frozen=True)
class Area:
    """An admin-1 unit: its code, names, country and boundary."""

    code: str
    name: str
    name_fr: str
    iso3: str
    shape: BaseGeometry


@functools.cache
def admin1_areas() -> dict[str, Area]:
    """Every admin-1 unit of the shipped boundaries, by code."""
    index = admin_index()
    parts: dict[str, list[BaseGeometry]] = {}
    names: dict[str, tuple[str, str, str]] = {}
    for unit, polygon in zip(index.units, index.polygons, strict=True):
        levels = levels_of(unit)
        code = levels.admin1_code or unit.code
        parts.setdefault(code, []).append(polygon)
        if levels.admin2_code is None:
            names[code] = (unit.name, unit.name_fr or unit.name, unit.iso3)
        else:  # a Burkina Faso region: named in French by the shipped data
            names[code] = (levels.admin1_name or code, levels.admin1_name or code, unit.iso3)
    return {code: Area(code, *names[code], shape=shapely.union_all(geoms))
            for code, geoms in sorted(parts.items())}


def _rings(shape: BaseGeometry) -> list[list[tuple[float, float]]]:
    polygons = list(shape.geoms) if isinstance(shape, MultiPolygon) else \
        [shape] if isinstance(shape, Polygon) else []
    return [list(p.exterior.coords) for p in polygons if not p.is_empty]


@functools.cache
def scan_units() -> dict[str, Area]:
    """Every unit of the shipped boundaries by its own code (the hotspot scan's locations:
    Burkina Faso's provinces rather than its regions)."""
    index = admin_index()
    return {u.code: Area(u.code, u.name, u.name_fr or u.name, u.iso3, polygon)
            for u, polygon in zip(index.units, index.polygons, strict=True)}


def units_name(codes: tuple[str, ...], *, shown: int = 3) -> str:
    """A cluster's area in a few words: its first units' names and how many more."""
    names = [scan_units()[c].name for c in codes[:shown]]
    more = len(codes) - shown
    return ", ".join(names) + (f" (+{more})" if more > 0 else "")


@functools.cache
def cap_polygons(code: str) -> tuple[str, ...]:
    """The admin-1 unit's boundary as CAP ``polygon`` values ("lat,lon lat,lon ...", closed)."""
    return _cap_rings(admin1_areas()[code].shape)


@functools.cache
def units_cap_polygons(codes: tuple[str, ...]) -> tuple[str, ...]:
    """The boundary of the union of some scan units, as CAP ``polygon`` values."""
    return _cap_rings(shapely.union_all([scan_units()[c].shape for c in codes]))


def _cap_rings(shape: BaseGeometry) -> tuple[str, ...]:
    rings: list[list[tuple[float, float]]] = []
    for tolerance in TOLERANCES:
        rings = [r for r in _rings(shapely.simplify(shape, tolerance, preserve_topology=True))
                 if len(r) >= 4]
        if rings and sum(len(r) for r in rings) <= MAX_POINTS:
            break
    return tuple(" ".join(f"{lat:.4f},{lon:.4f}" for lon, lat in ring) for ring in rings)


def polygon_geojson(polygons: tuple[str, ...]) -> dict[str, object]:
    """The simplified boundary CAP carries, as GeoJSON (for the alert page's map)."""
    rings = [[[float(p.split(",")[1]), float(p.split(",")[0])] for p in text.split(" ")]
             for text in polygons]
    shape: dict[str, object] = dict(mapping(MultiPolygon([Polygon(r) for r in rings])))
    return shape


def alert_polygons(area_code: str | None, units: list[str] | None) -> tuple[str, ...]:
    """An alert's CAP polygons: its cluster's units, else its admin-1 unit, else none."""
    if units:
        return units_cap_polygons(tuple(units))
    return cap_polygons(area_code) if area_code else ()
