"""Charts drawn by the server as inline SVG: plain markup from the numbers, no script."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

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
