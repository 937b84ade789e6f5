"""Place a batch of records on the project's own map: admin units, PRIO-GRID, named areas."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from liptako.core.adminlevels import levels_of
from liptako.core.geo import admin_index, in_named_area, prio_grid_gids
from liptako.incidents.schemas import EventRecord


@dataclass(frozen=True)
class Placement:
    unit_iso3: str | None  # the country of its admin unit
    admin1_code: str | None
    admin1_name: str | None
    admin2_code: str | None
    admin2_name: str | None
    admin_method: str | None
    outside_country_km: float | None
    priogrid_gid: int
    in_liptako_gourma: bool


@dataclass(frozen=True)
class PointPlacement:
    """Column-wise placement of many points (the vectorised core of :func:`place`)."""

    unit: NDArray[np.int64]
    outside_km: NDArray[np.float64]
    priogrid_gid: NDArray[np.int64]
    in_liptako_gourma: NDArray[np.bool_]


def place_points(lats: ArrayLike, lons: ArrayLike, iso3s: ArrayLike) -> PointPlacement:
    """Units in each row's stated country (nearest within tolerance), PRIO-GRID, zone flag.

    ``outside_km`` is 0 inside the stated country, the distance to it outside, and NaN for a
    row naming no known country, which is then placed by its point alone.
    """
    index = admin_index()
    unit, km = index.assign_in_country(lats, lons, iso3s)
    unknown = np.isnan(km)
    if unknown.any():
        unit[unknown] = index.assign(np.asarray(lats)[unknown], np.asarray(lons)[unknown])
    return PointPlacement(unit, km, prio_grid_gids(lats, lons),
                          in_named_area("liptako_gourma", lats, lons))


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
        unit = index.units[unit_i] if unit_i >= 0 else None
        a1, a1_name, a2, a2_name = levels_of(unit)
        out.append(Placement(unit.iso3 if unit else None, a1, a1_name, a2, a2_name,
                             admin_method=method, outside_country_km=outside,
                             priogrid_gid=int(gids[i]), in_liptako_gourma=bool(liptako[i])))
    return out
