"""The situation report's figures as SVG: the incident map, events by week, events by type.

Pure: plain values in, SVG text out; no database, no clock. The same SVG is drawn by Typst
in the PDF (its own renderer, usvg) and by a browser in the HTML, so it keeps to SVG 1.1:
shapes, text and presentation attributes; no CSS, no filters, no external references.
Every text is escaped; the output depends on the input only.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from liptako.reports.basemap import (
    FONT,
    HALO,
    KM_PER_DEG,
    TOP,
    WIDTH,
    View,
    basemap_svg,
    towns_svg,
    view_of,
)

INCIDENT, INCIDENT_LINE = "#c0392b", "#7f1d1d"
HOTSPOT = "#5b2a86"
BARS = "#4e6a8a"
LEGEND_BAND = 46.0  # below the map: the legend, then the scale bar and the attribution
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
             "Dec")


@dataclass(frozen=True)
class MapPoint:
    """One incident on the map."""

    lat: float
    lon: float
    fatalities: int


@dataclass(frozen=True)
class MapHotspot:
    """One space-time cluster of the latest scan."""

    lat: float
    lon: float
    radius_km: float
    significant: bool
    label: str


@dataclass(frozen=True)
class MapWords:
    """The words the map prints, in the report's language."""

    title: str
    incidents: str
    fatal: str
    hotspot: str
    significant_hotspot: str
    attribution: str


@dataclass(frozen=True)
class ChartWords:
    """The words a chart prints; ``empty`` stands alone when there is nothing to draw."""

    title: str
    events: str
    fatalities: str
    empty: str


def _svg_open(height: float, title: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{WIDTH:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {WIDTH:.0f} {height:.0f}">',
            f"<title>{escape(title)}</title>",
            f'<text x="0" y="17" {FONT} font-size="15" font-weight="bold" '
            f'fill="#222222">{escape(title)}</text>']


def _text(x: float, y: float, text: str, size: float, *, anchor: str = "start",
          fill: str = "#222222", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{size:g}" '
            f'text-anchor="{anchor}" fill="{fill}"{extra}>{escape(text)}</text>')


def dot_radius(fatalities: int) -> float:
    """An incident's dot: its area grows with the fatalities, up to a cap."""
    return min(1.4 + 0.9 * math.sqrt(max(fatalities, 0)), 9.0)


def incident_map_svg(points: Iterable[MapPoint], hotspots: Iterable[MapHotspot], *,
                     focus: str, words: MapWords, lang: str) -> str:
    """A printed situation map: the offline basemap, incidents as dots, hotspots as circles.

    Parameters
    ----------
    points : the incidents; those outside the view are left out
    hotspots : the clusters of the latest scan, drawn at their radius
    focus : ``"all"`` (the three member states) or one of ``"BFA"``, ``"MLI"``, ``"NER"``
    words : the title, the legend's words and the attribution line, escaped here
    lang : ``"fr"`` or ``"en"`` (town names are the same in both)

    Returns
    -------
    str
        An ``<svg>`` 640 units wide (16 cm printed), the map under a title band and over a
        band with the legend, a scale bar and the attribution.

    Examples
    --------
    >>> words = MapWords("Map", "Incident", "Fatal", "Hotspot", "Significant", "NE")
    >>> svg = incident_map_svg([MapPoint(14.1, -1.6, 3)], [], focus="BFA", words=words,
    ...                        lang="en")
    >>> dots = svg.split('<g class="incidents"')[1].split("</g>")[0]
    >>> dots.count("<circle"), 'id="state-BFA"' in svg
    (1, True)
    """
    if lang not in ("fr", "en"):
        raise ValueError(f"expected lang 'fr' or 'en', got {lang!r}")
    view = view_of(focus)
    bottom = TOP + view.height
    parts = _svg_open(bottom + LEGEND_BAND, words.title)
    parts += basemap_svg(focus)
    frame = f'x="0.5" y="{TOP:.1f}" width="{WIDTH - 1:.1f}" height="{view.height:.1f}"'
    # a hotspot near the edge is cut by the frame rather than drawn over the title or legend
    parts.append(f'<defs><clipPath id="map-frame"><rect {frame}/></clipPath></defs>')
    rings, marks = _hotspots(list(hotspots), view)
    parts += ['<g clip-path="url(#map-frame)">', *rings, *_incidents(points, view), *marks,
              "</g>"]
    parts += towns_svg(focus)
    parts.append(f'<rect {frame} fill="none" stroke="#555555" stroke-width="1"/>')
    parts += _map_legend(words, bottom)
    parts += _scale_bar(view, bottom + 36)
    parts.append(_text(WIDTH, bottom + 38, words.attribution, 8, anchor="end", fill="#555555"))
    parts.append("</svg>")
    return "\n".join(parts)


def _incidents(points: Iterable[MapPoint], view: View) -> list[str]:
    inside = [p for p in points if view.contains(p.lat, p.lon)]
    # the biggest first, so a small dot is never hidden under a big one
    inside.sort(key=lambda p: -p.fatalities)
    parts = [f'<g class="incidents" fill="{INCIDENT}" fill-opacity="0.6" '
             f'stroke="{INCIDENT_LINE}" stroke-width="0.3">']
    parts += [f'<circle cx="{view.x(p.lon):.1f}" cy="{view.y(p.lat):.1f}" '
              f'r="{dot_radius(p.fatalities):.1f}"/>' for p in inside]
    parts.append("</g>")
    return parts


def _hotspots(hotspots: list[MapHotspot], view: View) -> tuple[list[str], list[str]]:
    """The clusters' discs, drawn under the incidents, and their outlines and labels, over."""
    # a kilometre is the same length along a meridian everywhere and, at the view's middle
    # latitude, along a parallel (the projection's x-scaling); circles are true to 5 % at
    # the view's north and south edges
    per_km = view.scale / KM_PER_DEG
    discs, marks = [], []
    for h in sorted(hotspots, key=lambda h: (h.significant, -h.radius_km, h.label)):
        cx, cy, r = view.x(h.lon), view.y(h.lat), h.radius_km * per_km
        at = f'cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}"'
        opacity = "0.14" if h.significant else "0.06"
        discs.append(f'<circle {at} fill="{HOTSPOT}" fill-opacity="{opacity}"/>')
        look = ('stroke-width="2.2"' if h.significant else
                'stroke-width="1" stroke-dasharray="4 3"')
        kind = "hotspot significant" if h.significant else "hotspot"
        lx, ly = cx + r * 0.71 + 2, cy - r * 0.71 - 2
        # a white casing keeps the outline readable over a crowd of dots
        marks += [f'<circle {at} fill="none" stroke="#ffffff" stroke-width="3.4" '
                  'stroke-opacity="0.8"/>',
                  f'<circle class="{kind}" {at} fill="none" stroke="{HOTSPOT}" {look}/>',
                  _text(lx, ly, h.label, 11, extra=f' font-weight="bold" {HALO}'),
                  _text(lx, ly, h.label, 11, fill=HOTSPOT, extra=' font-weight="bold"')]
    return discs, marks


def _map_legend(words: MapWords, bottom: float) -> list[str]:
    y = bottom + 16
    items = [
        (f'<circle cx="{{x:.1f}}" cy="{y - 3:.1f}" r="{dot_radius(0):.1f}" fill="{INCIDENT}" '
         f'fill-opacity="0.6" stroke="{INCIDENT_LINE}" stroke-width="0.3"/>', words.incidents),
        (f'<circle cx="{{x:.1f}}" cy="{y - 3:.1f}" r="{dot_radius(10):.1f}" fill="{INCIDENT}" '
         f'fill-opacity="0.6" stroke="{INCIDENT_LINE}" stroke-width="0.3"/>', words.fatal),
        (f'<circle cx="{{x:.1f}}" cy="{y - 3:.1f}" r="6" fill="{HOTSPOT}" fill-opacity="0.06" '
         f'stroke="{HOTSPOT}" stroke-width="1" stroke-dasharray="4 3"/>', words.hotspot),
        (f'<circle cx="{{x:.1f}}" cy="{y - 3:.1f}" r="6" fill="{HOTSPOT}" fill-opacity="0.14" '
         f'stroke="{HOTSPOT}" stroke-width="2.2"/>', words.significant_hotspot),
    ]
    parts, x = ['<g class="legend">'], 8.0
    for symbol, word in items:
        parts += [symbol.format(x=x), _text(x + 10, y, word, 9.5)]
        x += 10 + _width(word, 9.5) + 18
    parts.append("</g>")
    return parts


def _width(text: str, size: float) -> float:
    """A generous guess at a text's width (no font metrics here)."""
    return 0.52 * size * len(text)


def _scale_bar(view: View, y: float) -> list[str]:
    per_km = view.scale / KM_PER_DEG
    km = max((k for k in (10, 20, 25, 50, 100, 200, 250, 500) if k * per_km <= WIDTH / 5),
             default=10)
    half = km * per_km / 2
    parts = [f'<rect x="8" y="{y - 4:.1f}" width="{half:.1f}" height="4" fill="#333333"/>',
             f'<rect x="{8 + half:.1f}" y="{y - 4:.1f}" width="{half:.1f}" height="4" '
             f'fill="#ffffff" stroke="#333333" stroke-width="0.6"/>',
             _text(8 + 2 * half + 4, y, f"{km} km", 8.5)]
    return ['<g class="scale">', *parts, "</g>"]


# --- charts --------------------------------------------------------------------------------

CHART_HEIGHT = 250.0
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 44.0, WIDTH - 44.0, 44.0, CHART_HEIGHT - 30.0


def _round_step(at_least: float, multiples: tuple[float, ...]) -> int:
    """The smallest whole step of ``multiples`` times a power of ten at or above a value."""
    magnitude = 10 ** math.floor(math.log10(max(at_least, 1.0)))
    return next(int(m * magnitude) for m in (*multiples, 10)
                if m * magnitude >= at_least and float(m * magnitude).is_integer())


def nice_ticks(top: float, count: int = 4) -> list[int]:
    """Round ticks from 0 to the first multiple of a 1-2-5 step at or above ``top``.

    >>> nice_ticks(37), nice_ticks(0), nice_ticks(8)
    ([0, 10, 20, 30, 40], [0, 1], [0, 2, 4, 6, 8])
    """
    step = _round_step(top / count, (1, 2, 5))
    last = max(math.ceil(top / step), 1) * step
    return list(range(0, last + 1, step))


def aligned_ticks(top: float, intervals: int) -> list[int]:
    """Exactly ``intervals`` round steps from 0 covering ``top``, for a second axis that
    shares the first one's grid lines (25 is allowed as a step here, 20 to 50 is too far).

    >>> aligned_ticks(90, 4), aligned_ticks(0, 2)
    ([0, 25, 50, 75, 100], [0, 1, 2])
    """
    step = _round_step(top / intervals, (1, 2, 2.5, 5))
    return list(range(0, step * intervals + 1, step))


def week_label(monday: datetime.date, lang: str) -> str:
    """A week's label: ``dd/mm`` in French, ``Jul 01`` in English (no locale involved)."""
    if lang == "fr":
        return f"{monday.day:02d}/{monday.month:02d}"
    return f"{MONTHS_EN[monday.month - 1]} {monday.day:02d}"


def _empty_chart(words: ChartWords, height: float = 120.0) -> str:
    parts = _svg_open(height, words.title)
    parts.append(_text(WIDTH / 2, height / 2 + 14, words.empty, 12, anchor="middle",
                       fill="#666666", extra=' class="empty"'))
    parts.append("</svg>")
    return "\n".join(parts)


def weekly_chart_svg(weeks: Sequence[tuple[datetime.date, int, int]], *, words: ChartWords,
                     lang: str) -> str:
    """Events by week as bars (left axis) and fatalities as a line (right axis).

    ``weeks`` are (monday, events, fatalities) in order, zero weeks included. With no week,
    or nothing in any week, the chart is its title and ``words.empty``.

    >>> words = ChartWords("Weekly", "Events", "Fatalities", "No events")
    >>> svg = weekly_chart_svg([(datetime.date(2024, 7, 1), 3, 1),
    ...                         (datetime.date(2024, 7, 8), 0, 0)], words=words, lang="en")
    >>> svg.count('<rect class="week"'), "Jul 01" in svg
    (2, True)
    """
    if not any(events or dead for _, events, dead in weeks):
        return _empty_chart(words)
    left = nice_ticks(max(events for _, events, _ in weeks))
    right = aligned_ticks(max(dead for _, _, dead in weeks), len(left) - 1)
    step = (PLOT_RIGHT - PLOT_LEFT) / len(weeks)

    def y(value: float, ticks: list[int]) -> float:
        return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / ticks[-1]

    parts = _svg_open(CHART_HEIGHT, words.title)
    parts += _chart_legend(words)
    parts += _axes(left, right, y)
    parts += [f'<rect class="week" x="{PLOT_LEFT + step * (i + 0.15):.1f}" '
              f'y="{y(events, left):.1f}" width="{step * 0.7:.1f}" '
              f'height="{PLOT_BOTTOM - y(events, left):.1f}" fill="{BARS}"/>'
              for i, (_, events, _) in enumerate(weeks)]
    line = [(PLOT_LEFT + step * (i + 0.5), y(dead, right)) for i, (_, _, dead) in enumerate(weeks)]
    parts.append(f'<polyline class="fatalities" fill="none" stroke="{INCIDENT}" '
                 f'stroke-width="1.6" points="'
                 + " ".join(f"{px:.1f},{py:.1f}" for px, py in line) + '"/>')
    parts += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2" fill="{INCIDENT}"/>' for px, py in line]
    every = max(1, math.ceil(len(weeks) * 40 / (PLOT_RIGHT - PLOT_LEFT)))
    parts += [_text(PLOT_LEFT + step * (i + 0.5), PLOT_BOTTOM + 14, week_label(monday, lang),
                    8.5, anchor="middle") for i, (monday, _, _) in enumerate(weeks)
              if i % every == 0]
    parts.append("</svg>")
    return "\n".join(parts)


def _chart_legend(words: ChartWords) -> list[str]:
    x = PLOT_RIGHT - _width(words.fatalities, 9.5) - 22
    x0 = x - _width(words.events, 9.5) - 30
    return [f'<rect x="{x0:.1f}" y="24" width="10" height="8" fill="{BARS}"/>',
            _text(x0 + 14, 32, words.events, 9.5),
            f'<line x1="{x:.1f}" y1="28" x2="{x + 16:.1f}" y2="28" stroke="{INCIDENT}" '
            'stroke-width="1.6"/>',
            _text(x + 20, 32, words.fatalities, 9.5)]


def _axes(left: list[int], right: list[int], scale: Callable[[float, list[int]], float]
          ) -> list[str]:
    parts = []
    # the right axis has as many ticks (aligned_ticks): they share the grid lines
    for i, tick in enumerate(left):
        ty = scale(tick, left)
        parts += [f'<line x1="{PLOT_LEFT:.1f}" y1="{ty:.1f}" x2="{PLOT_RIGHT:.1f}" '
                  f'y2="{ty:.1f}" stroke="#dddddd" stroke-width="0.6"/>',
                  _text(PLOT_LEFT - 5, ty + 3, str(tick), 8.5, anchor="end", fill=BARS,
                        extra=' class="tick-events"')]
        parts.append(_text(PLOT_RIGHT + 5, ty + 3, str(right[i]), 8.5, fill=INCIDENT,
                           extra=' class="tick-fatalities"'))
    parts.append(f'<line x1="{PLOT_LEFT:.1f}" y1="{PLOT_BOTTOM:.1f}" x2="{PLOT_RIGHT:.1f}" '
                 f'y2="{PLOT_BOTTOM:.1f}" stroke="#555555" stroke-width="0.8"/>')
    return parts


ROW = 20.0


def type_chart_svg(types: Sequence[tuple[str, int, int]], *, words: ChartWords) -> str:
    """Events by type as horizontal bars with their number, the fatalities beside.

    ``types`` are (label, events, fatalities), labels already translated, most events first.

    >>> svg = type_chart_svg([("Battles", 5, 2), ("Riots", 1, 0)],
    ...                      words=ChartWords("By type", "Events", "Fatalities", "None"))
    >>> svg.count('<rect class="type"'), ">Riots<" in svg
    (2, True)
    """
    if not any(events or dead for _, events, dead in types):
        return _empty_chart(words)
    label_right = min(max(8 + max(_width(label, 10) for label, _, _ in types), 90), 240)
    bar_left, bar_right = label_right + 8, WIDTH - 110
    most = max(events for _, events, _ in types) or 1
    height = 46 + ROW * len(types) + 8
    parts = _svg_open(height, words.title)
    parts += [_text(bar_left, 38, words.events, 9.5, fill="#555555"),
              _text(WIDTH - 4, 38, words.fatalities, 9.5, anchor="end", fill="#555555")]
    for i, (label, events, dead) in enumerate(types):
        top = 46 + ROW * i
        length = (bar_right - bar_left) * events / most
        parts += [_text(label_right, top + 13, _clip(label, label_right), 10, anchor="end"),
                  f'<rect class="type" x="{bar_left:.1f}" y="{top + 3:.1f}" '
                  f'width="{length:.1f}" height="{ROW - 6:.1f}" fill="{BARS}"/>',
                  _text(bar_left + length + 4, top + 13, str(events), 9.5),
                  _text(WIDTH - 4, top + 13, str(dead), 9.5, anchor="end", fill=INCIDENT)]
    parts.append("</svg>")
    return "\n".join(parts)


def _clip(label: str, room: float) -> str:
    """A label cut with an ellipsis to the room left of the bars."""
    most = max(math.floor((room - 8) / (0.52 * 10) + 1e-6), 4)
    return label if len(label) <= most else label[: most - 1] + "…"
