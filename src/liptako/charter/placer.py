"""Where a point lies: the small interface the engine needs from geography.

The engine never reads boundaries itself; it asks a :class:`Placer`. :class:`GeoPlacer` answers
from :mod:`liptako.core.geo`, whose shipped boundaries cover Mali, Burkina Faso and Niger only:
a point anywhere else places on no territory (``None``), even inside another pact's party.
Give such locations as ``{"country": ISO3}``. Tests and the bulk path may use
:class:`TablePlacer` (answers fixed in advance) instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
ObjectArray = NDArray[np.object_]


class Placer(Protocol):
    """Places points on countries and named areas."""

    def country_at(self, lat: float, lon: float) -> str | None:
        """ISO3 of the country covering the point, None when none known."""
        ...

    def countries_of(self, lats: FloatArray, lons: FloatArray) -> ObjectArray:
        """ISO3 (or None) for each point."""
        ...

    def in_area(self, area: str, lats: FloatArray, lons: FloatArray) -> BoolArray:
        """Whether each point lies in a named area such as ``liptako_gourma``."""
        ...


class GeoPlacer:
    """The shipped boundaries of :mod:`liptako.core.geo` (loaded on first use)."""

    def country_at(self, lat: float, lon: float) -> str | None:
        from liptako.core.geo import admin_index

        return admin_index().country_at(lat, lon)

    def countries_of(self, lats: FloatArray, lons: FloatArray) -> ObjectArray:
        from liptako.core.geo import admin_index

        return admin_index().country_of(lats, lons)

    def in_area(self, area: str, lats: FloatArray, lons: FloatArray) -> BoolArray:
        from liptako.core.geo import in_named_area

        return in_named_area(area, lats, lons)


class TablePlacer:
    """Answers from functions of the coordinates (for tests and synthetic data)."""

    def __init__(self, country: Callable[[float, float], str | None],
                 areas: Mapping[str, Callable[[float, float], bool]] | None = None) -> None:
        self._country = country
        self._areas = dict(areas or {})

    def country_at(self, lat: float, lon: float) -> str | None:
        return self._country(lat, lon)

    def countries_of(self, lats: FloatArray, lons: FloatArray) -> ObjectArray:
        pairs = zip(lats.tolist(), lons.tolist(), strict=True)
        return np.array([self._country(a, b) for a, b in pairs], dtype=object)

    def in_area(self, area: str, lats: FloatArray, lons: FloatArray) -> BoolArray:
        test = self._areas.get(area)
        if test is None:
            raise ValueError(f"expected a named area in {sorted(self._areas)}, got {area!r}")
        pairs = zip(lats.tolist(), lons.tolist(), strict=True)
        return np.array([test(a, b) for a, b in pairs], dtype=bool)


_DEFAULT: list[Placer] = []


def default_placer() -> Placer:
    """The process-wide :class:`GeoPlacer`."""
    if not _DEFAULT:
        _DEFAULT.append(GeoPlacer())
    return _DEFAULT[0]


class KnownPoints:
    """A placer that answers from points placed in advance, in one vectorised pass (a batch
    of incidents evaluated one by one would otherwise place each point alone), and asks
    ``base`` about any other point."""

    def __init__(self, base: Placer, lats: FloatArray, lons: FloatArray,
                 areas: tuple[str, ...] = ()) -> None:
        self._base = base
        keys = list(zip(lats.tolist(), lons.tolist(), strict=True))
        self._countries: dict[tuple[float, float], str | None] = dict(
            zip(keys, base.countries_of(lats, lons).tolist(), strict=True)) if keys else {}
        self._areas: dict[str, dict[tuple[float, float], bool]] = {
            area: dict(zip(keys, base.in_area(area, lats, lons).tolist(), strict=True))
            for area in areas} if keys else {}

    def country_at(self, lat: float, lon: float) -> str | None:
        key = (lat, lon)
        if key in self._countries:
            return self._countries[key]
        return self._base.country_at(lat, lon)

    def countries_of(self, lats: FloatArray, lons: FloatArray) -> ObjectArray:
        return self._base.countries_of(lats, lons)

    def in_area(self, area: str, lats: FloatArray, lons: FloatArray) -> BoolArray:
        known = self._areas.get(area)
        if known is not None and len(lats) == 1 and (float(lats[0]), float(lons[0])) in known:
            return np.array([known[(float(lats[0]), float(lons[0]))]], dtype=bool)
        return self._base.in_area(area, lats, lons)
