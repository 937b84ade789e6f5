"""Charts drawn by the server as inline SVG: plain markup from the numbers, no script."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

import shapely
import shapely.geometry

from liptako.core.geojson import admin_features

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 36


@dataclass(frozen=True)
class ForecastPoint:
    """One month of a forecast: the expected value and its interval."""

    month: str
    expected: float
    low: float
    high: float


@dataclass(frozen=True)
class ChartWords:
    """The chart's words in the reader's language."""

    title: str
    history: str
    forecast: str
    band: str


def history_forecast_svg(history: Sequence[tuple[str, float]],
                         forecast: Sequence[ForecastPoint], words: ChartWords) -> str:
    """An SVG chart of monthly history as bars and a forecast as a line over its band.

    Parameters
    ----------
    history : (month "YYYY-MM", value) pairs, the earliest first
    forecast : the forecast months, the earliest first (may be empty)
    words : the title and the legend's words, escaped here

    Returns
    -------
    str
        An ``<svg>`` element, its months on a shared axis (the union of both series).

    Examples
    --------
    >>> svg = history_forecast_svg([("2019-11", 4), ("2019-12", 9)],
    ...     [ForecastPoint("2020-01", 6.0, 1.0, 14.0)], ChartWords("A & B", "h", "f", "80 %"))
    >>> svg.count("<rect class=\\"history\\""), 'class="band"' in svg, "A &amp; B" in svg
    (2, True, True)
    """
    months = sorted({m for m, _ in history} | {p.month for p in forecast})
    if not months:
        return ""
    top = max([v for _, v in history] + [p.high for p in forecast] + [1.0])
    step = (WIDTH - LEFT - RIGHT) / len(months)

    def x(month: str) -> float:
        return LEFT + step * (months.index(month) + 0.5)

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'class="chart-svg" role="img" aria-labelledby="chart-title">',
             f'<title id="chart-title">{escape(words.title)}</title>']
    parts += _axes(months, top, x, y)
    parts += [f'<rect class="history" x="{x(m) - step * 0.4:.1f}" y="{y(v):.1f}" '
              f'width="{step * 0.8:.1f}" height="{y(0) - y(v):.1f}" fill="#c0392b">'
              f'<title>{escape(m)}: {v:g}</title></rect>' for m, v in history]
    if forecast:
        upper = " ".join(f"{x(p.month):.1f},{y(p.high):.1f}" for p in forecast)
        lower = " ".join(f"{x(p.month):.1f},{y(p.low):.1f}" for p in reversed(forecast))
        line = " ".join(f"{x(p.month):.1f},{y(p.expected):.1f}" for p in forecast)
        parts += [f'<polygon class="band" points="{upper} {lower}" fill="#2166ac" '
                  f'fill-opacity="0.2" stroke="none"/>',
                  f'<polyline class="forecast" points="{line}" fill="none" stroke="#2166ac" '
                  f'stroke-width="2"/>']
        parts += [f'<circle cx="{x(p.month):.1f}" cy="{y(p.expected):.1f}" r="3" '
                  f'fill="#2166ac"><title>{escape(p.month)}: {p.expected:.1f} '
                  f'({p.low:g}–{p.high:g})</title></circle>' for p in forecast]
    parts += _legend(words)
    parts.append("</svg>")
    return "\n".join(parts)


def _axes(months: list[str], top: float, x: Callable[[str], float],
          y: Callable[[float], float]) -> list[str]:
    """The baseline, the top value and every third month's label."""
    base = y(0)
    out = [f'<line x1="{LEFT}" y1="{base:.1f}" x2="{WIDTH - RIGHT}" y2="{base:.1f}" '
           f'stroke="#5b5b5b"/>',
           f'<text x="{LEFT - 6}" y="{y(top) + 4:.1f}" text-anchor="end" font-size="11">'
           f'{top:.0f}</text>',
           f'<text x="{LEFT - 6}" y="{base + 4:.1f}" text-anchor="end" font-size="11">0</text>']
    out += [f'<text x="{x(m):.1f}" y="{base + 16:.1f}" text-anchor="middle" font-size="11">'
            f'{escape(m)}</text>' for i, m in enumerate(months) if i % 3 == 0]
    return out


def _legend(words: ChartWords) -> list[str]:
    items = [("#c0392b", 1.0, words.history), ("#2166ac", 1.0, words.forecast),
             ("#2166ac", 0.2, words.band)]
    out = []
    for i, (color, opacity, text) in enumerate(items):
        left = LEFT + i * 200
        out += [f'<rect x="{left}" y="8" width="12" height="12" fill="{color}" '
                f'fill-opacity="{opacity}"/>',
                f'<text x="{left + 16}" y="18" font-size="12">{escape(text)}</text>']
    return out


@dataclass(frozen=True)
class ActivityWords:
    """The activity chart's words in the reader's language."""

    title: str
    events: str
    fatalities: str


def activity_svg(months: Sequence[tuple[str, int, int]], words: ActivityWords) -> str:
    """An SVG chart of events per month as bars (left scale) and fatalities as a line (right
    scale), each on its own scale since a month's dead often outnumber its events.

    Parameters
    ----------
    months : (month "YYYY-MM", events, fatalities), the earliest first
    words : the title and the legend's words, escaped here

    Examples
    --------
    >>> svg = activity_svg([("2019-11", 2, 9), ("2019-12", 1, 0)], ActivityWords("A", "e", "f"))
    >>> svg.count('<rect class="events"'), 'class="fatalities"' in svg
    (2, True)
    """
    if not months:
        return ""
    labels = [m for m, _, _ in months]
    top = float(max([n for _, n, _ in months] + [1]))
    top_dead = float(max([d for _, _, d in months] + [1]))
    step = (WIDTH - LEFT - RIGHT) / len(labels)

    def x(month: str) -> float:
        return LEFT + step * (labels.index(month) + 0.5)

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)

    def y_dead(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top_dead)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'class="chart-svg" role="img" aria-labelledby="activity-title">',
             f'<title id="activity-title">{escape(words.title)}</title>']
    parts += _axes(labels, top, x, y)
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{y_dead(top_dead) - 4:.1f}" text-anchor="end" '
                 f'font-size="11" fill="#2166ac">{top_dead:.0f}</text>')
    parts += [f'<rect class="events" x="{x(m) - step * 0.4:.1f}" y="{y(n):.1f}" '
              f'width="{step * 0.8:.1f}" height="{y(0) - y(n):.1f}" fill="#c0392b">'
              f'<title>{escape(m)}: {n}</title></rect>' for m, n, _ in months]
    line = " ".join(f"{x(m):.1f},{y_dead(d):.1f}" for m, _, d in months)
    parts.append(f'<polyline class="fatalities" points="{line}" fill="none" stroke="#2166ac" '
                 f'stroke-width="2"/>')
    for i, (color, text) in enumerate((("#c0392b", words.events),
                                       ("#2166ac", words.fatalities))):
        left = LEFT + i * 260
        parts += [f'<rect x="{left}" y="8" width="12" height="12" fill="{color}"/>',
                  f'<text x="{left + 16}" y="18" font-size="12">{escape(text)}</text>']
    parts.append("</svg>")
    return "\n".join(parts)


MAP_WIDTH = 360


@dataclass(frozen=True)
class UnitShape:
    """A shipped unit drawn on the small map: its admin-1 code, names and SVG path."""

    code: str
    admin1_code: str
    name: str
    name_fr: str
    path: str


@functools.cache
def _unit_shapes() -> tuple[tuple[UnitShape, ...], int]:
    """The shipped units as SVG paths in a box ``MAP_WIDTH`` wide (and the box's height),
    simplified to what a small map shows."""
    features = admin_features()
    geoms = [shapely.geometry.shape(f["geometry"]).simplify(0.03) for f in features]
    west, south, east, north = shapely.total_bounds(geoms)
    scale = MAP_WIDTH / (east - west)

    def ring(coords: Sequence[Sequence[float]]) -> str:
        return "M" + "L".join(f"{(lon - west) * scale:.1f},{(north - lat) * scale:.1f}"
                              for lon, lat in coords) + "Z"

    shapes = []
    for feature, geom in zip(features, geoms, strict=True):
        polygons = getattr(geom, "geoms", [geom])
        path = "".join(ring(p.exterior.coords) for p in polygons)
        props = feature["properties"]
        shapes.append(UnitShape(props["code"], props["admin1_code"], props["name"],
                                props["name_fr"] or props["name"], path))
    return tuple(shapes), round((north - south) * scale)


def areas_map_svg(counts: Mapping[str, int], title: str, *, lang: str) -> str:
    """A small SVG map of the shipped units, those of the admin-1 areas in ``counts`` shaded
    by their number of events (the darkest: the most), each with its name and number.

    >>> svg = areas_map_svg({"NER-93": 4}, "Areas", lang="en")
    >>> svg.count('class="area hit"') >= 1, "Areas" in svg
    (True, True)
    """
    shapes, height = _unit_shapes()
    most = max(counts.values(), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {height}" '
             f'class="area-map" role="img" aria-labelledby="area-map-title">',
             f'<title id="area-map-title">{escape(title)}</title>']
    for shape in shapes:
        name = shape.name_fr if lang == "fr" else shape.name
        n = counts.get(shape.admin1_code, 0)
        if n:
            parts.append(f'<path class="area hit" d="{shape.path}" fill="#c0392b" '
                         f'fill-opacity="{0.25 + 0.75 * n / most:.2f}" stroke="#5b5b5b" '
                         f'stroke-width="0.5"><title>{escape(name)}: {n}</title></path>')
        else:
            parts.append(f'<path class="area" d="{shape.path}" fill="#eeeeee" '
                         f'stroke="#9b9b9b" stroke-width="0.5"><title>{escape(name)}</title>'
                         f'</path>')
    parts.append("</svg>")
    return "\n".join(parts)
