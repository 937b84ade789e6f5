"""The situation report's figures: well-formed SVG 1.1 that holds what it must, and that
Typst draws in a PDF with its labels as text."""

from __future__ import annotations

import datetime
import doctest
import io
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

import pypdf
import pypdfium2
import pytest
import typst

from liptako.reports import basemap, figures
from liptako.reports.figures import (
    ChartWords,
    MapHotspot,
    MapPoint,
    MapWords,
    incident_map_svg,
    type_chart_svg,
    weekly_chart_svg,
)

NS = {"s": "http://www.w3.org/2000/svg"}
WORDS = MapWords("Incidents & hotspots <week 27>", "Incident", "With fatalities", "Hotspot",
                 "Significant hotspot", "Natural Earth; GeoNames")
CHART = ChartWords("Events by week", "Events", "Fatalities", "No events")
DJIBO, BAMAKO, AGADEZ = (14.10, -1.63), (12.65, -8.00), (16.97, 7.99)
KM_PER_DEG_LAT = 111.32  # the length of a degree along a meridian (spherical Earth)


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iterfind(".//s:text", NS)]


def _dots(root: ET.Element) -> list[ET.Element]:
    group = root.find(".//s:g[@class='incidents']", NS)
    assert group is not None
    return group.findall("s:circle", NS)


def _map(points: Sequence[MapPoint], hotspots: Sequence[MapHotspot] = (), focus: str = "all",
         words: MapWords = WORDS) -> ET.Element:
    return _parse(incident_map_svg(points, hotspots, focus=focus, words=words, lang="en"))


def test_the_examples_in_the_docstrings_run() -> None:
    for module in (figures, basemap):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0
    assert doctest.testmod(figures).attempted > 0


def test_one_dot_per_point_within_the_view() -> None:
    points = [MapPoint(*DJIBO, 0), MapPoint(*DJIBO, 3), MapPoint(*BAMAKO, 1),
              MapPoint(*AGADEZ, 0), MapPoint(40.0, 40.0, 9)]
    assert len(_dots(_map(points))) == 4  # all but the one far outside the region
    # Burkina Faso's view: Bamako (8 W) and Agadez (8 E) are outside it
    assert len(_dots(_map(points, focus="BFA"))) == 2


def test_a_dot_grows_with_its_fatalities() -> None:
    radii = [float(c.get("r", "0")) for c in
             _dots(_map([MapPoint(*DJIBO, n) for n in (0, 1, 10, 100)]))]
    # drawn biggest first, so that a small dot lies on top of a big one
    assert radii == sorted(radii, reverse=True) and len(set(radii)) == 4


def test_a_hotspot_circle_has_its_radius_in_km() -> None:
    # two dots 80 km north and south of the centre of an 80 km hotspot: the circle's
    # diameter on the map is the distance between them
    lat, lon = 14.0, -1.0
    off = 80 / KM_PER_DEG_LAT
    root = _map([MapPoint(lat + off, lon, 0), MapPoint(lat - off, lon, 0)],
                [MapHotspot(lat, lon, 80, True, "1"), MapHotspot(12.5, 0.5, 20, False, "2")],
                focus="BFA")
    north, south = sorted(float(c.get("cy", "0")) for c in _dots(root))
    significant = root.find(".//s:circle[@class='hotspot significant']", NS)
    plain = root.find(".//s:circle[@class='hotspot']", NS)
    assert significant is not None and plain is not None
    assert float(significant.get("r", "0")) == pytest.approx((south - north) / 2, abs=0.15)
    assert float(plain.get("r", "0")) == pytest.approx(float(significant.get("r", "0")) / 4,
                                                       abs=0.1)
    # the significant one is stroked stronger, the other dashed
    assert float(significant.get("stroke-width", "0")) > float(plain.get("stroke-width", "0"))
    assert plain.get("stroke-dasharray") and not significant.get("stroke-dasharray")
    assert {"1", "2"} <= set(_texts(root))


def test_the_map_has_its_legend_attribution_scale_and_towns() -> None:
    texts = _texts(_map([MapPoint(*DJIBO, 2)]))
    for word in (WORDS.title, WORDS.incidents, WORDS.fatal, WORDS.hotspot,
                 WORDS.significant_hotspot, WORDS.attribution):
        assert word in texts
    assert any(t.endswith(" km") for t in texts)
    assert {"Bamako", "Ouagadougou", "Niamey"} <= set(texts)


def test_the_member_states_are_outlined() -> None:
    root = _map([])
    for iso3 in ("BFA", "MLI", "NER"):
        outline = root.find(f".//s:path[@id='state-{iso3}']", NS)
        assert outline is not None and len(outline.get("d", "")) > 100
    admin1 = root.find(".//s:path[@class='admin1']", NS)
    # Mali's and Niger's regions and Burkina Faso's 13 regions, each at least one ring
    assert admin1 is not None and admin1.get("d", "").count("M") >= 9 + 8 + 13


def test_a_state_focus_shows_its_own_towns() -> None:
    texts = set(_texts(_map([], focus="NER")))
    assert {"Niamey", "Agadez", "Zinder"} <= texts
    assert "Bamako" not in texts


def test_labels_are_escaped() -> None:
    words = MapWords("A <&> map", "x<y", "a&b", "<h>", "s", "Natural Earth & GeoNames")
    svg = incident_map_svg([MapPoint(*DJIBO, 1)], [MapHotspot(*DJIBO, 30, True, "<&>")],
                           focus="BFA", words=words, lang="fr")
    texts = _texts(_parse(svg))
    for text in ("A <&> map", "x<y", "a&b", "<h>", "Natural Earth & GeoNames", "<&>"):
        assert text in texts


def test_the_map_is_the_same_for_the_same_input_and_small_enough() -> None:
    points = [MapPoint(12 + i / 100, -4 + i / 70, i % 7) for i in range(500)]
    hotspots = [MapHotspot(14.0, -1.0, 60, True, "1")]
    first = incident_map_svg(points, hotspots, focus="all", words=WORDS, lang="en")
    assert first == incident_map_svg(points, hotspots, focus="all", words=WORDS, lang="en")
    assert len(first.encode()) < 150_000


def test_a_bad_focus_or_language_is_refused() -> None:
    with pytest.raises(ValueError, match="expected a focus"):
        incident_map_svg([], [], focus="SEN", words=WORDS, lang="en")
    with pytest.raises(ValueError, match="expected lang"):
        incident_map_svg([], [], focus="all", words=WORDS, lang="de")


def _weeks() -> list[tuple[datetime.date, int, int]]:
    monday = datetime.date(2024, 7, 1)
    counts = [(5, 2), (0, 0), (37, 90), (12, 3)]
    return [(monday + datetime.timedelta(weeks=i), e, f) for i, (e, f) in enumerate(counts)]


def test_the_weekly_chart_has_a_bar_per_week_and_round_ticks() -> None:
    root = _parse(weekly_chart_svg(_weeks(), words=CHART, lang="fr"))
    bars = root.findall(".//s:rect[@class='week']", NS)
    assert len(bars) == 4
    heights = [float(b.get("height", "0")) for b in bars]
    assert heights[1] == 0 and max(heights) == heights[2]
    ticks = [t.text for t in root.iterfind(".//s:text[@class='tick-events']", NS)]
    assert ticks == ["0", "10", "20", "30", "40"]  # 37 events: the first round ten above
    right = [t.text for t in root.iterfind(".//s:text[@class='tick-fatalities']", NS)]
    assert right == ["0", "25", "50", "75", "100"]  # 90 dead, on the same grid lines
    texts = _texts(root)
    assert {"01/07", "15/07", CHART.title, CHART.events, CHART.fatalities} <= set(texts)
    english = _texts(_parse(weekly_chart_svg(_weeks(), words=CHART, lang="en")))
    assert "Jul 01" in english


def test_an_empty_chart_says_so() -> None:
    zeros = [(datetime.date(2024, 7, 1), 0, 0)]
    for svg in (weekly_chart_svg([], words=CHART, lang="en"),
                weekly_chart_svg(zeros, words=CHART, lang="en"),
                type_chart_svg([], words=CHART)):
        texts = _texts(_parse(svg))
        assert CHART.empty in texts and CHART.title in texts


def test_the_type_chart_writes_events_and_fatalities() -> None:
    types = [("Battles", 40, 12), ("Violence <against> civilians & more", 10, 31), ("Riots", 0, 0)]
    root = _parse(type_chart_svg(types, words=CHART))
    widths = [float(b.get("width", "0")) for b in root.findall(".//s:rect[@class='type']", NS)]
    assert len(widths) == 3 and widths[0] == pytest.approx(4 * widths[1], abs=0.1)
    assert widths[2] == 0
    texts = _texts(root)
    assert {"40", "10", "12", "31", "Violence <against> civilians & more"} <= set(texts)
    # a label too long for its column is cut with an ellipsis, not run over the bars
    long = _texts(_parse(type_chart_svg([("x" * 80, 1, 0)], words=CHART)))
    assert any(t.startswith("xxx") and t.endswith("…") and len(t) < 80 for t in long)


def _compile(svgs: dict[str, str]) -> bytes:
    body = "".join(f'#image(bytes(sys.inputs.{k}), format: "svg", width: 16cm)\n' for k in svgs)
    src = "#set page(width: 18cm, height: auto, margin: 1cm)\n" + body
    pdf: bytes = typst.compile(src.encode(), sys_inputs=svgs, ignore_system_fonts=True)
    return pdf


def test_typst_draws_the_figures_with_their_words_as_text() -> None:
    svgs = {"map": incident_map_svg([MapPoint(*DJIBO, 4)], [MapHotspot(*DJIBO, 40, True, "1")],
                                    focus="all", words=WORDS, lang="en"),
            "weekly": weekly_chart_svg(_weeks(), words=CHART, lang="en"),
            "types": type_chart_svg([("Battles", 3, 1)], words=ChartWords(
                "By type", "Events", "Fatalities", "No events"))}
    pdf = _compile(svgs)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for words in (WORDS.title, "Ouagadougou", WORDS.significant_hotspot, "Events by week",
                  "Jul 01", "By type", "Battles"):
        assert words in text


def test_typst_renders_the_full_map(tmp_path: Path) -> None:
    points = [MapPoint(10 + i % 90 / 10, -5 + i % 70 / 7, i % 5) for i in range(300)]
    svg = incident_map_svg(points, [MapHotspot(14.0, -1.0, 90, True, "1")], focus="all",
                           words=WORDS, lang="en")
    page = pypdfium2.PdfDocument(_compile({"map": svg}))[0]
    image = page.render(scale=1).to_pil().convert("RGB")
    image.save(tmp_path / "map.png")
    assert (tmp_path / "map.png").stat().st_size > 10_000
    colours = image.getcolors(maxcolors=1 << 20) or []
    # the incidents' red, the member states' light fill and a river's blue came out
    for want in ((0xC0, 0x39, 0x2B), (0xF4, 0xF1, 0xEA), (0x5D, 0x8F, 0xBB)):
        assert any(sum(abs(a - b) for a, b in zip(c, want, strict=True)) < 60
                   for _, c in colours), want
