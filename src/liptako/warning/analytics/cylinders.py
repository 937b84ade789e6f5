"""The windows of the space-time scan: circles over locations and intervals over periods.

A cylinder is a circle (a centre location and the locations nearest to it, up to a radius)
times an interval of consecutive periods. Kulldorff (2005) and the SaTScan User Guide v10.0
("Spatial window", "Temporal window") define them: circles centred on each location, their
radius growing over its nearest neighbours up to a maximum share of the population (here: of
the locations, or of a population the caller gives) or a maximum distance, and intervals up
to a maximum duration. A circle never splits locations that lie at the same distance from its
centre: it holds all of them or none.

Coordinates are planar, in kilometres (projected x, y). :func:`project_lonlat` turns
longitudes and latitudes into such coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
# a share this close above the maximum still fits: cumulative sums of floats round
_SHARE_SLACK = 1e-12


def project_lonlat(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.float64]:
    """Project longitudes and latitudes (degrees) to planar x, y in kilometres.

    Azimuthal equidistant projection on a sphere (Snyder 1987, *Map Projections: A Working
    Manual*, USGS PP 1395, eq. 25-2 to 25-5) about the centre of the points' bounding box:
    distances from that centre are exact, and over a region the size of the Sahel (about
    2,000 km across) distances between points are off by a few per cent at most, which is
    what ordering neighbours needs.

    Parameters
    ----------
    lon, lat : array_like
        Degrees, the same length.

    Returns
    -------
    ndarray of shape (n, 2)
        x (east) and y (north) in kilometres.

    Examples
    --------
    >>> xy = project_lonlat([-1.0, 1.0], [12.0, 12.0])
    >>> round(float(np.hypot(*(xy[1] - xy[0]))), 1)
    217.5
    """
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    if lam.ndim != 1 or lam.shape != phi.shape:
        raise ValueError(f"lon, lat: expected two 1-D arrays of one length, got shapes "
                         f"{lam.shape} and {phi.shape}")
    if lam.size == 0 or not (np.all(np.isfinite(lam)) and np.all(np.isfinite(phi))):
        raise ValueError("lon, lat: expected finite degrees for at least one point")
    lam0 = (lam.min() + lam.max()) / 2
    phi0 = (phi.min() + phi.max()) / 2
    cos_c = np.sin(phi0) * np.sin(phi) + np.cos(phi0) * np.cos(phi) * np.cos(lam - lam0)
    c = np.arccos(np.clip(cos_c, -1.0, 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.where(c > 0, c / np.sin(c), 1.0)
    x = EARTH_RADIUS_KM * k * np.cos(phi) * np.sin(lam - lam0)
    y = EARTH_RADIUS_KM * k * (np.cos(phi0) * np.sin(phi)
                               - np.sin(phi0) * np.cos(phi) * np.cos(lam - lam0))
    return np.column_stack([x, y])


@dataclass(frozen=True, eq=False)
class Circles:
    """Every circle of the scan, one row per centre location.

    ``order[i, k]`` is the location that circle ``k`` of centre ``i`` adds (nearest first,
    ties by index: ``order[i, 0] == i`` unless another location shares its coordinates and
    has a smaller index); circle ``k`` holds ``order[i, :k + 1]``. ``radius[i, k]`` is its
    radius in kilometres and ``valid[i, k]`` says whether it is scanned.
    """

    order: NDArray[np.intp]
    radius: NDArray[np.float64]
    valid: NDArray[np.bool_]


def circles(coords_km: NDArray[np.float64], weights: NDArray[np.float64], *,
            max_share: float, max_radius_km: float | None) -> Circles:
    """The circles centred on each location, growing over its nearest neighbours.

    A circle is scanned when it holds at most ``max_share`` of the total weight, its radius
    is at most ``max_radius_km`` (when given), and the next location out is strictly farther
    (a circle holds all the locations at one distance or none). A centre alone is always
    scanned, whatever its weight. Columns past the largest scanned circle are dropped.

    Examples
    --------
    The location at x = 5 km is 4 km from those at 1 and 9: a circle of two about it would
    split them, and one of three holds more than half of the locations.

    >>> xy = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0], [9.0, 0.0]])
    >>> c = circles(xy, np.ones(4), max_share=0.5, max_radius_km=None)
    >>> c.order.tolist(), c.valid.tolist()
    ([[0, 1], [1, 0], [2, 1], [3, 2]], [[True, True], [True, True], [True, False], [True, True]])
    """
    n = coords_km.shape[0]
    diff = coords_km[:, None, :] - coords_km[None, :, :]
    dist = np.hypot(diff[..., 0], diff[..., 1])
    order = np.argsort(dist, axis=1, kind="stable")
    radius = np.take_along_axis(dist, order, axis=1)
    share = np.cumsum(weights[order], axis=1) / weights.sum()
    fits = share <= max_share + _SHARE_SLACK
    if max_radius_km is not None:
        fits &= radius <= max_radius_km
    whole = np.ones_like(fits)
    whole[:, :-1] = radius[:, :-1] < radius[:, 1:]
    valid = fits & whole
    valid[:, 0] = True
    width = int(np.flatnonzero(valid.any(axis=0)).max()) + 1 if n else 0
    return Circles(order=np.ascontiguousarray(order[:, :width]),
                   radius=np.ascontiguousarray(radius[:, :width]),
                   valid=np.ascontiguousarray(valid[:, :width]))


def intervals(periods: int, max_duration: int, *,
              prospective: bool) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """First and last period (inclusive) of every interval scanned, in scanning order.

    Ordered by last period, then from the shortest interval to the longest. Prospective
    scans keep only the intervals that end with the last period (Kulldorff 2005, "clusters
    that are still present at the time of the analysis").

    Examples
    --------
    >>> [list(map(int, a)) for a in intervals(4, 2, prospective=False)]
    [[0, 1, 0, 2, 1, 3, 2], [0, 1, 1, 2, 2, 3, 3]]
    >>> [list(map(int, a)) for a in intervals(4, 2, prospective=True)]
    [[3, 2], [3, 3]]
    """
    ends = [periods - 1] if prospective else range(periods)
    pairs = [(end - d + 1, end) for end in ends for d in range(1, min(max_duration, end + 1) + 1)]
    start, end = (np.array(col, dtype=np.int64) for col in zip(*pairs, strict=True))
    return start, end
