"""Atoms: single tests on a placed incident, each a :class:`~liptako.charter.logic.Finding`.

Each is an if-chain in a fixed order; :mod:`liptako.charter.vectorized` repeats the same chains
on columns. A finding is TRUE or FALSE only when no completion of the unknown facts could change
it; otherwise it is UNKNOWN and names the missing facts (a parent before its dependents).
"""

from __future__ import annotations

from collections.abc import Sequence

from liptako.charter.logic import BIT, FALSE, TRUE, UNKNOWN, Finding
from liptako.charter.pactcheck import COMMON_SPACE
from liptako.charter.pacts import Area, Pact, PerpetratorPattern, Rule
from liptako.charter.policy import UNION_OF_TERRITORIES, Policy
from liptako.charter.situation import Situation

KINDS = ("state", "international_organization", "non_state_armed_group", "criminal_group")
LOCATION = BIT["location"]
KIND = BIT["perpetrator.kind"]
STATE = BIT["perpetrator.state"]
GROUP = BIT["perpetrator.group_type"]
TARGET = BIT["target.kind"]
OUTSIDE = BIT["target.outside_alliance_area"]
HOST = BIT["host_permitted"]
CLASSIFICATION = BIT["classification.attack_on_sovereignty"]


def area_finding(s: Situation, area: Area, atom: str = "scope") -> Finding:
    """Is the place in the area (party territory and/or north of a latitude)?"""
    if area.party_territory:
        if not s.territory_known:
            return Finding(atom, UNKNOWN, "place_unknown", LOCATION)
        if s.territory is None:
            return Finding(atom, FALSE, "outside_parties")
        if area.min_latitude is None:
            return Finding(atom, TRUE, "on_party_territory")
        if s.lat is None:
            return Finding(atom, TRUE, "on_party_country")
    elif area.min_latitude is None:
        return Finding(atom, TRUE, "anywhere")
    elif s.facts.location is None:
        return Finding(atom, UNKNOWN, "place_unknown", LOCATION)
    elif s.lat is None:
        if s.territory is not None:  # a party's country: taken as its home territory
            return Finding(atom, TRUE, "on_party_country")
        return Finding(atom, UNKNOWN, "latitude_unknown", LOCATION)
    if s.lat is not None and area.min_latitude is not None and s.lat >= area.min_latitude:
        return Finding(atom, TRUE, "north_of_limit")
    return Finding(atom, FALSE, "south_of_limit")


def common_space_finding(s: Situation, policy: Policy) -> Finding:
    """Is the place in the common space (the parties' territories, or a narrower named area)?"""
    if not s.territory_known:
        return Finding("scope", UNKNOWN, "place_unknown", LOCATION)
    if s.territory is None:
        return Finding("scope", FALSE, "outside_common_space")
    if policy.common_space == UNION_OF_TERRITORIES:
        return Finding("scope", TRUE, "in_common_space")
    if s.in_named_area is None:
        return Finding("scope", UNKNOWN, "coordinates_needed", LOCATION)
    if s.in_named_area:
        return Finding("scope", TRUE, "in_named_area")
    return Finding("scope", FALSE, "outside_named_area")


def scope_finding(s: Situation, pact: Pact, policy: Policy, scope: str) -> Finding:
    if scope == COMMON_SPACE:
        return common_space_finding(s, policy)
    return area_finding(s, pact.areas[scope])


def _match(kind: str, group: str | None, patterns: Sequence[PerpetratorPattern]) -> Finding:
    same_kind = [pat for pat in patterns if pat.kind == kind]
    if not same_kind:
        return Finding("perpetrator", FALSE, "kind_mismatch")
    if any(pat.group_type is None for pat in same_kind):
        return Finding("perpetrator", TRUE, "kind_match")
    if group is None:
        return Finding("perpetrator", UNKNOWN, "group_unknown", GROUP)
    if any(pat.group_type == group for pat in same_kind):
        return Finding("perpetrator", TRUE, "group_match")
    return Finding("perpetrator", FALSE, "group_mismatch")


def perpetrator_finding(s: Situation, patterns: Sequence[PerpetratorPattern]) -> Finding:
    """Does the perpetrator match one of the patterns (kind, optionally group type)?

    With the kind unknown, the finding is decided only when every kind gives the same answer.
    """
    p = s.facts.perpetrator
    if p.kind is not None:
        return _match(p.kind, p.group_type, patterns)
    values = {_match(k, p.group_type, patterns).value for k in KINDS}
    if values == {FALSE}:
        return Finding("perpetrator", FALSE, "no_kind_matches")
    if values == {TRUE}:
        return Finding("perpetrator", TRUE, "any_kind_matches")
    return Finding("perpetrator", UNKNOWN, "kind_unknown", KIND)


def victim_finding(s: Situation) -> Finding:
    """Is the victim (target.party, else T) a party?"""
    party = s.facts.target.party
    if party is not None:
        ok = party in s.members
        return Finding("victim", TRUE, "victim_party") if ok \
            else Finding("victim", FALSE, "victim_not_party")
    if not s.territory_known:
        return Finding("victim", UNKNOWN, "victim_unknown", LOCATION)
    if s.territory is None:
        return Finding("victim", FALSE, "no_victim")
    return Finding("victim", TRUE, "victim_territory")


def acts_finding(s: Situation, rule: Rule) -> Finding:
    ok = any(a in rule.acts for a in s.facts.acts)
    return Finding("acts", TRUE if ok else FALSE, "acts_match" if ok else "acts_mismatch")


def _state_aggressor(s: Situation) -> Finding:
    state = s.facts.perpetrator.state
    if state is None:
        return Finding("aggressor", UNKNOWN, "state_unknown", STATE)
    if state in s.members:
        return Finding("aggressor", FALSE, "own_party_forces")
    return Finding("aggressor", TRUE, "hostile_state")


def _non_state_aggressor(s: Situation, rule: Rule, policy: Policy) -> Finding:
    if s.facts.attack_on_sovereignty is not None:
        return Finding("aggressor", TRUE, "classified_yes") if s.facts.attack_on_sovereignty \
            else Finding("aggressor", FALSE, "classified_no")
    assert rule.non_state_setting is not None
    reading = policy.text(rule.non_state_setting)
    if reading == "engaged":
        return Finding("aggressor", TRUE, "reading_engaged")
    if reading == "not_engaged":
        return Finding("aggressor", FALSE, "reading_not_engaged")
    return Finding("aggressor", UNKNOWN, "classification_needed", CLASSIFICATION)


def aggressor_finding(s: Situation, rule: Rule, policy: Policy) -> Finding:
    """Hostile state or organisation; a party's own forces never; non-state per the reading."""
    kind = s.facts.perpetrator.kind
    if kind is None:
        hostile_whoever = (_state_aggressor(s).value == TRUE
                           and _non_state_aggressor(s, rule, policy).value == TRUE)
        return Finding("aggressor", TRUE, "any_perpetrator_hostile") if hostile_whoever \
            else Finding("aggressor", UNKNOWN, "kind_unknown", KIND)
    if kind == "international_organization":
        return Finding("aggressor", TRUE, "international_organization")
    if kind == "state":
        return _state_aggressor(s)
    return _non_state_aggressor(s, rule, policy)


def asset_finding(s: Situation, pact: Pact, rule: Rule) -> Finding:
    """Is the target one of the victim's assets (forces, vessels, aircraft) in the asset area?"""
    kind = s.facts.target.kind
    if kind is not None and kind not in rule.asset_kinds:
        return Finding("asset", FALSE, "not_an_asset")
    assert rule.asset_area is not None
    where = area_finding(s, pact.areas[rule.asset_area], "asset")
    if where.value == FALSE:
        return Finding("asset", FALSE, "asset_" + where.code)
    if kind is None:
        return Finding("asset", UNKNOWN, "target_unknown", TARGET | where.missing)
    return Finding("asset", where.value, "asset_" + where.code, where.missing)


def extended_target_finding(s: Situation, pact: Pact, rule: Rule) -> Finding:
    """A vessel or aircraft anywhere, or forces deployed outside the area (flag, else place)."""
    t = s.facts.target
    if t.kind is None:
        return Finding("target", UNKNOWN, "target_unknown", TARGET)
    if t.kind == "vessel_or_aircraft":
        return Finding("target", TRUE, "vessel_or_aircraft")
    if t.kind != "state_forces":
        return Finding("target", FALSE, "other_target")
    if t.outside_alliance_area is not None:
        ok = t.outside_alliance_area
        return Finding("target", TRUE if ok else FALSE, "forces_outside" if ok else "forces_inside")
    assert rule.outside_area is not None
    inside = area_finding(s, pact.areas[rule.outside_area], "target")
    if inside.value == UNKNOWN:
        return Finding("target", UNKNOWN, "forces_place_unknown", inside.missing | OUTSIDE)
    if inside.value == TRUE:
        return Finding("target", FALSE, "forces_inside_inferred")
    return Finding("target", TRUE, "forces_outside_inferred")


def support_finding(s: Situation) -> Finding:
    """Launched from outside the territory with the support of the state launched from."""
    launched, host = s.facts.launched_from, s.facts.host_permitted
    if launched is None:
        return Finding("support", FALSE, "no_outside_launch")
    if host is False:
        return Finding("support", FALSE, "host_refused")
    if not s.territory_known:
        return Finding("support", UNKNOWN, "place_unknown", LOCATION | (0 if host else HOST))
    if launched == s.territory:
        return Finding("support", FALSE, "launched_inside")
    if host is None:
        return Finding("support", UNKNOWN, "host_unknown", HOST)
    return Finding("support", TRUE, "host_supported")


def _state_conduct(s: Situation) -> Finding:
    state = s.facts.perpetrator.state
    if state is None:
        return Finding("conduct", UNKNOWN, "state_unknown", STATE)
    if state not in s.members:
        return Finding("conduct", FALSE, "non_party_state")
    if not s.victim_known:
        return Finding("conduct", UNKNOWN, "victim_unknown", LOCATION)
    if state == s.victim:
        return Finding("conduct", FALSE, "own_forces")
    return Finding("conduct", TRUE, "party_forces")


def conduct_finding(s: Situation) -> Finding:
    """A party's state forces acted against another party.

    With the kind unknown it is decided (false) when the state named could not be such a party.
    """
    kind = s.facts.perpetrator.kind
    if kind is None:
        as_state = _state_conduct(s)
        if as_state.value == FALSE:
            return Finding("conduct", FALSE, "named_" + as_state.code)
        return Finding("conduct", UNKNOWN, "kind_unknown", KIND | (as_state.missing & ~STATE))
    if kind != "state":
        return Finding("conduct", FALSE, "not_state_conduct")
    return _state_conduct(s)


def launch_finding(s: Situation) -> Finding:
    """The attack was launched from another party's territory with its government's leave."""
    launched, host = s.facts.launched_from, s.facts.host_permitted
    if launched is None:
        return Finding("launch", FALSE, "no_launch")
    if launched not in s.members:
        return Finding("launch", FALSE, "launch_non_party")
    if host is False:
        return Finding("launch", FALSE, "host_refused")
    if not s.victim_known:
        return Finding("launch", UNKNOWN, "victim_unknown", LOCATION | (0 if host else HOST))
    if launched == s.victim:
        return Finding("launch", FALSE, "launch_from_victim")
    if host is None:
        return Finding("launch", UNKNOWN, "host_unknown", HOST)
    return Finding("launch", TRUE, "host_permitted")
