"""The offline basemap under both maps, town labels as the user zooms in, and zooming to a
member state, in a real browser."""

from __future__ import annotations

import math

from playwright.sync_api import Page, expect

from helpers.browser import axe_violations, login, shot

# west, south, east, north of each member state in the shipped countries.geojson
STATES = {"MLI": (-12.28, 10.14, 4.23, 25.0), "BFA": (-5.52, 9.42, 2.39, 15.08),
          "NER": (0.16, 11.7, 15.96, 23.52)}
ALL = (-12.28, 9.42, 15.96, 25.0)


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _bounds(page: Page, selector: str) -> tuple[float, ...]:
    return tuple(float(v) for v in (page.locator(selector).get_attribute("data-bounds")
                                    or "").split(","))


def _fits(view: tuple[float, ...], box: tuple[float, ...]) -> bool:
    """The view shows the whole box, and the box fills it across or down (within 1.3x)."""
    west, south, east, north = view
    inside = west <= box[0] and south <= box[1] and east >= box[2] and north >= box[3]
    across = (east - west) / (box[2] - box[0])
    down = (_mercator(north) - _mercator(south)) / (_mercator(box[3]) - _mercator(box[1]))
    return inside and min(across, down) < 1.3


def _comes_to_fit(page: Page, selector: str, box: tuple[float, ...]) -> bool:
    """The map's view comes to fit the box within five seconds (fitting is animated)."""
    for _ in range(50):
        if _fits(_bounds(page, selector), box):
            return True
        page.wait_for_timeout(100)
    return False


def _labels_overlap(page: Page) -> bool:
    return bool(page.evaluate("""() => {
        const boxes = [...document.querySelectorAll('.town-label')]
            .map(e => e.getBoundingClientRect());
        return boxes.some((a, i) => boxes.some((b, j) => i < j && a.left < b.right &&
            b.left < a.right && a.top < b.bottom && b.top < a.bottom));
    }"""))


def test_basemap_towns_and_zooming_to_a_member_state(page: Page, database_url: str) -> None:
    backend = database_url.split(":")[0]
    login(page, "sec")
    page.wait_for_selector("body[data-ready]")
    page.wait_for_selector("#map[data-basemap]")
    the_map = page.locator("#map")
    # under the admin areas and the incidents: countries, then lakes, then rivers
    paths = page.locator(".leaflet-basemap-pane path")
    assert paths.count() == 20 + 9 + 51
    classes = [c.split()[0] for c in
               paths.evaluate_all("ps => ps.map(p => p.getAttribute('class'))")]
    assert classes == ["basemap-country"] * 20 + ["basemap-lake"] * 9 + ["basemap-river"] * 51
    z = page.evaluate("""() => ['basemap', 'overlay', 'towns', 'incidents', 'marker'].map(
        name => +getComputedStyle(document.querySelector('.leaflet-' + name + '-pane')).zIndex)""")
    assert z == sorted(z)
    assert _fits(_bounds(page, "#map"), ALL)
    labels = page.locator("#map .town-label")
    expect(labels.filter(has_text="Bamako")).to_have_count(1)
    expect(labels.filter(has_text="Dori")).to_have_count(0)
    assert not _labels_overlap(page)

    page.get_by_label("Burkina Faso").check()
    assert _comes_to_fit(page, "#map", STATES["BFA"])
    expect(labels.filter(has_text="Dori")).to_have_count(1)
    assert not _labels_overlap(page)
    shot(page, "map-burkina", backend)
    assert not axe_violations(page)

    # back to the three states, then a click on Niger (incidents hidden) zooms to it
    page.get_by_label("Burkina Faso").uncheck()
    assert _comes_to_fit(page, "#map", ALL)
    page.locator(".leaflet-control-layers").get_by_label("Incidents").uncheck()
    west, south, east, north = _bounds(page, "#map")
    box = the_map.bounding_box()
    assert box
    lat, lon = 17.5, 9.0  # the Aïr, in Niger
    x = box["x"] + (lon - west) / (east - west) * box["width"]
    y = box["y"] + ((_mercator(north) - _mercator(lat)) / (_mercator(north) - _mercator(south))
                    * box["height"])
    page.mouse.click(x, y)
    assert _comes_to_fit(page, "#map", STATES["NER"])

    # the report form's map opens on the three states, over the same basemap
    page.goto("/incidents/new")
    page.wait_for_selector("#report-map[data-basemap]")
    assert _fits(_bounds(page, "#report-map"), ALL)
    assert page.locator("#report-map path.basemap-river").count() == 51
    expect(page.locator("#report-map .town-label").filter(has_text="Niamey")).to_have_count(1)
    shot(page, "report-map", backend)
    assert not axe_violations(page)
