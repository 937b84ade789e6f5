"""The areas a hotspot scan runs over: the shipped admin-1 units, their centres and who
borders whom.

The 62 units of the shipped boundaries (:func:`liptako.core.geo.admin_index`: Mali's and
Niger's regions, Burkina Faso's provinces) are the scan's locations. The space-time scan
needs each one's position: the centroid of its polygon, projected to kilometres by
:func:`~liptako.warning.analytics.cylinders.project_lonlat`. Gi* needs its neighbours: the
units whose polygons share a stretch of boundary with it (a line, not a single point: rook
contiguity on the polygons themselves).

An incident belongs to the unit whose code is its ``admin2_code`` when it has one (Burkina
Faso's provinces are admin-2) and its ``admin1_code`` otherwise (see
:mod:`liptako.core.adminlevels`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from liptako.core.geo import admin_index
from liptako.warning.analytics.cylinders import project_lonlat
from liptako.warning.analytics.neighbours import Neighbours

AREA_LEVELS = ("adm1",)


@dataclass(frozen=True, eq=False)
class Areas:
    """The units of one level: their codes (sorted), planar centres and neighbours."""

    level: str
    codes: tuple[str, ...]
    coords_km: NDArray[np.float64]
    neighbours: Neighbours

    def position(self) -> dict[str, int]:
        """Each code's row in the scan's tables."""
        return {code: k for k, code in enumerate(self.codes)}


@functools.cache
def areas(level: str = "adm1") -> Areas:
    """The areas of a level, built once per process."""
    if level not in AREA_LEVELS:
        raise ValueError(f"area level: expected one of {', '.join(AREA_LEVELS)}, got {level!r}")
    index = admin_index()
    centres = shapely.centroid(index.polygons)
    coords = project_lonlat(shapely.get_x(centres), shapely.get_y(centres))
    coords.setflags(write=False)
    return Areas(level, tuple(u.code for u in index.units), coords,
                 shared_boundaries(index.polygons))


def shared_boundaries(polygons: NDArray[np.object_]) -> Neighbours:
    """Neighbours: polygons whose boundaries share a line of positive length.

    Examples
    --------
    Four unit squares in a row and one touching the last only at a corner:

    >>> from shapely import box
    >>> squares = np.array([box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1),
    ...                     box(3, 0, 4, 1), box(4, 1, 5, 2)], dtype=object)
    >>> nb = shared_boundaries(squares)
    >>> [nb.of(i).tolist() for i in range(5)]
    [[1], [0, 2], [1, 3], [2], []]
    """
    left, right = shapely.STRtree(polygons).query(polygons, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    edges = shapely.boundary(polygons)
    shared = shapely.length(shapely.intersection(edges[left], edges[right])) > 0
    lists: list[list[int]] = [[] for _ in range(len(polygons))]
    for i, j in zip(left[shared].tolist(), right[shared].tolist(), strict=True):
        lists[i].append(j)
        lists[j].append(i)
    return Neighbours.from_lists([sorted(row) for row in lists])
