"""Reference geography: admin units, point-in-polygon, named areas, PRIO-GRID, gazetteer.

The data ship in ``liptako/core/data`` (provenance and licences in its README.md). Nothing is
read at import time; each file is loaded on first use and cached for the process.

Admin assignment (:class:`AdminIndex`) is exact, with the grid of :mod:`liptako.core.geoindex`
for speed. **Tie rule**: a point on a unit's edge or vertex belongs to that unit (``covers``,
the same as ``geopandas.sjoin(..., predicate="covered_by")``); when it lies on a boundary shared
by several units it goes to the one with the smallest ``code`` in plain string order
(``"BFA-…" < "MLI-…" < "NER-…"``). ``AdminIndex.units`` is sorted by code, so this is also the
lowest index.

**Points across a border.** About 1 % of ACLED rows lie just outside the country they name (a
town on a border river, a coarse line of the 1:10m boundaries). They are kept: see
:meth:`AdminIndex.assign_in_country` and :data:`BORDER_TOLERANCE_KM`.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from liptako.core.geoindex import (
    FloatArray,
    GeomArray,
    IntArray,
    NameIndex,
    PolygonGrid,
    Segments,
    as_xy,
    build_grid,
    locate_exact,
    nearest_polygon_km,
    segments_of,
)

STATES: tuple[str, ...] = ("BFA", "MLI", "NER")
ISO3_BY_ISO2: dict[str, str] = {"BF": "BFA", "ML": "MLI", "NE": "NER"}
NAMED_AREAS: tuple[str, ...] = ("aes", "liptako_gourma")

BORDER_TOLERANCE_KM = 5.0
"""Largest distance outside its stated country at which a point is still placed in that country.

Measured on the shipped boundaries: 51 of 5,754 rows of ``shared/data/acled_sahel.csv`` (0.89 %,
12 sites) lie outside the country their row names, all within 1.9 km of it (median 0.35 km;
farthest In Khalil, 1.88 km, then Tangangari and Petenangue). Of the 1,743 events of the newer
``acled_mali_monadic.csv``, 19 (1.09 %) do, 18 within 1.9 km; the 19th is Ouami (Mopti), 6.5 km
inside Niger only because that vintage flipped its longitude sign (+1.5659; the older export and
GeoNames give -1.566). 5 km keeps every border case with a 2.5x margin, matches the nominal
precision of 1:10m lines (0.5 mm at 1:10,000,000), and leaves such gross errors unplaced.
"""

_DATA = "data"
_ADM1_FILE = "adm1_sahel_naturalearth.geojson"


def _read_text(name: str) -> str:
    return files("liptako.core").joinpath(_DATA, name).read_text(encoding="utf-8")


def _check_iso3(iso3: str) -> str:
    if iso3 not in STATES:
        raise ValueError(f"expected an ISO3 code in {STATES}, got {iso3!r}")
    return iso3


# --- PRIO-GRID 2.0 -------------------------------------------------------------------------


def prio_grid_gids(lats: ArrayLike, lons: ArrayLike) -> NDArray[np.int64]:
    """PRIO-GRID 2.0 cell ids (0.5°, row 1 at the South Pole, 720 columns from -180°).

    >>> int(prio_grid_gids([10.51], [2.29])[0])
    145085
    """
    x, y = as_xy(lats, lons)
    bad = ~((y >= -90) & (y <= 90) & (x >= -180) & (x <= 180))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"expected lat in [-90, 90] and lon in [-180, 180], got {int(bad.sum())} invalid "
            f"points, the first lat={y[i]} lon={x[i]}"
        )
    row = np.minimum(np.floor((y + 90.0) * 2.0).astype(np.int64), 359)  # lat 90 -> top row
    col = np.minimum(np.floor((x + 180.0) * 2.0).astype(np.int64), 719)
    return row * 720 + col + 1


def prio_grid_gid(lat: float, lon: float) -> int:
    """PRIO-GRID 2.0 cell id of one point: ``prio_grid_gid(10.51, 2.29) == 145085``."""
    return int(prio_grid_gids([lat], [lon])[0])


# --- admin units ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminUnit:
    """One admin unit of the shipped boundaries.

    ``level`` is the level in the shipped layer (1, Natural Earth admin-1): Mali and Niger
    regions, but Burkina Faso *provinces*, which are officially ADM2; for those, ``region``
    names the official region (ADM1) they belong to, and is None elsewhere.
    """

    code: str
    iso3: str
    name: str
    name_fr: str | None
    level: int
    iso_3166_2: str | None
    region: str | None = None

    def __post_init__(self) -> None:
        if not self.code.startswith(f"{self.iso3}-"):
            raise ValueError(f"expected a code starting with {self.iso3}-, got {self.code!r}")
        if self.level < 0:
            raise ValueError(f"expected a level >= 0, got {self.level}")


class AdminIndex:
    """Units, their polygons and a grid index; build once with :meth:`load`."""

    def __init__(self, units: Sequence[AdminUnit], polygons: GeomArray, grid: PolygonGrid) -> None:
        self.units: list[AdminUnit] = list(units)
        self.polygons = polygons
        self._grid = grid
        self._iso3 = np.array([u.iso3 for u in self.units], dtype=object)
        self._by_country: dict[str, IntArray] = {
            c: np.flatnonzero(self._iso3 == c).astype(np.int64) for c in STATES
        }
        self._segments: dict[str, Segments] = {}
        self._position = {u.code: k for k, u in enumerate(self.units)}

    @classmethod
    def load(cls) -> AdminIndex:
        """The index of the shipped ADM1 boundaries, built once per process."""
        return admin_index()

    @classmethod
    def build(cls, *, grid_level: int = 6) -> AdminIndex:
        """A fresh, uncached index of the shipped ADM1 boundaries (about 0.5 s)."""
        return cls.from_geojson(_read_text(_ADM1_FILE), grid_level=grid_level)

    @classmethod
    def from_geojson(cls, text: str, *, level: int = 1, grid_level: int = 6) -> AdminIndex:
        """Build from a FeatureCollection with Natural Earth admin-1 properties."""
        feats: list[dict[str, Any]] = sorted(
            json.loads(text)["features"], key=lambda f: str(f["properties"]["adm1_code"])
        )
        units = [
            AdminUnit(
                code=p["adm1_code"],
                iso3=p["adm0_a3"],
                name=p["name"],
                name_fr=p.get("name_fr") or None,
                level=level,
                iso_3166_2=p.get("iso_3166_2") or None,
                region=p.get("region") or None,
            )
            for p in (f["properties"] for f in feats)
        ]
        polygons = np.array([shape(f["geometry"]) for f in feats], dtype=object)
        return cls(units, polygons, build_grid(polygons, level=grid_level))

    def assign(self, lats: ArrayLike, lons: ArrayLike) -> NDArray[np.int64]:
        """Index into :attr:`units` of the unit covering each point; -1 outside all."""
        x, y = as_xy(lats, lons)
        return self._grid.locate(x, y)

    def exact_share(self, lats: ArrayLike, lons: ArrayLike) -> float:
        """Share of the points that fall in grid cells crossed by a boundary (exact test)."""
        x, y = as_xy(lats, lons)
        return self._grid.mixed_fraction(x, y)

    def country_of(self, lats: ArrayLike, lons: ArrayLike) -> NDArray[np.object_]:
        """ISO3 of the country covering each point, ``None`` outside the three states."""
        idx = self.assign(lats, lons)
        out = np.full(idx.shape[0], None, dtype=object)
        inside = idx >= 0
        out[inside] = self._iso3[idx[inside]]
        return out

    def unit_at(self, lat: float, lon: float) -> AdminUnit | None:
        """The unit covering one point, ``None`` outside all."""
        k = int(self.assign([lat], [lon])[0])
        return self.units[k] if k >= 0 else None

    def country_at(self, lat: float, lon: float) -> str | None:
        """ISO3 of the country covering one point, ``None`` outside the three states."""
        unit = self.unit_at(lat, lon)
        return unit.iso3 if unit else None

    def units_of(self, iso3: str) -> list[AdminUnit]:
        """Units of one country, sorted by code."""
        return [self.units[k] for k in self._by_country[_check_iso3(iso3)]]

    def index_of(self, code: str) -> int:
        """Position in :attr:`units` (and :attr:`polygons`) of the unit with this code."""
        if code not in self._position:
            raise KeyError(f"expected an admin code such as {self.units[0].code!r}, got {code!r}")
        return self._position[code]

    def unit(self, code: str) -> AdminUnit:
        """The unit with this Natural Earth ``adm1_code``."""
        return self.units[self.index_of(code)]

    def nearest_in_country(self, lat: float, lon: float, iso3: str) -> tuple[AdminUnit, float]:
        """Nearest unit of ``iso3`` to a point and the distance to it in km (0 when inside).

        Distances are planar in an equirectangular projection centred on the point (see
        :func:`liptako.core.geoindex.nearest_polygon_km`), within 1 % of the geodesic nearby.
        """
        _check_iso3(iso3)
        idx, km = self.assign_in_country([lat], [lon], [iso3], tolerance_km=math.inf)
        return self.units[int(idx[0])], float(km[0])

    def assign_in_country(
        self,
        lats: ArrayLike,
        lons: ArrayLike,
        iso3s: ArrayLike,
        *,
        tolerance_km: float = BORDER_TOLERANCE_KM,
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Place points in the country each row names.

        Returns ``(unit, km)``: ``km`` is 0 for a point inside its country, else the distance
        to that country (flag these rows; keep them). ``unit`` is the unit covering the point,
        or for a point outside its country the nearest unit of that country when
        ``km <= tolerance_km``, else -1. Rows naming no known state, or without coordinates,
        get -1 and NaN.
        """
        x, y = as_xy(lats, lons)
        iso = np.asarray(iso3s, dtype=object)
        if iso.shape != x.shape:
            raise ValueError(f"expected {x.shape[0]} ISO3 codes, got shape {iso.shape}")
        unit = self.assign(y, x)
        km = np.zeros(x.shape[0])
        own = unit >= 0
        own[own] = self._iso3[unit[own]] == iso[own]
        finite = np.isfinite(x) & np.isfinite(y)
        for c in STATES:
            rows = np.flatnonzero(~own & (iso == c) & finite)
            if rows.size:
                unit[rows], km[rows] = self._nearest_of(c, x[rows], y[rows])
                unit[rows[km[rows] > tolerance_km]] = -1
        bad = ~own & ~(np.isin(iso, STATES) & finite)
        unit[bad], km[bad] = -1, np.nan
        return unit, km

    def _nearest_of(self, iso3: str, x: FloatArray, y: FloatArray) -> tuple[IntArray, FloatArray]:
        members = self._by_country[iso3]
        if iso3 not in self._segments:
            self._segments[iso3] = segments_of(self.polygons[members])
        # events repeat at the same gazetteer sites (ACLED: 4x), so measure each site once
        xy, inv = np.unique(np.column_stack([x, y]), axis=0, return_inverse=True)
        near, km = nearest_polygon_km(self._segments[iso3], members.size, xy[:, 0], xy[:, 1])
        # a point on a border may have gone to the neighbour by the tie rule: it is at 0 km
        bounds = shapely.bounds(self.polygons[members])
        inside = locate_exact(self.polygons[members], bounds, xy[:, 0], xy[:, 1])
        near, km = np.where(inside >= 0, inside, near), np.where(inside >= 0, 0.0, km)
        return members[near][inv.ravel()], km[inv.ravel()]


@functools.cache
def admin_index() -> AdminIndex:
    """The process-wide :class:`AdminIndex` of the shipped ADM1 boundaries."""
    return AdminIndex.build()


# --- named areas ---------------------------------------------------------------------------


@functools.cache
def _named_feature(name: str) -> tuple[BaseGeometry, tuple[str, ...]]:
    if name not in NAMED_AREAS:
        raise ValueError(f"expected a named area in {NAMED_AREAS}, got {name!r}")
    if name == "aes":
        feats = json.loads(_read_text("adm0_sahel.geojson"))["features"]
        geom = shapely.union_all([shape(f["geometry"]) for f in feats])
        return geom, tuple(u.code for u in admin_index().units)
    feat = json.loads(_read_text(f"{name}.geojson"))["features"][0]
    return shape(feat["geometry"]), tuple(feat["properties"]["members"])


@functools.cache
def _named_grid(name: str) -> PolygonGrid:
    return build_grid(np.array([named_area(name)], dtype=object))


def named_area(name: str) -> BaseGeometry:
    """Geometry of a named area: ``"liptako_gourma"`` (tri-border zone) or ``"aes"``."""
    return _named_feature(name)[0]


def named_area_units(name: str) -> list[AdminUnit]:
    """The admin units a named area is the union of."""
    return [admin_index().unit(code) for code in _named_feature(name)[1]]


def in_named_area(name: str, lats: ArrayLike, lons: ArrayLike) -> NDArray[np.bool_]:
    """Whether each point lies in a named area (``covers``: its edge counts as inside)."""
    x, y = as_xy(lats, lons)
    inside: NDArray[np.bool_] = _named_grid(name).locate(x, y) == 0
    return inside


# --- gazetteer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """One GeoNames record (CC BY 4.0, credit "GeoNames, geonames.org")."""

    geonameid: int
    name: str
    asciiname: str
    alternatenames: tuple[str, ...]
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    iso3: str
    population: int
    admin1_code: str = ""

    def __post_init__(self) -> None:
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"expected lat/lon in range, got {self.lat}, {self.lon}")


def iter_gazetteer() -> Iterator[Place]:
    """Stream the shipped GeoNames extract (Mali, Burkina Faso, Niger; all feature classes)."""
    resource = files("liptako.core").joinpath(_DATA, "gazetteer_sahel.tsv.gz")
    with resource.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8", newline="") as text:
        cols = {c: i for i, c in enumerate(text.readline().rstrip("\n").split("\t"))}
        for line in text:
            yield _place(line.rstrip("\n").split("\t"), cols)


def _place(f: list[str], cols: dict[str, int]) -> Place:
    alt = f[cols["alternatenames"]]
    return Place(
        geonameid=int(f[cols["geonameid"]]),
        name=f[cols["name"]],
        asciiname=f[cols["asciiname"]],
        alternatenames=tuple(alt.split(",")) if alt else (),
        lat=float(f[cols["latitude"]]),
        lon=float(f[cols["longitude"]]),
        feature_class=f[cols["feature_class"]],
        feature_code=f[cols["feature_code"]],
        iso3=ISO3_BY_ISO2[f[cols["country_code"]]],
        population=int(f[cols["population"]] or 0),
        admin1_code=f[cols["admin1_code"]],
    )


@functools.cache
def _places() -> tuple[Place, ...]:
    return tuple(iter_gazetteer())


@functools.cache
def _place_names() -> NameIndex:
    return NameIndex(
        [(n, i) for i, p in enumerate(_places()) for n in (p.name, p.asciiname, *p.alternatenames)]
    )


def search_places(query: str, *, limit: int = 10, iso3: str | None = None) -> list[Place]:
    """Places whose name or an alternate name matches ``query``, accents and case ignored.

    Ranking: exact name, then name prefix, word prefix, substring; within each, populated
    places (feature class P) first, then larger population.
    """
    if limit < 1:
        raise ValueError(f"expected limit >= 1, got {limit}")
    if iso3 is not None:
        _check_iso3(iso3)
    places = _places()
    hits = [
        (rank, places[i].feature_class != "P", -places[i].population, places[i].geonameid, i)
        for i, rank in _place_names().matches(query).items()
        if iso3 is None or places[i].iso3 == iso3
    ]
    hits.sort()
    return [places[h[-1]] for h in hits[:limit]]
