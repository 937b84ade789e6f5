"""The shipped basemap drawn as SVG for the printed map: a view, its layers, its towns.

Pure and offline: the Natural Earth layers of ``liptako/core/data/basemap`` and the admin
units of ``liptako/core/data``, clipped to the view, projected, simplified to half a unit
and written as SVG 1.1 paths. Each view's basemap is built once per process.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from liptako.core.geo import STATES

FONT = 'font-family="Libertinus Serif, serif"'
WIDTH = 640.0  # user units across the map; printed 16 cm wide, a unit is 0.25 mm
TOP = 26.0  # the title's band above the map
MARGIN_DEG = 0.4  # around the focus's extent, so border incidents are not on the frame
EXTENT = (-13.0, 4.0, 17.0, 25.0)  # the basemap's clip (its README): no view goes beyond it
KM_PER_DEG = 111.32  # along a meridian (and along the parallel at the equator)
TOLERANCE = 0.5  # simplification, in map units: finer than the line widths
FOCI = ("all", *STATES)
STATE_FILL, NEIGHBOUR_FILL, BORDER = "#f4f1ea", "#e2e0da", "#a9a59b"
WATER, WATER_LINE = "#b9d4e9", "#5d8fbb"
HALO = 'stroke="#ffffff" stroke-width="2.4" stroke-linejoin="round"'


@dataclass(frozen=True)
class View:
    """An equirectangular view: longitude scaled by the cosine of the middle latitude."""

    west: float
    south: float
    east: float
    north: float

    @property
    def kx(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def scale(self) -> float:
        """Map units per degree of latitude."""
        return WIDTH / ((self.east - self.west) * self.kx)

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale

    def x(self, lon: float) -> float:
        return (lon - self.west) * self.kx * self.scale

    def y(self, lat: float) -> float:
        return TOP + (self.north - lat) * self.scale

    def contains(self, lat: float, lon: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def project(self, xy: NDArray[np.float64]) -> NDArray[np.float64]:
        """Longitude-latitude pairs to map units (for ``shapely.transform``)."""
        out = np.empty_like(xy)
        out[:, 0] = (xy[:, 0] - self.west) * self.kx * self.scale
        out[:, 1] = TOP + (self.north - xy[:, 1]) * self.scale
        return out


def _read(name: str) -> list[dict[str, Any]]:
    text = files("liptako.core").joinpath("data", name).read_text(encoding="utf-8")
    features: list[dict[str, Any]] = json.loads(text)["features"]
    return features


@functools.cache
def _layers() -> dict[str, list[tuple[dict[str, Any], BaseGeometry]]]:
    return {name: [(f["properties"], shape(f["geometry"]))
                   for f in _read(f"basemap/{name}.geojson")]
            for name in ("countries", "lakes", "rivers", "places")}


@functools.cache
def _admin1() -> tuple[BaseGeometry, ...]:
    """The member states' admin-1 units: Mali's and Niger's regions as shipped, Burkina
    Faso's provinces merged into its regions (see liptako.core.adminlevels)."""
    groups: dict[str, list[BaseGeometry]] = {}
    for f in _read("adm1_sahel_naturalearth.geojson"):
        p = f["properties"]
        key = f"{p['adm0_a3']}-{p['region']}" if p["adm0_a3"] == "BFA" else p["adm1_code"]
        groups.setdefault(key, []).append(shape(f["geometry"]))
    return tuple(shapely.union_all(g, grid_size=1e-5) for _, g in sorted(groups.items()))


@functools.cache
def view_of(focus: str) -> View:
    """The member states' extent (``"all"``) or one state's, with a margin."""
    if focus not in FOCI:
        raise ValueError(f"expected a focus in {FOCI}, got {focus!r}")
    wanted = STATES if focus == "all" else (focus,)
    geoms = [g for p, g in _layers()["countries"] if p["adm0_a3"] in wanted]
    west, south, east, north = shapely.total_bounds(geoms)
    # past the basemap's clip, its cut edges would be drawn as borders
    return View(max(west - MARGIN_DEG, EXTENT[0]), max(south - MARGIN_DEG, EXTENT[1]),
                min(east + MARGIN_DEG, EXTENT[2]), min(north + MARGIN_DEG, EXTENT[3]))


def _fitted(geom: BaseGeometry, view: View) -> BaseGeometry:
    clipped = shapely.clip_by_rect(geom, view.west, view.south, view.east, view.north)
    return shapely.transform(clipped, view.project).simplify(TOLERANCE)


def _lines(geom: BaseGeometry) -> Iterator[NDArray[np.float64]]:
    for part in shapely.get_parts(geom):
        if isinstance(part, shapely.Polygon):
            for ring in shapely.get_rings(part):
                yield shapely.get_coordinates(ring)
        elif isinstance(part, shapely.LineString):
            yield shapely.get_coordinates(part)


def path_data(geom: BaseGeometry, view: View, *, closed: bool) -> str:
    """SVG path data of a geometry in the view (empty when nothing of it is inside)."""
    out = []
    for coords in _lines(_fitted(geom, view)):
        # a ring repeats its first point: "Z" closes it instead
        points = [f"{x:.1f} {y:.1f}" for x, y in (coords[:-1] if closed else coords)]
        if len(points) >= 2:
            out.append("M" + " ".join(points) + ("Z" if closed else ""))
    return "".join(out)


def _path(d: str, attrs: str) -> str:
    return f'<path d="{d}" {attrs}/>' if d else ""


@functools.cache
def basemap_svg(focus: str) -> tuple[str, ...]:
    """The basemap's SVG elements for a view, bottom to top: the frame's ground, countries,
    lakes, rivers, admin-1 boundaries and the member states' outlines."""
    view = view_of(focus)
    layers = _layers()
    parts = [f'<rect x="0" y="{TOP}" width="{WIDTH:.1f}" height="{view.height:.1f}" '
             f'fill="{NEIGHBOUR_FILL}"/>']
    for props, geom in layers["countries"]:
        fill = STATE_FILL if props.get("focus") else NEIGHBOUR_FILL
        parts.append(_path(path_data(geom, view, closed=True),
                           f'fill="{fill}" stroke="{BORDER}" stroke-width="0.6"'))
    for _, geom in layers["lakes"]:
        parts.append(_path(path_data(geom, view, closed=True),
                           f'fill="{WATER}" stroke="{WATER_LINE}" stroke-width="0.4"'))
    for props, geom in layers["rivers"]:
        width = "1.1" if props.get("scalerank", 10) <= 5 else "0.5"
        parts.append(_path(path_data(geom, view, closed=False),
                           f'fill="none" stroke="{WATER_LINE}" stroke-width="{width}"'))
    admin = "".join(path_data(g, view, closed=True) for g in _admin1())
    parts.append(_path(admin, 'class="admin1" fill="none" stroke="#8d877b" '
                              'stroke-width="0.5" stroke-dasharray="3 2"'))
    for props, geom in layers["countries"]:
        if props.get("focus"):
            d = path_data(geom, view, closed=True)
            parts.append(_path(d, f'id="state-{props["adm0_a3"]}" class="state" fill="none" '
                                  'stroke="#5e594f" stroke-width="1.3"'))
    return tuple(p for p in parts if p)


def _label_box(x: float, y: float, text: str, size: float) -> tuple[float, float, float, float]:
    width = 0.5 * size * len(text) + 4
    return (x - 3, y - size, x + width, y + 3)


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _town_rank(props: dict[str, Any], wanted: tuple[str, ...]) -> tuple[int, int, str]:
    # the focus's capitals, its towns, the neighbours' capitals, their towns; bigger first
    capital = props["featurecla"].startswith("Admin-0 capital")
    rank = (0 if capital else 1) if props["adm0_a3"] in wanted else (2 if capital else 3)
    return rank, -props["pop_max"], props["name"]


@functools.cache
def towns_svg(focus: str, count: int = 18) -> tuple[str, ...]:
    """The biggest towns in the view, the focus's before its neighbours', each a dot and a
    label, skipping a town whose label would overlap one already placed."""
    view = view_of(focus)
    wanted = STATES if focus == "all" else (focus,)
    towns = [(p, g) for p, g in _layers()["places"] if view.contains(g.y, g.x)]
    towns.sort(key=lambda t: _town_rank(t[0], wanted))
    placed: list[tuple[float, float, float, float]] = []
    parts: list[str] = []
    for props, point in towns:
        x, y = view.x(point.x), view.y(point.y)
        capital = props["featurecla"].startswith("Admin-0 capital")
        size = 10.0 if capital else 8.5
        box = _label_box(x, y, props["name"], size)
        if box[2] > WIDTH - 2 or box[1] < TOP + 2 or box[3] > TOP + view.height - 2:
            continue
        if any(_overlaps(box, other) for other in placed):
            continue
        placed.append(box)
        parts.append(_town(x, y, props["name"], size, capital))
        if len(parts) == count:
            break
    return tuple(parts)


def _town(x: float, y: float, name: str, size: float, capital: bool) -> str:
    weight = ' font-weight="bold"' if capital else ""
    marker = (f'<rect x="{x - 2.5:.1f}" y="{y - 2.5:.1f}" width="5" height="5" fill="#222222" '
              f'stroke="#ffffff" stroke-width="0.8"/>' if capital else
              f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#222222" stroke="#ffffff" '
              f'stroke-width="0.6"/>')
    text = escape(name)
    at = f'x="{x + 4:.1f}" y="{y + 3:.1f}" font-size="{size:g}"{weight}'
    return (f'<g class="town">{marker}<text {at} {FONT} fill="none" {HALO}>{text}</text>'
            f'<text {at} {FONT} fill="#222222">{text}</text></g>')
