"""Trigger families, implemented once; pact files configure them (one incident at a time).

A *hostile* perpetrator is a state that is not a party or an international organisation; for
T and the victim see :mod:`liptako.charter.situation`; the atoms are in
:mod:`liptako.charter.atoms`.

=========  ==================================================================================
family     engaged when (each line is one group of :mod:`liptako.charter.logic`)
=========  ==================================================================================
T-TERR     place in ``scope`` (an area, or the common space) ; perpetrator matches a pattern
T-REB      place in ``scope`` ; perpetrator matches ; [launched from outside with the host's
           support, when ``external_support``]
T-AGG      a qualifying act ; victim is a party ; place in ``area`` OR an asset of the victim
           (``asset_kinds``) in ``asset_area`` ; aggressor (hostile, or non-state per the
           ``non_state_setting`` reading or a recorded classification)
T-AGG-EXT  a qualifying act ; victim is a party ; a vessel or aircraft anywhere OR forces
           outside ``outside_area`` ; aggressor as T-AGG
T-NONAGG   place in ``area`` ; a qualifying act ; victim is a party ; a party's state forces
           acted against another party OR [the attack was launched from another party whose
           government permitted it, when ``host_branch``]
=========  ==================================================================================

The vectorised twin is :mod:`liptako.charter.vectorized`; both must agree on every incident.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from liptako.charter.atoms import (
    acts_finding,
    aggressor_finding,
    area_finding,
    asset_finding,
    conduct_finding,
    extended_target_finding,
    launch_finding,
    perpetrator_finding,
    scope_finding,
    support_finding,
    victim_finding,
)
from liptako.charter.logic import FALSE, TRUE, UNKNOWN, Finding, Group, all_of
from liptako.charter.pacts import Pact, Rule
from liptako.charter.policy import Policy
from liptako.charter.situation import Situation, situate


def _terr(s: Situation, pact: Pact, rule: Rule, policy: Policy) -> list[Group]:
    assert rule.scope is not None
    return [[scope_finding(s, pact, policy, rule.scope)],
            [perpetrator_finding(s, rule.perpetrators)]]


def _reb(s: Situation, pact: Pact, rule: Rule, policy: Policy) -> list[Group]:
    groups = _terr(s, pact, rule, policy)
    if rule.external_support:
        groups.append([support_finding(s)])
    return groups


def _agg(s: Situation, pact: Pact, rule: Rule, policy: Policy) -> list[Group]:
    assert rule.area is not None
    where: list[Finding] = [area_finding(s, pact.areas[rule.area])]
    if rule.asset_kinds:
        where.append(asset_finding(s, pact, rule))
    return [[acts_finding(s, rule)], [victim_finding(s)], where,
            [aggressor_finding(s, rule, policy)]]


def _agg_ext(s: Situation, pact: Pact, rule: Rule, policy: Policy) -> list[Group]:
    return [[acts_finding(s, rule)], [victim_finding(s)], [extended_target_finding(s, pact, rule)],
            [aggressor_finding(s, rule, policy)]]


def _nonagg(s: Situation, pact: Pact, rule: Rule, policy: Policy) -> list[Group]:
    assert rule.area is not None
    conduct: list[Finding] = [conduct_finding(s)]
    if rule.host_branch:
        conduct.append(launch_finding(s))
    return [[area_finding(s, pact.areas[rule.area])], [acts_finding(s, rule)],
            [victim_finding(s)], conduct]


FAMILIES: dict[str, Callable[[Situation, Pact, Rule, Policy], list[Group]]] = {
    "T-TERR": _terr, "T-REB": _reb, "T-AGG": _agg, "T-AGG-EXT": _agg_ext, "T-NONAGG": _nonagg,
}


@dataclass(frozen=True)
class Outcome:
    """A provision's determination before it is rendered for people."""

    value: int
    missing: int
    groups: tuple[tuple[Finding, ...], ...]
    owed_by: tuple[str, ...] = ()
    beneficiary: str | None = None
    respondent: str | None = None


NOT_IN_FORCE = Finding("in_force", FALSE, "not_in_force")


def parties_involved(s: Situation, rule: Rule, value: int,
                     groups: Sequence[Group]) -> tuple[tuple[str, ...], str | None, str | None]:
    """(owed_by, beneficiary, respondent): as engaged, or as they would be when undetermined."""
    if value == FALSE:
        return (), None, None
    beneficiary = None
    if rule.beneficiary == "victim" and s.victim in s.members:
        beneficiary = s.victim
    elif rule.beneficiary == "territory":
        beneficiary = s.territory
    owed: tuple[str, ...] = ()
    if rule.owed_by == "all_parties":
        owed = tuple(sorted(s.members))
    elif rule.owed_by == "other_parties" and beneficiary is not None:
        owed = tuple(sorted(s.members - {beneficiary}))
    return owed, beneficiary, _respondent(s, value, groups)


def _respondent(s: Situation, value: int, groups: Sequence[Group]) -> str | None:
    """The party whose conduct is in question: the first conduct finding that holds, or, while
    undetermined, the first that may hold and names a state."""
    who = {"conduct": s.facts.perpetrator.state, "launch": s.facts.launched_from}
    conduct = [f for g in groups for f in g if f.atom in who]
    for wanted in (TRUE, UNKNOWN):
        if wanted == UNKNOWN and value != UNKNOWN:
            break
        for f in conduct:
            if f.value == wanted and who[f.atom] is not None:
                return who[f.atom]
    return None


def evaluate_rule(s: Situation, pact: Pact, rule: Rule, policy: Policy) -> Outcome:
    """Evaluate one operative provision's rule for one placed incident."""
    if not s.in_force:
        return Outcome(FALSE, 0, ((NOT_IN_FORCE,),))
    groups = FAMILIES[rule.family](s, pact, rule, policy)
    value, missing = all_of(groups)
    owed, beneficiary, respondent = parties_involved(s, rule, value, groups)
    return Outcome(value, missing, tuple(tuple(g) for g in groups), owed, beneficiary, respondent)


__all__ = ["FAMILIES", "NOT_IN_FORCE", "Outcome", "Situation", "evaluate_rule", "situate"]
