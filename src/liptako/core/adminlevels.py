"""Admin levels of a shipped unit: Natural Earth's admin-1 is not the same level everywhere.

Natural Earth gives Mali's and Niger's regions, but Burkina Faso's 45 provinces (its official
ADM2). For Burkina the province is admin-2 and its region, carried in the same file, admin-1;
elsewhere the unit is admin-1 and there is no admin-2.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from liptako.core.geo import AdminUnit


class Levels(NamedTuple):
    admin1_code: str | None
    admin1_name: str | None
    admin2_code: str | None
    admin2_name: str | None


NO_LEVELS = Levels(None, None, None, None)


def region_code(unit: AdminUnit) -> str:
    """A stable code for a Burkina Faso region, built from its name (no official code ships).

    >>> region_code(AdminUnit("BFA-2806", "BFA", "Soum", "Soum", 1, None, "Sahel"))
    'BFA-R-SAHEL'
    """
    folded = unicodedata.normalize("NFKD", unit.region or "").encode("ascii", "ignore").decode()
    return f"{unit.iso3}-R-{folded.upper().replace(' ', '-')}"


def levels_of(unit: AdminUnit | None) -> Levels:
    """Admin-1 and admin-2 code and name of a unit (all None for no unit)."""
    if unit is None:
        return NO_LEVELS
    if unit.iso3 == "BFA" and unit.region:
        return Levels(region_code(unit), unit.region, unit.code, unit.name)
    return Levels(unit.code, unit.name, None, None)
