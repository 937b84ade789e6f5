"""Index mechanics behind :mod:`liptako.core.geo`: exact grid point-in-polygon, distances, names.

Nothing here knows about countries or files; :mod:`liptako.core.geo` wraps these functions in the
public API. Coordinates are WGS 84 degrees, ``x`` = longitude and ``y`` = latitude.

Point-in-polygon (PERFORMANCE.md §3.1, "grid lookup + exact fallback"): the bounding box of the
polygons is cut into square cells by a quadtree that starts at 1° and halves down to
``1 / 2**level`` degrees. A cell whose closed box, grown by :data:`CELL_MARGIN_DEG`, touches no
polygon boundary is wholly inside one polygon (or inside none), so every point in it gets that
label with two integer operations. Only points in cells crossed by a boundary get the exact GEOS
test. The margin absorbs the rounding of the cell arithmetic, so the grid never answers for a
point that the exact test would place differently.

Tie rule (:func:`locate_exact`): ``covers`` semantics, i.e. a point on a polygon's edge or vertex
belongs to that polygon, as ``geopandas.sjoin(points, polys, predicate="covered_by")``. When
several polygons cover a point (a shared edge or vertex), the lowest polygon index wins.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
GeomArray = NDArray[np.object_]

KM_PER_DEGREE = 6371.0088 * math.pi / 180.0
"""Length of one degree of a great circle on the mean Earth sphere (IUGG R1 = 6371.0088 km)."""
CELL_MARGIN_DEG = 1e-9
"""How much each cell box is grown before it may be labelled wholly inside (about 0.1 mm)."""
_MIN_SUBSTRING = 3  # shorter queries match name prefixes only
_CHUNK = 16  # boundary segments per indexed piece: small pieces keep the STRtree filter sharp


def as_xy(lats: ArrayLike, lons: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """``(x, y)`` float arrays from latitudes and longitudes; both must be 1-D and equal length."""
    y = np.asarray(lats, dtype=np.float64)
    x = np.asarray(lons, dtype=np.float64)
    if y.ndim != 1 or y.shape != x.shape:
        raise ValueError(f"expected two 1-D arrays of equal length, got {y.shape} and {x.shape}")
    return x, y


@dataclass(frozen=True)
class PolygonGrid:
    """A raster of polygon labels: ``k`` wholly inside polygon ``k``, -1 outside all, -2 mixed."""

    polygons: GeomArray
    bounds: FloatArray
    labels: NDArray[np.int16]
    x0: float
    y0: float
    cells_per_degree: float

    def locate(self, x: FloatArray, y: FloatArray) -> IntArray:
        """Index of the polygon covering each point, -1 outside all (tie rule: lowest index)."""
        ok, lab = self._cell_labels(x, y)
        out = np.full(x.shape[0], -1, dtype=np.int64)
        out[ok] = lab
        mixed = ok[lab == -2]
        if mixed.size:
            out[mixed] = locate_exact(self.polygons, self.bounds, x[mixed], y[mixed])
        return out

    def mixed_fraction(self, x: FloatArray, y: FloatArray) -> float:
        """Share of the points that fall in cells crossed by a boundary (the exact-test share)."""
        _, lab = self._cell_labels(x, y)
        return int(np.count_nonzero(lab == -2)) / max(len(x), 1)

    def _cell_labels(self, x: FloatArray, y: FloatArray) -> tuple[IntArray, NDArray[np.int16]]:
        ny, nx = self.labels.shape
        fx = (x - self.x0) * self.cells_per_degree
        fy = (y - self.y0) * self.cells_per_degree
        ok = np.flatnonzero((fx >= 0) & (fx < nx) & (fy >= 0) & (fy < ny))  # NaN compares False
        # flat int32 indices: one gather, where a 2-D fancy index builds index arrays per axis
        cell = fy[ok].astype(np.int32) * np.int32(nx) + fx[ok].astype(np.int32)
        return ok, np.take(self.labels.ravel(), cell)


def locate_exact(polygons: GeomArray, bounds: FloatArray, x: FloatArray, y: FloatArray) -> IntArray:
    """Exact ``covers`` test against every polygon in index order; the first (lowest) wins."""
    out = np.full(x.shape[0], -1, dtype=np.int64)
    for k, poly in enumerate(polygons):
        minx, miny, maxx, maxy = bounds[k]
        cand = np.flatnonzero((out == -1) & (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
        if cand.size:
            out[cand[shapely.intersects_xy(poly, x[cand], y[cand])]] = k
    return out


def build_grid(polygons: GeomArray, *, level: int = 6) -> PolygonGrid:
    """Label a quadtree grid down to ``1 / 2**level`` degree cells (level 6 is about 1.7 km)."""
    if polygons.size == 0:
        raise ValueError("expected at least one polygon, got none")
    shapely.prepare(polygons)
    bounds = shapely.bounds(polygons)
    tree = shapely.STRtree(_boundary_pieces(polygons))
    x0 = math.floor(float(bounds[:, 0].min()))
    y0 = math.floor(float(bounds[:, 1].min()))
    nx = math.floor(float(bounds[:, 2].max())) - x0 + 1
    ny = math.floor(float(bounds[:, 3].max())) - y0 + 1
    labels = np.empty((ny, nx), dtype=np.int16)
    jj, ii = np.divmod(np.arange(nx * ny, dtype=np.int64), nx)
    for lev in range(level + 1):
        size = 1.0 / 2**lev
        lo_x, lo_y = x0 + ii * size, y0 + jj * size
        boxes = shapely.box(
            lo_x - CELL_MARGIN_DEG,
            lo_y - CELL_MARGIN_DEG,
            lo_x + size + CELL_MARGIN_DEG,
            lo_y + size + CELL_MARGIN_DEG,
        )
        crossed = np.zeros(ii.size, dtype=bool)
        crossed[tree.query(boxes, predicate="intersects")[0]] = True
        calm = ~crossed
        labels[jj[calm], ii[calm]] = locate_exact(
            polygons, bounds, lo_x[calm] + size / 2, lo_y[calm] + size / 2
        )
        labels[jj[crossed], ii[crossed]] = -2
        if lev == level:
            break
        labels = labels.repeat(2, axis=0).repeat(2, axis=1)
        ii, jj = ii[crossed] * 2, jj[crossed] * 2
        ii = np.concatenate([ii, ii + 1, ii, ii + 1])
        jj = np.concatenate([jj, jj, jj + 1, jj + 1])
    return PolygonGrid(polygons, bounds, labels, float(x0), float(y0), float(2**level))


def _boundary_pieces(polygons: GeomArray) -> GeomArray:
    """Every ring cut into linestrings of at most ``_CHUNK`` segments."""
    pieces: list[Any] = []
    for ring in shapely.get_parts(shapely.boundary(polygons)):
        coords = shapely.get_coordinates(ring)
        for start in range(0, coords.shape[0] - 1, _CHUNK):
            pieces.append(shapely.linestrings(coords[start : start + _CHUNK + 1]))
    return np.asarray(pieces, dtype=object)


@dataclass(frozen=True)
class Segments:
    """All boundary segments of a set of polygons, with the polygon each belongs to."""

    ax: FloatArray
    ay: FloatArray
    bx: FloatArray
    by: FloatArray
    owner: IntArray


def segments_of(polygons: GeomArray) -> Segments:
    """Flatten the rings of ``polygons`` into segment arrays for :func:`nearest_polygon_km`."""
    rings, owner = shapely.get_parts(shapely.boundary(polygons), return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    same = ring_of[1:] == ring_of[:-1]  # a segment joins two consecutive vertices of one ring
    a, b = coords[:-1][same], coords[1:][same]
    return Segments(a[:, 0], a[:, 1], b[:, 0], b[:, 1], owner[ring_of[:-1][same]].astype(np.int64))


def nearest_polygon_km(
    segs: Segments, n_polygons: int, x: FloatArray, y: FloatArray, *, chunk: int = 128
) -> tuple[IntArray, FloatArray]:
    """Nearest polygon boundary to each point and its distance in km.

    Distances are planar in an equirectangular projection centred on each point
    (x scaled by cos(lat), 111.195 km per degree): within a few hundred km of the point the
    error against the geodesic is well under 1 %, which is ample for border tolerances.
    """
    starts = np.searchsorted(segs.owner, np.arange(n_polygons))  # owners come sorted
    best = np.full(x.shape[0], -1, dtype=np.int64)
    dist = np.full(x.shape[0], np.inf)
    for s in range(0, x.shape[0], chunk):
        px, py = x[s : s + chunk, None], y[s : s + chunk, None]
        kx = np.cos(np.radians(py))
        ax, ay = (segs.ax - px) * kx, segs.ay - py
        dx, dy = (segs.bx - segs.ax) * kx, np.broadcast_to(segs.by - segs.ay, ax.shape)
        len2 = dx * dx + dy * dy
        t = np.clip(-(ax * dx + ay * dy) / np.where(len2 > 0, len2, 1.0), 0.0, 1.0)
        d2 = (ax + t * dx) ** 2 + (ay + t * dy) ** 2
        per_poly = np.minimum.reduceat(d2, starts, axis=1)
        best[s : s + chunk] = per_poly.argmin(axis=1)
        dist[s : s + chunk] = np.sqrt(per_poly.min(axis=1)) * KM_PER_DEGREE
    return best, dist


_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Accent-, case- and punctuation-insensitive key: "Ménaka" and "MENAKA" give "menaka"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare).strip()


class NameIndex:
    """Folded names in one sorted blob; substring search runs in C via ``str.find``."""

    def __init__(self, names: list[tuple[str, int]]) -> None:
        keyed = sorted({(k, i) for k, i in ((fold(n), i) for n, i in names) if k})
        self._keys = [k for k, _ in keyed]
        self._ids = np.fromiter((i for _, i in keyed), dtype=np.int64, count=len(keyed))
        self._blob = "\n".join(self._keys) + "\n"
        lengths = np.fromiter((len(k) + 1 for k in self._keys), dtype=np.int64, count=len(keyed))
        self._starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])

    def matches(self, query: str) -> dict[int, int]:
        """Best match rank per item id: 0 exact, 1 prefix, 2 word prefix, 3 substring."""
        q = fold(query)
        best: dict[int, int] = {}
        if len(q) < _MIN_SUBSTRING:  # a one- or two-letter substring matches half the index
            lo, hi = bisect.bisect_left(self._keys, q), bisect.bisect_left(self._keys, q + "\uffff")
            for row in range(lo, hi if q else lo):
                item = int(self._ids[row])
                best[item] = min(int(self._keys[row] != q), best.get(item, 4))
            return best
        pos = self._blob.find(q)
        while pos != -1:
            row = int(np.searchsorted(self._starts, pos, side="right")) - 1
            key, start = self._keys[row], int(self._starts[row])
            rank = 3
            if pos == start:
                rank = 0 if len(key) == len(q) else 1
            elif self._blob[pos - 1] == " ":
                rank = 2
            item = int(self._ids[row])
            best[item] = min(rank, best.get(item, 4))
            pos = self._blob.find(q, pos + 1)
        return best
