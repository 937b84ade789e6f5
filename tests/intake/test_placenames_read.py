"""The place index reads the shipped GeoNames extract as the core gazetteer reader does."""

from __future__ import annotations

import itertools

from liptako.core.geo import iter_gazetteer
from liptako.intake.placenames import _FEATURE_CLASSES, _gazetteer


def test_fast_rows_agree_with_the_gazetteer_records() -> None:
    rows: dict[int, list[tuple[object, ...]]] = {}
    for r in _gazetteer():  # a border feature may come once per country file
        rows.setdefault(r[7], []).append((*r[:8], frozenset(r[8])))
    checked = 0
    for p in itertools.islice(iter_gazetteer(), 3000):
        if p.feature_class not in _FEATURE_CLASSES:
            assert p.geonameid not in rows
            continue
        names = frozenset((p.name, p.asciiname, *p.alternatenames))
        expected = (p.name, p.lat, p.lon, p.iso3, p.feature_class, p.feature_code)
        expected += (p.population or None, p.geonameid, names)
        assert expected in rows[p.geonameid]
        checked += 1
    assert checked > 1000
