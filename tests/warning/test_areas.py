"""The scan's areas: the 62 shipped units, their centres in kilometres, and neighbours that
share a stretch of boundary, across borders too."""

from __future__ import annotations

import doctest

import numpy as np

from liptako.core.geo import admin_index
from liptako.warning import areas as areas_module
from liptako.warning import schemas
from liptako.warning.areas import areas


def _names(codes: list[str]) -> list[str]:
    index = admin_index()
    return sorted(index.unit(c).name for c in codes)


def test_units_centres_and_shared_boundaries() -> None:
    grid = areas()
    assert len(grid.codes) == 62 and list(grid.codes) == sorted(grid.codes)
    position = grid.position()
    nb = grid.neighbours
    pairs = {(i, int(j)) for i in range(nb.n_units) for j in nb.of(i)}
    assert pairs == {(j, i) for i, j in pairs}  # symmetric
    assert nb.cardinalities.min() >= 1  # no unit stands alone
    of = {code: [grid.codes[k] for k in nb.of(position[code])] for code in grid.codes}
    assert _names(of["NER-94"]) == ["Tillabéri"]  # Niamey lies inside Tillabéri
    assert _names(of["MLI-2792"]) == ["Koulikoro"]  # so does Bamako in Koulikoro
    assert "Mopti" in _names(of["BFA-2806"])  # Soum borders Mopti across the border
    bamako, niamey = grid.coords_km[position["MLI-2792"]], grid.coords_km[position["NER-94"]]
    assert 1080 < np.hypot(*(bamako - niamey)) < 1120  # about 1,100 km apart


def test_examples_in_docstrings_run() -> None:
    for module in (areas_module, schemas):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0
