"""Results of the vectorised evaluator, and their rendering into :class:`Determination` objects.

Columns stay columns (counts, filters, exports without a Python loop); :meth:`determination`
renders one incident exactly as :func:`liptako.charter.engine.evaluate` would, reasons included.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from liptako.charter.engine import STATUS, Determination, provision_determination
from liptako.charter.frame import FactsFrame
from liptako.charter.logic import UNKNOWN, Finding
from liptako.charter.pacts import Pact, Provision
from liptako.charter.policy import Policy
from liptako.charter.reasons import reason_context
from liptako.charter.rules import NOT_IN_FORCE, Outcome

_AREA = ("place_unknown", "outside_parties", "on_party_territory", "on_party_country", "anywhere",
         "latitude_unknown", "north_of_limit", "south_of_limit", "in_common_space",
         "outside_common_space", "coordinates_needed", "in_named_area", "outside_named_area")
CODES: dict[str, tuple[str, ...]] = {
    "scope": _AREA,
    "asset": ("target_unknown", "not_an_asset", *("asset_" + c for c in _AREA)),
    "perpetrator": ("kind_unknown", "kind_mismatch", "kind_match", "group_unknown",
                    "group_match", "group_mismatch", "no_kind_matches", "any_kind_matches"),
    "victim": ("victim_party", "victim_not_party", "victim_unknown", "no_victim",
               "victim_territory"),
    "acts": ("acts_match", "acts_mismatch"),
    "aggressor": ("kind_unknown", "international_organization", "state_unknown",
                  "own_party_forces", "hostile_state", "classified_yes", "classified_no",
                  "reading_engaged", "reading_not_engaged", "classification_needed",
                  "any_perpetrator_hostile"),
    "target": ("target_unknown", "vessel_or_aircraft", "other_target", "forces_outside",
               "forces_inside", "forces_place_unknown", "forces_inside_inferred",
               "forces_outside_inferred"),
    "support": ("no_outside_launch", "place_unknown", "launched_inside", "host_unknown",
                "host_supported", "host_refused"),
    "conduct": ("kind_unknown", "not_state_conduct", "state_unknown", "non_party_state",
                "victim_unknown", "own_forces", "party_forces", "named_non_party_state",
                "named_own_forces"),
    "launch": ("no_launch", "launch_non_party", "victim_unknown", "launch_from_victim",
               "host_unknown", "host_permitted", "host_refused"),
}
"""Reason codes of each atom, by index (the vectorised findings store indices)."""


@dataclass(frozen=True)
class VFinding:
    """A finding for every incident: value (0/1/2), code index, missing-fact mask."""

    atom: str
    value: NDArray[np.int8]
    code: NDArray[np.int8]
    missing: NDArray[np.uint16]

    def at(self, i: int) -> Finding:
        value = int(self.value[i])
        return Finding(self.atom, value, CODES[self.atom][int(self.code[i])],
                       int(self.missing[i]) if value == UNKNOWN else 0)


@dataclass(frozen=True)
class ProvisionColumns:
    """One provision's determinations for every incident."""

    provision: Provision
    value: NDArray[np.int8]
    missing: NDArray[np.uint16]
    owed_by: NDArray[np.uint64]
    beneficiary: NDArray[np.int32]
    respondent: NDArray[np.int32]
    groups: tuple[tuple[VFinding, ...], ...]


@dataclass(frozen=True)
class BulkDeterminations:
    """Columnar determinations for a :class:`~liptako.charter.frame.FactsFrame`."""

    frame: FactsFrame
    pact: Pact
    policy: Policy
    countries: tuple[str, ...]
    in_force: NDArray[np.bool_]
    territory: NDArray[np.int32]
    in_common_space: NDArray[np.int8]
    provisions: tuple[ProvisionColumns, ...]

    def __len__(self) -> int:
        return len(self.frame)

    def status_counts(self) -> dict[str, dict[str, int]]:
        """Per article, how many incidents are engaged / not_engaged / undetermined."""
        out = {}
        for p in self.provisions:
            counts = np.bincount(p.value, minlength=3)
            out[p.provision.article] = {STATUS[k]: int(counts[k]) for k in range(3)}
        return out

    def _iso(self, code: int) -> str | None:
        return None if code < 0 else self.countries[code]

    def _owed(self, mask: int) -> tuple[str, ...]:
        order = sorted(p.iso3 for p in self.pact.parties)
        return tuple(iso for k, iso in enumerate(order) if mask >> k & 1)

    def outcome(self, p: ProvisionColumns, i: int) -> Outcome:
        """The outcome of one provision for incident ``i``, as the one-by-one evaluator has it."""
        if not self.in_force[i]:
            return Outcome(int(p.value[i]), 0, ((NOT_IN_FORCE,),))
        return Outcome(int(p.value[i]), int(p.missing[i]),
                       tuple(tuple(f.at(i) for f in g) for g in p.groups),
                       self._owed(int(p.owed_by[i])), self._iso(int(p.beneficiary[i])),
                       self._iso(int(p.respondent[i])))

    def determination(self, i: int, lang: str = "en") -> Determination:
        """Incident ``i`` rendered exactly as :func:`liptako.charter.engine.evaluate` does."""
        facts = self.frame.row(i)
        territory = self._iso(int(self.territory[i]))
        context = reason_context(facts, self.pact, self.policy, territory, lang)
        provisions = tuple(provision_determination(p.provision, self.outcome(p, i), context,
                                                   self.pact, lang) for p in self.provisions)
        space = int(self.in_common_space[i])
        return Determination(id=facts.id, pact=self.pact.id, in_force=bool(self.in_force[i]),
                             territory=territory,
                             in_common_space=None if space == UNKNOWN else space == 1,
                             provisions=provisions)

    def determinations(self, lang: str = "en") -> Iterator[Determination]:
        """Every incident, in order (a Python loop: for output, not for counting)."""
        for i in range(len(self)):
            yield self.determination(i, lang)
