"""Incident facts as columns (numpy), for the vectorised evaluator.

Country codes are integers into :attr:`FactsFrame.countries` (-1: absent). Tri-state booleans
use the encoding of :mod:`liptako.charter.logic` (0 false, 1 true, 2 unknown). A frame is built
from :class:`~liptako.charter.facts.IncidentFacts` (:meth:`FactsFrame.from_facts`) or directly
from columns (synthetic data, imports); :meth:`FactsFrame.row` gives one incident back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from liptako.charter.facts import (
    ACTS,
    GROUP_TYPES,
    TARGET_KINDS,
    IncidentFacts,
    Location,
    Perpetrator,
    Target,
)
from liptako.charter.logic import FALSE, TRUE, UNKNOWN

PERP_KINDS = (None, "state", "international_organization", "non_state_armed_group",
              "criminal_group")
"""Codes of ``perp_kind``: 0 unknown, then the contract's kinds."""
GROUPS = (None, *GROUP_TYPES)
TARGETS = (None, *TARGET_KINDS)
ACT_BIT = {a: 1 << k for k, a in enumerate(ACTS)}
EPOCH = dt.date(1970, 1, 1)

I8 = NDArray[np.int8]
I32 = NDArray[np.int32]
F64 = NDArray[np.float64]


def tri(value: bool | None) -> int:
    return UNKNOWN if value is None else (TRUE if value else FALSE)


def untri(value: int) -> bool | None:
    return None if value == UNKNOWN else value == TRUE


@dataclass(frozen=True)
class FactsFrame:
    """Columns of incident facts; every array has one entry per incident."""

    ids: Sequence[str]
    day: NDArray[np.int64]
    lat: F64
    lon: F64
    loc_country: I32
    has_location: NDArray[np.bool_]
    perp_kind: I8
    perp_state: I32
    group_type: I8
    target_kind: I8
    target_party: I32
    outside: I8
    launched_from: I32
    host: I8
    acts: NDArray[np.uint8]
    sovereignty: I8
    countries: tuple[str, ...]

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("day", "lat", "lon", "loc_country", "has_location", "perp_kind",
                     "perp_state", "group_type", "target_kind", "target_party", "outside",
                     "launched_from", "host", "acts", "sovereignty"):
            shape = getattr(self, name).shape
            if shape != (n,):
                raise ValueError(f"FactsFrame.{name}: expected shape ({n},), got {shape}")

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_facts(cls, incidents: Sequence[IncidentFacts]) -> FactsFrame:
        """Columns from validated incidents."""
        vocab: dict[str, int] = {}

        def code(iso3: str | None) -> int:
            return -1 if iso3 is None else vocab.setdefault(iso3, len(vocab))

        locs = [f.location for f in incidents]
        frame = cls(
            ids=[f.id for f in incidents],
            day=np.array([(f.occurred_on - EPOCH).days for f in incidents], dtype=np.int64),
            lat=np.array([np.nan if c is None or c.lat is None else c.lat for c in locs]),
            lon=np.array([np.nan if c is None or c.lon is None else c.lon for c in locs]),
            loc_country=np.array([code(c.country if c else None) for c in locs], dtype=np.int32),
            has_location=np.array([c is not None for c in locs], dtype=bool),
            perp_kind=np.array([PERP_KINDS.index(f.perpetrator.kind) for f in incidents],
                               dtype=np.int8),
            perp_state=np.array([code(f.perpetrator.state) for f in incidents], dtype=np.int32),
            group_type=np.array([GROUPS.index(f.perpetrator.group_type) for f in incidents],
                                dtype=np.int8),
            target_kind=np.array([TARGETS.index(f.target.kind) for f in incidents], dtype=np.int8),
            target_party=np.array([code(f.target.party) for f in incidents], dtype=np.int32),
            outside=np.array([tri(f.target.outside_alliance_area) for f in incidents],
                             dtype=np.int8),
            launched_from=np.array([code(f.launched_from) for f in incidents], dtype=np.int32),
            host=np.array([tri(f.host_permitted) for f in incidents], dtype=np.int8),
            acts=np.array([sum(ACT_BIT[a] for a in f.acts) for f in incidents], dtype=np.uint8),
            sovereignty=np.array([tri(f.attack_on_sovereignty) for f in incidents], dtype=np.int8),
            countries=(),
        )
        return frame.with_countries(tuple(vocab))

    def with_countries(self, countries: tuple[str, ...]) -> FactsFrame:
        """The same frame with its country vocabulary set."""
        return FactsFrame(**{**self.__dict__, "countries": countries})

    def _iso(self, code: int) -> str | None:
        return None if code < 0 else self.countries[code]

    def row(self, i: int) -> IncidentFacts:
        """Incident ``i`` as :class:`IncidentFacts` (``perpetrator.actor`` is not kept)."""
        location = None
        if self.has_location[i]:
            point = not np.isnan(self.lat[i])
            location = Location(lat=float(self.lat[i]) if point else None,
                                lon=float(self.lon[i]) if point else None,
                                country=self._iso(int(self.loc_country[i])))
        return IncidentFacts(
            id=self.ids[i],
            occurred_on=EPOCH + dt.timedelta(days=int(self.day[i])),
            location=location,
            perpetrator=Perpetrator(kind=PERP_KINDS[self.perp_kind[i]],
                                    state=self._iso(int(self.perp_state[i])),
                                    group_type=GROUPS[self.group_type[i]]),
            target=Target(kind=TARGETS[self.target_kind[i]],
                          party=self._iso(int(self.target_party[i])),
                          outside_alliance_area=untri(int(self.outside[i]))),
            launched_from=self._iso(int(self.launched_from[i])),
            host_permitted=untri(int(self.host[i])),
            acts=tuple(a for a in ACTS if int(self.acts[i]) & ACT_BIT[a]),
            attack_on_sovereignty=untri(int(self.sovereignty[i])),
        )
