"""A batch's points placed in advance give the same answers as placing each alone."""

import numpy as np

from liptako.charter import GeoPlacer, KnownPoints

# Ouagadougou, Bamako, Niamey, Ménaka, Accra (outside the shipped boundaries), Djibo
POINTS = [(12.37, -1.52), (12.64, -8.0), (13.51, 2.11), (15.92, 2.40), (5.6, -0.19),
          (14.1, -1.63)]


def test_known_points_answer_as_the_boundaries_do() -> None:
    geo = GeoPlacer()
    lats, lons = (np.array(v, dtype=float) for v in zip(*POINTS, strict=True))
    known = KnownPoints(geo, lats[:4], lons[:4], ("liptako_gourma",))  # two left unknown
    for lat, lon in POINTS:
        assert known.country_at(lat, lon) == geo.country_at(lat, lon)
        one = np.array([lat]), np.array([lon])
        assert known.in_area("liptako_gourma", *one).tolist() == \
            geo.in_area("liptako_gourma", *one).tolist()
    assert [known.country_at(*p) for p in POINTS[:4]] == ["BFA", "MLI", "NER", "MLI"]
    assert known.country_at(*POINTS[4]) is None
    assert known.in_area("liptako_gourma", lats, lons).tolist() == \
        geo.in_area("liptako_gourma", lats, lons).tolist()
    empty = KnownPoints(geo, np.array([]), np.array([]), ("liptako_gourma",))
    assert empty.country_at(*POINTS[0]) == "BFA"
