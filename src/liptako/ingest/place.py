"""Place a batch of records on the project's own map: admin units, PRIO-GRID, named areas."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from liptako.core.geo import AdminUnit, admin_index, in_named_area, prio_grid_gids
from liptako.ingest.records import EventRecord


@dataclass(frozen=True)
class Placement:
    admin1_code: str | None
    admin1_name: str | None
    admin2_code: str | None
    admin2_name: str | None
    admin_method: str | None
    outside_country_km: float | None
    priogrid_gid: int
    in_liptako_gourma: bool


def region_code(unit: AdminUnit) -> str:
    """A stable code for a Burkina Faso region, built from its name (no official code ships)."""
    folded = unicodedata.normalize("NFKD", unit.region or "").encode("ascii", "ignore").decode()
    return f"{unit.iso3}-R-{folded.upper().replace(' ', '-')}"


def unit_levels(unit: AdminUnit) -> tuple[str, str, str | None, str | None]:
    """Natural Earth gives Mali's and Niger's regions but Burkina Faso's 45 provinces (ADM2);
    for Burkina the province is admin-2 and its region, from the same file, admin-1."""
    if unit.iso3 == "BFA" and unit.region:
        return region_code(unit), unit.region, unit.code, unit.name
    return unit.code, unit.name, None, None


@dataclass(frozen=True)
class PointPlacement:
    """Placement of many points as arrays: the columnar form of :class:`Placement`.

    ``unit`` indexes ``admin_index().units`` (-1: unplaced); ``outside_km`` is 0 inside the
    stated country, the distance to it when placed across the border, NaN when the row names
    no known country (then the point alone decides).
    """

    unit: NDArray[np.int64]
    outside_km: NDArray[np.float64]
    priogrid_gid: NDArray[np.int64]
    in_liptako_gourma: NDArray[np.bool_]


def place_points(lats: ArrayLike, lons: ArrayLike, iso3s: ArrayLike) -> PointPlacement:
    """Vectorised placement of points in the country each names ("" for none)."""
    lat = np.asarray(lats, dtype=float)
    lon = np.asarray(lons, dtype=float)
    index = admin_index()
    units, km = index.assign_in_country(lat, lon, iso3s)
    # a row naming no known country is placed by its point alone
    unknown = np.isnan(km)
    if unknown.any():
        units[unknown] = index.assign(lat[unknown], lon[unknown])
    return PointPlacement(units, km, prio_grid_gids(lat, lon),
                          in_named_area("liptako_gourma", lat, lon))


def place(records: list[EventRecord]) -> list[Placement]:
    """Vectorised placement of a batch; a point across its stated border is kept and flagged."""
    if not records:
        return []
    index = admin_index()
    lats = np.fromiter((r.lat for r in records), dtype=float, count=len(records))
    lons = np.fromiter((r.lon for r in records), dtype=float, count=len(records))
    iso3s = np.array([r.iso3 or "" for r in records], dtype=object)
    points = place_points(lats, lons, iso3s)
    units, km = points.unit, points.outside_km
    gids, liptako = points.priogrid_gid, points.in_liptako_gourma
    out = []
    for i in range(len(records)):
        distance = float(km[i])
        unit_i = int(units[i])
        method = None if unit_i < 0 else ("nearest" if distance > 0 else "point")
        outside = None if math.isnan(distance) or distance == 0 else round(distance, 3)
        a1, a1_name, a2, a2_name = (unit_levels(index.units[unit_i]) if unit_i >= 0
                                    else (None, None, None, None))
        out.append(Placement(a1, a1_name, a2, a2_name, admin_method=method,
                             outside_country_km=outside, priogrid_gid=int(gids[i]),
                             in_liptako_gourma=bool(liptako[i])))
    return out
