"""Reference geography: admin assignment, tie rule, named areas, PRIO-GRID, gazetteer."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely

from helpers.data import ACLED_DYADIC, ACLED_MONADIC
from liptako.core import geo
from liptako.core.geo import AdminIndex

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def index() -> AdminIndex:
    return AdminIndex.load()


def covers_oracle(index: AdminIndex, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Plain shapely, no grid: the covering unit with the smallest code, -1 outside all."""
    out = np.full(lats.shape[0], -1)
    for k in range(len(index.units) - 1, -1, -1):  # lowest index written last wins
        out[shapely.intersects_xy(index.polygons[k], lons, lats)] = k
    return out


def shared_vertices(index: AdminIndex, a: str, b: str) -> np.ndarray:
    pa, pb = (index.polygons[index.index_of(c)] for c in (a, b))
    ca = {tuple(c) for c in shapely.get_coordinates(pa)}
    return np.array([c for c in shapely.get_coordinates(pb) if tuple(c) in ca])


# --- loading and units ---------------------------------------------------------------------


def test_nothing_is_read_at_import() -> None:
    code = (
        "import liptako.core.geo as g;"
        "assert g.admin_index.cache_info().currsize == 0;"
        "assert g._places.cache_info().currsize == 0;"
        "assert g._named_feature.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_load_is_cached_and_units_sorted_by_code(index: AdminIndex) -> None:
    assert AdminIndex.load() is index
    codes = [u.code for u in index.units]
    assert codes == sorted(codes)
    assert {c: len(index.units_of(c)) for c in geo.STATES} == {"BFA": 45, "MLI": 9, "NER": 8}
    assert all(u.level == 1 and u.code.startswith(u.iso3) for u in index.units)
    assert index.unit("BFA-2806").region == "Sahel"  # Soum, a province of the Sahel region
    assert {u.region for u in index.units_of("BFA")} >= {"Sahel", "Nord", "Centre-Nord", "Est"}
    assert {u.region for u in index.units_of("MLI") + index.units_of("NER")} == {None}
    with pytest.raises(ValueError, match="expected an ISO3 code"):
        index.units_of("SEN")


@pytest.mark.parametrize(
    ("lat", "lon", "iso3", "unit"),
    [
        (12.6392, -8.0029, "MLI", "Bamako"),
        (13.5137, 2.1098, "NER", "Niamey"),
        (12.3714, -1.5197, "BFA", "Kadiogo"),  # Ouagadougou
        (14.1022, -1.6306, "BFA", "Soum"),  # Djibo
        (15.9182, 2.4022, "MLI", "Gao"),  # Ménaka: Natural Earth keeps it in Gao
        (14.2117, 1.4531, "NER", "Tillabéri"),
        (16.7735, -3.0074, "MLI", "Timbuktu"),
    ],
)
def test_known_towns(index: AdminIndex, lat: float, lon: float, iso3: str, unit: str) -> None:
    found = index.unit_at(lat, lon)
    assert found is not None and (found.iso3, found.name) == (iso3, unit)
    assert index.country_at(lat, lon) == iso3


@pytest.mark.parametrize(
    ("query", "iso3", "unit"),
    [
        ("Djibo", "BFA", "Soum"),
        ("Ménaka", "MLI", "Gao"),
        ("Tillabéri", "NER", "Tillabéri"),
        ("Ouagadougou", "BFA", "Kadiogo"),
        ("Niamey", "NER", "Niamey"),
        ("Bamako", "MLI", "Bamako"),
    ],
)
def test_gazetteer_towns_fall_in_their_unit(
    index: AdminIndex, query: str, iso3: str, unit: str
) -> None:
    place = geo.search_places(query, iso3=iso3, limit=1)[0]
    assert place.feature_class == "P"
    found = index.unit_at(place.lat, place.lon)
    assert found is not None and found.name == unit


def test_outside_nan_and_empty(index: AdminIndex) -> None:
    lats = np.array([48.85, np.nan, 14.0, 5.0])
    lons = np.array([2.35, 1.0, np.nan, -4.0])  # Paris, NaNs, Abidjan
    assert index.assign(lats, lons).tolist() == [-1, -1, -1, -1]
    assert index.country_of(lats, lons).tolist() == [None] * 4
    assert index.unit_at(48.85, 2.35) is None and index.country_at(48.85, 2.35) is None
    assert index.assign(np.empty(0), np.empty(0)).shape == (0,)
    with pytest.raises(ValueError, match="1-D arrays of equal length"):
        index.assign([1.0, 2.0], [1.0])


# --- exactness and the tie rule ------------------------------------------------------------


def test_agrees_with_plain_shapely_covers(index: AdminIndex) -> None:
    rng = np.random.default_rng(20240611)
    minx, miny, maxx, maxy = shapely.total_bounds(index.polygons)
    verts = shapely.get_coordinates(index.polygons)
    pick = verts[rng.integers(0, len(verts), 3000)]
    near = pick + rng.choice([-1e-9, -1e-12, 0.0, 1e-12, 1e-9], size=pick.shape)
    lons = np.concatenate([rng.uniform(minx, maxx, 5000), pick[:, 0], near[:, 0]])
    lats = np.concatenate([rng.uniform(miny, maxy, 5000), pick[:, 1], near[:, 1]])
    got = index.assign(lats, lons)
    assert np.array_equal(got, covers_oracle(index, lats, lons))
    assert (got >= 0).sum() > 5000  # the test points do land inside units


@pytest.mark.parametrize(
    ("a", "b"), [("MLI-2688", "MLI-2809"), ("BFA-2806", "MLI-2809"), ("BFA-2805", "NER-4859")]
)
def test_tie_on_shared_edge_goes_to_smallest_code(index: AdminIndex, a: str, b: str) -> None:
    ka, kb = (index.index_of(c) for c in (a, b))
    pa, pb = index.polygons[ka], index.polygons[kb]
    coords = shapely.get_coordinates(pa)
    mids = (coords[:-1] + coords[1:]) / 2
    on_both = mids[
        shapely.intersects_xy(pa, mids[:, 0], mids[:, 1])
        & shapely.intersects_xy(pb, mids[:, 0], mids[:, 1])
    ]
    assert len(on_both) > 0, "expected exact midpoints of shared edges"
    got = index.assign(on_both[:, 1], on_both[:, 0])
    assert set(got.tolist()) == {min(ka, kb)}
    assert index.units[min(ka, kb)].code == min(a, b)


def test_tie_on_shared_vertex_and_tri_point(index: AdminIndex) -> None:
    verts = shared_vertices(index, "MLI-2809", "BFA-2806")  # Mopti / Soum
    assert len(verts) > 0
    got = index.assign(verts[:, 1], verts[:, 0])
    for (lon, lat), k in zip(verts, got.tolist(), strict=True):
        covering = [j for j, p in enumerate(index.polygons) if shapely.intersects_xy(p, lon, lat)]
        assert len(covering) >= 2 and k == min(covering)
    assert "BFA-2806" in {index.units[k].code for k in got.tolist()}  # Soum beats Mopti
    # a vertex shared by three units (Mali/Burkina/Niger-side units near the tri-point)
    tri = [
        v
        for v in shared_vertices(index, "MLI-2690", "NER-4859")
        if shapely.intersects_xy(index.polygons[index.index_of("BFA-2805")], *v)
    ]
    assert tri, "expected a vertex shared by Gao, Tillabéri and Oudalan"
    assert index.unit_at(tri[0][1], tri[0][0]) == index.unit("BFA-2805")


# --- real ACLED points and the border tolerance --------------------------------------------


def read_acled() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with ACLED_DYADIC.open(encoding="utf-8", newline="") as fh:
        rows = [
            (float(r["latitude"]), float(r["longitude"]), r["iso3"]) for r in csv.DictReader(fh)
        ]
    lats, lons, iso = zip(*rows, strict=True)
    return np.array(lats), np.array(lons), np.array(iso, dtype=object)


def test_acled_points_agree_with_their_country(index: AdminIndex) -> None:
    """The excerpt holds the border sites of the full file (bench/data_checks.py has its
    shares): each is measured, placed in its own country, and within the tolerance."""
    lats, lons, iso = read_acled()
    country = index.country_of(lats, lons)
    oracle = covers_oracle(index, lats, lons)
    assert list(country) == [index.units[k].iso3 if k >= 0 else None for k in oracle]
    agree = country == iso
    assert agree.any() and not agree.all()
    unit, km = index.assign_in_country(lats, lons, iso)
    assert np.array_equal(km == 0, agree)  # every mismatch is measured, none is dropped
    assert (unit >= 0).all()  # all of them lie within BORDER_TOLERANCE_KM
    assert km.max() <= geo.BORDER_TOLERANCE_KM
    placed = np.array([index.units[k].iso3 for k in unit], dtype=object)
    assert (placed == iso).all()
    assert (unit[agree] == oracle[agree]).all()  # inside its country, a point keeps its unit


def test_tolerance_rejects_a_sign_flipped_longitude(index: AdminIndex) -> None:
    with ACLED_MONADIC.open(encoding="utf-8", newline="") as fh:
        rows = {r["event_id_cnty"]: r for r in csv.DictReader(fh)}  # one row per event
    lats = np.array([float(r["latitude"]) for r in rows.values()])
    lons = np.array([float(r["longitude"]) for r in rows.values()])
    unit, km = index.assign_in_country(lats, lons, ["MLI"] * len(rows))
    across = km > 0
    assert across.sum() > 1  # Ouami and border sites kept within the tolerance
    rejected = [r["location"] for r, u in zip(rows.values(), unit, strict=True) if u < 0]
    assert rejected == ["Ouami"]  # lon +1.5659 in this vintage, -1.5659 (Mopti) in the older one
    assert index.country_at(float(rows["MLI2842"]["latitude"]),
                            -float(rows["MLI2842"]["longitude"])) == "MLI"
    assert km[unit < 0][0] > geo.BORDER_TOLERANCE_KM > km[across & (unit >= 0)].max()


def test_nearest_in_country_just_across_a_border(index: AdminIndex) -> None:
    lat, lon = 21.1901, 1.0430  # In Khalil: ACLED says Mali, the point is in Algeria
    assert index.country_at(lat, lon) is None
    unit, km = index.nearest_in_country(lat, lon, "MLI")
    assert unit.name == "Kidal"
    assert 0 < km < geo.BORDER_TOLERANCE_KM
    # cross-check: the km is no more than the great-circle distance to Kidal's nearest vertex
    v = shapely.get_coordinates(index.polygons[index.index_of(unit.code)])
    p1, p2, dl = np.radians(lat), np.radians(v[:, 1]), np.radians(v[:, 0] - lon)
    hav = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    nearest_vertex_km = (2 * 6371.0088 * np.arcsin(np.sqrt(hav))).min()
    assert km <= nearest_vertex_km * 1.01
    assert km > 0.5 * nearest_vertex_km  # same order: Natural Earth vertices are a few km apart


def test_nearest_in_country_inside_and_far(index: AdminIndex) -> None:
    unit, km = index.nearest_in_country(14.1022, -1.6306, "BFA")  # Djibo, inside
    assert (unit.name, km) == ("Soum", 0.0)
    unit, km = index.nearest_in_country(13.5137, 2.1098, "MLI")  # Niamey named as Mali
    assert unit.iso3 == "MLI" and km > 100
    placed, dist = index.assign_in_country(
        [13.5137, 13.5137, np.nan], [2.1098, 2.1098, 2.0], ["MLI", "XXX", "NER"]
    )
    assert placed.tolist() == [-1, -1, -1] and dist[0] == pytest.approx(km)
    assert math.isnan(dist[1]) and math.isnan(dist[2])
    with pytest.raises(ValueError, match="expected an ISO3 code"):
        index.nearest_in_country(13.5, 2.1, "DZA")


# --- named areas ---------------------------------------------------------------------------


def test_liptako_gourma_is_the_union_of_its_units(index: AdminIndex) -> None:
    assert "liptako_gourma" in geo.NAMED_AREAS
    zone = geo.named_area("liptako_gourma")
    units = geo.named_area_units("liptako_gourma")
    assert {u.iso3 for u in units} == {"MLI", "BFA", "NER"}
    assert {"Soum", "Oudalan", "Séno", "Yagha", "Mopti", "Gao", "Tillabéri"} <= {
        u.name for u in units
    }
    union = shapely.union_all([index.polygons[index.index_of(u.code)] for u in units])
    assert shapely.area(shapely.symmetric_difference(zone, union)) < 1e-9


def test_in_named_area(index: AdminIndex) -> None:
    towns = {
        "Djibo": (14.1022, -1.6306),
        "Ménaka": (15.9182, 2.4022),
        "Tillabéri": (14.2117, 1.4531),
        "Bamako": (12.6392, -8.0029),
        "Niamey": (13.5137, 2.1098),
        "Ouagadougou": (12.3714, -1.5197),
    }
    lats, lons = np.array(list(towns.values())).T
    assert geo.in_named_area("liptako_gourma", lats, lons).tolist() == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]  # Niamey is an enclave left out of the zone
    assert geo.in_named_area("aes", lats, lons).all()
    rng = np.random.default_rng(7)
    lats, lons = rng.uniform(10, 20, 4000), rng.uniform(-6, 5, 4000)
    zone = geo.named_area("liptako_gourma")
    assert np.array_equal(
        geo.in_named_area("liptako_gourma", lats, lons), shapely.intersects_xy(zone, lons, lats)
    )
    with pytest.raises(ValueError, match="expected a named area"):
        geo.named_area("sahara")


# --- PRIO-GRID -----------------------------------------------------------------------------


def test_prio_grid() -> None:
    assert geo.prio_grid_gid(10.51, 2.29) == 145085
    assert geo.prio_grid_gid(-90, -180) == 1
    assert geo.prio_grid_gid(-89.9, -179.4) == 2
    assert geo.prio_grid_gid(-89.4, -180) == 721
    assert geo.prio_grid_gid(90, 180) == 360 * 720
    rng = np.random.default_rng(3)
    lats, lons = rng.uniform(-90, 90, 500), rng.uniform(-180, 180, 500)
    gids = geo.prio_grid_gids(lats, lons)
    rows, cols = (gids - 1) // 720, (gids - 1) % 720
    assert ((rows / 2 - 90 <= lats) & (lats < rows / 2 - 89.5)).all()
    assert ((cols / 2 - 180 <= lons) & (lons < cols / 2 - 179.5)).all()
    assert gids.tolist() == [geo.prio_grid_gid(a, b) for a, b in zip(lats, lons, strict=True)]
    with pytest.raises(ValueError, match="expected lat in"):
        geo.prio_grid_gids([10.0, np.nan], [2.0, 2.0])


# --- gazetteer -----------------------------------------------------------------------------


def test_iter_gazetteer_reads_all_three_countries() -> None:
    counts: dict[str, int] = {}
    for place in geo.iter_gazetteer():
        counts[place.iso3] = counts.get(place.iso3, 0) + 1
    assert counts == {"MLI": 24312, "BFA": 11295, "NER": 24320}


def test_search_finds_towns_by_alternate_and_unaccented_names() -> None:
    djibo = geo.search_places("Djibo")[0]
    assert (djibo.name, djibo.iso3, djibo.feature_class) == ("Djibo", "BFA", "P")
    timbuktu = geo.search_places("Timbuktu")[0]
    assert geo.search_places("Tombouctou")[0] == timbuktu
    assert "Tombouctou" in timbuktu.alternatenames and timbuktu.name != "Tombouctou"
    menaka = geo.search_places("Menaka")[0]
    assert menaka.name == "Ménaka" and menaka.feature_class == "P"
    assert geo.search_places("MÉNAKA")[0] == menaka
    assert (
        geo.search_places("ménaka", iso3="NER")
        == [p for p in geo.search_places("ménaka", limit=1000) if p.iso3 == "NER"][:10]
    )


def test_search_ranking_limit_and_validation() -> None:
    hits = geo.search_places("gao", limit=5)
    assert len(hits) == 5 and hits[0].name == "Gao" and hits[0].population > 10000
    populated = [p.population for p in hits if p.name == "Gao" and p.feature_class == "P"]
    assert populated == sorted(populated, reverse=True)
    assert geo.search_places("zzqxj") == []
    with pytest.raises(ValueError, match="expected limit"):
        geo.search_places("Gao", limit=0)
    with pytest.raises(ValueError, match="expected an ISO3"):
        geo.search_places("Gao", iso3="ML")
