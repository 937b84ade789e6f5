"""A situation report as a document: the content (:mod:`liptako.reports.sitrep`) put in
words and figures, then typeset by Typst (the ``typst`` package: a compiler in a wheel,
with its own fonts, no system library) from one template, ``templates/sitrep.typ``, as PDF
or HTML.

The template receives one JSON document (``sys.inputs.data``); text from the records goes
in as strings, which Typst prints and never reads as markup.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from liptako.reports import figures, words
from liptako.reports.sitrep import Sitrep, TopIncident
from liptako.reports.sitrep_context import article_name

FORMATS = ("pdf", "html")
MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def render(report: Sitrep, fmt: str) -> bytes:
    """The report as a PDF or an HTML document."""
    import typst  # a 30 MB compiler: loaded when a report is built, not with the package

    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    template = files("liptako.reports").joinpath("templates", "sitrep.typ").read_bytes()
    data = json.dumps(payload(report), ensure_ascii=False)
    return typst.compile(template, format="pdf" if fmt == "pdf" else "html",
                         sys_inputs={"data": data}, ignore_system_fonts=True,
                         timestamp=int(report.built_at.timestamp()))


def title(report: Sitrep) -> str:
    req = report.request
    return (f"{words.label('title', req.lang)} – "
            f"{words.span(req.period.start, req.period.end, req.lang)}")


def payload(report: Sitrep) -> dict[str, Any]:
    """What the template prints, in the report's language."""
    req, lang = report.request, report.request.lang
    labels = words.labels(lang)
    forecast = report.notes.get("forecast") or {}
    reader = report.reader
    return {
        "lang": lang, "tlp": report.tlp, "title": title(report), "words": labels,
        "area": words.COUNTRIES[lang][req.country],
        "period_text": words.span(req.period.start, req.period.end, lang),
        "period_range": _range(req.period.start, req.period.end, lang),
        "previous_range": _range(req.previous.start, req.previous.end, lang),
        "reader": f"{reader.username} ({reader.state}; {', '.join(reader.roles)})",
        "built_at": report.built_at.strftime("%Y-%m-%d %H:%M UTC"),
        "built_line": f"{labels['built_for']} {reader.username} ({reader.state})",
        "headline": [{"label": labels[h.measure], "now": words.number(h.now, lang),
                      "before": words.number(h.before, lang),
                      "change": words.change(h.before, h.now, lang),
                      "verdict": _verdict(h.verdict, h.p_value, lang)}
                     for h in report.headline],
        "types": [{"label": words.event_type(t.event_type, lang), "events": t.events,
                   "before": t.before, "fatalities": t.fatalities,
                   "verdict": words.verdict(t.verdict, lang)} for t in report.types],
        "top": [_top(t, lang) for t in report.top],
        "context": {**{k: [] for k in ("articles", "duties", "requests", "alerts",
                                       "hotspots", "forecasts")},
                    **{k: [_with_p(r, lang) for r in v] for k, v in report.context.items()}},
        "scan_note": _note(labels["scan_note"], report.notes.get("scan")),
        "forecast_note": _note(labels["forecast_note"], forecast or None),
        "p_exceed_label": labels["p_exceed"].replace("{n}", str(forecast.get("threshold",
                                                                              "N"))),
        "sources": sources(report),
        "method": words.method(lang),
        "svg": svgs(report),
    }


def _range(start: Any, end: Any, lang: str) -> str:
    return f"{words.short_day(start, lang)} – {words.short_day(end, lang)}"


def _verdict(verdict: str, p_value: float | None, lang: str) -> str:
    text = words.verdict(verdict, lang)
    if p_value is None:
        return text
    return f"{text} (p = {words.number(p_value, lang, 3)})"


def _with_p(row: dict[str, object], lang: str) -> dict[str, object]:
    if "p_value" in row:
        p = float(row["p_value"])  # type: ignore[arg-type]
        return {**row, "p_text": words.number(p, lang, 3) + (" *" if row["significant"] else "")}
    return row


def _note(template: str, values: dict[str, Any] | None) -> str:
    return template.format_map(values) if values else ""


def _top(t: TopIncident, lang: str) -> dict[str, object]:
    def names(marks: tuple[str, ...]) -> list[str]:
        return [article_name(m.split(":", 1)[0], m.split(":", 1)[1], lang) for m in marks]

    charter = [f"{words.label('engages', lang)} {n}" for n in names(t.engaged)]
    charter += [f"{n}: {words.label('undetermined', lang)}" for n in names(t.undetermined)]
    return {"date": words.short_day(t.occurred_on, lang), "place": t.place,
            "type": words.event_type(t.event_type, lang), "fatalities": t.fatalities,
            "actors": "; ".join(t.actors), "description": t.description,
            "charter": "; ".join(charter) or words.label("nothing_engaged", lang)}


def sources(report: Sitrep) -> list[str]:
    """The sources and methods note: where the incidents and the geography come from."""
    lang = report.request.lang
    colon = words.label("colon", lang)
    lines = [f"{words.SOURCES.get(s, {}).get(lang, s)}{colon} {words.number(n, lang)} "
             f"{words.label('incidents', lang).lower()}" for s, n in report.sources.items()]
    lines.append(words.GEOGRAPHY[lang])
    lines.append(words.label("excluded", lang))
    return lines


def svgs(report: Sitrep) -> dict[str, str]:
    """The map and the two charts as SVG."""
    lang, labels = report.request.lang, words.labels(report.request.lang)
    points = [figures.MapPoint(p.lat, p.lon, p.fatalities) for p in report.points]
    spots = [figures.MapHotspot(h["lat"], h["lon"], h["radius_km"], h["significant"],
                                str(h["rank"]))
             for h in report.context.get("hotspots", [])]
    caption = f"{words.COUNTRIES[lang][report.request.country]} – " \
              f"{words.span(report.request.period.start, report.request.period.end, lang)}"
    map_words = figures.MapWords(title=caption, incidents=labels["map_incidents"],
                                 fatal=labels["map_fatal"], hotspot=labels["map_hotspot"],
                                 significant_hotspot=labels["map_significant"],
                                 attribution="Natural Earth; GeoNames")
    chart = figures.ChartWords(title=caption, events=labels["events"],
                               fatalities=labels["fatalities"], empty=labels["no_events"])
    return {
        "map": figures.incident_map_svg(points, spots, focus=report.request.country,
                                        words=map_words, lang=lang),
        "weeks": figures.weekly_chart_svg([(w.monday, w.events, w.fatalities)
                                           for w in report.weeks], words=chart, lang=lang),
        "types": figures.type_chart_svg(
            [(words.event_type(t.event_type, lang), t.events, t.fatalities)
             for t in report.types if t.events],
            words=figures.ChartWords(title=caption, events=labels["events"],
                                     fatalities=labels["fatalities"],
                                     empty=labels["no_events"])),
    }
