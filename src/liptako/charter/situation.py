"""An incident placed in one pact on its date: in force, parties, territory, victim.

Terms (CHARTER_CONTRACT.md): *T*, the party on whose territory the incident happened (None
outside every party's territory, unknown without a location); the *victim*, ``target.party`` or
T when that is absent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from liptako.charter.facts import IncidentFacts
from liptako.charter.pacts import Pact
from liptako.charter.placer import Placer
from liptako.charter.policy import UNION_OF_TERRITORIES, Policy


@dataclass(frozen=True)
class Situation:
    """An incident placed in one pact on its date: in force, members, territory."""

    facts: IncidentFacts
    in_force: bool
    members: frozenset[str]
    territory: str | None
    territory_known: bool
    in_named_area: bool | None = None

    @property
    def lat(self) -> float | None:
        loc = self.facts.location
        return None if loc is None else loc.lat

    @property
    def victim(self) -> str | None:
        """``target.party``, else T (None when unknown or outside)."""
        return self.facts.target.party or self.territory

    @property
    def victim_known(self) -> bool:
        return self.facts.target.party is not None or self.territory_known


def situate(facts: IncidentFacts, pact: Pact, policy: Policy, placer: Placer) -> Situation:
    """Place an incident: before entry into force, territory refers to the founding parties."""
    on = facts.occurred_on
    in_force = pact.in_force_on(on)
    members = frozenset(pact.members_on(on if in_force else pact.in_force_from))
    loc = facts.location
    if loc is None:
        return Situation(facts, in_force, members, None, False)
    country: str | None = loc.country
    if country is None:
        assert loc.lat is not None and loc.lon is not None
        country = placer.country_at(loc.lat, loc.lon)
    named = None
    if policy.common_space != UNION_OF_TERRITORIES and loc.lat is not None \
            and loc.lon is not None:
        point = np.array([loc.lat]), np.array([loc.lon])
        named = bool(placer.in_area(policy.common_space, *point)[0])
    territory = country if country in members else None
    return Situation(facts, in_force, members, territory, True, named)
