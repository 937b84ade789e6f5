"""Circles over locations, intervals over periods, and the lon/lat projection."""

from __future__ import annotations

import doctest
import itertools
import math

import numpy as np
import pytest

from liptako.warning.analytics import cylinders
from liptako.warning.analytics.cylinders import circles, intervals, project_lonlat

# (lon, lat): Bamako, Ouagadougou, Niamey, Gao, Agadez, Kidal
TOWNS = np.array([[-8.00, 12.65], [-1.53, 12.37], [2.11, 13.51], [-0.04, 16.27],
                  [7.99, 16.97], [1.41, 18.44]])


def _great_circle_km(a: np.ndarray, b: np.ndarray) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * cylinders.EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def test_projected_distances_across_the_sahel_are_within_two_per_cent_of_great_circles() -> None:
    xy = project_lonlat(TOWNS[:, 0], TOWNS[:, 1])
    for i, j in itertools.combinations(range(len(TOWNS)), 2):
        planar = math.dist(xy[i], xy[j])
        assert planar == pytest.approx(_great_circle_km(TOWNS[i], TOWNS[j]), rel=0.02)


def test_the_projection_keeps_distances_from_its_centre_exact() -> None:
    lon, lat = np.array([-4.0, 0.0, 4.0]), np.array([10.0, 15.0, 20.0])
    xy = project_lonlat(lon, lat)
    assert xy[1] == pytest.approx([0.0, 0.0], abs=1e-9)
    for k in (0, 2):
        assert math.hypot(*xy[k]) == pytest.approx(
            _great_circle_km(np.array([0.0, 15.0]), np.array([lon[k], lat[k]])), rel=1e-12)


@pytest.mark.parametrize(("lon", "lat", "message"), [
    ([0.0, 1.0], [0.0], r"lon, lat: expected two 1-D arrays of one length"),
    ([0.0, np.nan], [0.0, 1.0], r"lon, lat: expected finite degrees"),
    ([], [], r"lon, lat: expected finite degrees for at least one point"),
])
def test_the_projection_refuses_what_it_cannot_project(lon, lat, message) -> None:
    with pytest.raises(ValueError, match=message):
        project_lonlat(lon, lat)


def _members(c: cylinders.Circles) -> list[set[int]]:
    return [set(c.order[i, :k + 1].tolist()) for i, k in zip(*np.nonzero(c.valid), strict=True)]


def test_a_circle_never_splits_locations_at_the_same_distance() -> None:
    grid = np.array([[x, y] for x in range(4) for y in range(4)], dtype=float) * 10
    c = circles(grid, np.ones(16), max_share=1.0, max_radius_km=None)
    for i, k in zip(*np.nonzero(c.valid), strict=True):
        inside = c.order[i, :k + 1]
        radius = np.hypot(*(grid[inside] - grid[i]).T).max()
        assert radius == c.radius[i, k]
        assert np.count_nonzero(np.hypot(*(grid - grid[i]).T) <= radius) == k + 1
    # a corner's circles: itself, then its two neighbours at 10 km together, and so on
    assert [k + 1 for k in np.flatnonzero(c.valid[0])][:4] == [1, 3, 4, 6]


def test_circles_stop_at_the_maximum_radius_and_share_but_a_centre_alone_always_counts() -> None:
    xy = np.array([[0.0, 0.0], [3.0, 0.0], [7.0, 0.0], [20.0, 0.0], [50.0, 0.0]])
    c = circles(xy, np.ones(5), max_share=1.0, max_radius_km=7.0)
    assert max(len(m) for m in _members(c)) == 3
    assert np.all(c.radius[c.valid] <= 7.0)

    heavy = np.array([10.0, 1.0, 1.0, 1.0, 1.0])  # 10 of 14: more than half on its own
    c = circles(xy, heavy, max_share=0.5, max_radius_km=None)
    assert c.valid[0].tolist()[:2] == [True, False]
    assert {4, 3, 2, 1} in _members(c)
    assert all(m == {0} for m in _members(c) if 0 in m)


def test_intervals_are_every_run_up_to_the_maximum_or_only_those_ending_last() -> None:
    start, end = intervals(12, 5, prospective=False)
    assert len(start) == 12 * 5 - 5 * 4 // 2
    assert np.all((end - start + 1 >= 1) & (end - start + 1 <= 5))
    assert len(set(zip(start.tolist(), end.tolist(), strict=True))) == len(start)
    start, end = intervals(12, 5, prospective=True)
    assert end.tolist() == [11] * 5 and start.tolist() == [11, 10, 9, 8, 7]


def test_the_docstring_examples_run() -> None:
    assert doctest.testmod(cylinders, raise_on_error=True).attempted > 0
