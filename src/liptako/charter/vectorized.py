"""The trigger families of :mod:`liptako.charter.rules`, evaluated on columns (numpy).

Each atom is the same if-chain as its one-by-one twin, written as ``np.select`` over conditions
in the same order, so both evaluators give identical findings, hence identical determinations
(a hypothesis test checks it). :func:`evaluate_frame` returns :class:`BulkDeterminations`:
status, missing facts, owed_by (bit mask over the sorted parties), beneficiary and respondent
per provision, and the findings from which reasons are rendered on demand.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from liptako.charter.atoms import (
    CLASSIFICATION,
    GROUP,
    HOST,
    KIND,
    LOCATION,
    OUTSIDE,
    STATE,
    TARGET,
)
from liptako.charter.bulk import CODES, BulkDeterminations, ProvisionColumns, VFinding
from liptako.charter.columns import Cols, build_cols, membership
from liptako.charter.frame import ACT_BIT, GROUPS, PERP_KINDS, TARGETS, FactsFrame
from liptako.charter.logic import FALSE, TRUE, UNKNOWN
from liptako.charter.pactcheck import COMMON_SPACE
from liptako.charter.pacts import Area, Pact, PerpetratorPattern, Rule
from liptako.charter.placer import Placer, default_placer
from liptako.charter.policy import UNION_OF_TERRITORIES, Policy, default_policy

Bool = NDArray[np.bool_]
I8 = NDArray[np.int8]
I32 = NDArray[np.int32]
U16 = NDArray[np.uint16]
KIND_CODE = {k: i for i, k in enumerate(PERP_KINDS)}
KINDS = PERP_KINDS[1:]
TARGET_CODE = {k: i for i, k in enumerate(TARGETS)}
GROUP_CODE = {k: i for i, k in enumerate(GROUPS)}
Branch = tuple[Bool, int, str, int]


def _chain(atom: str, n: int, branches: Sequence[Branch],
           default: tuple[int, str, int]) -> VFinding:
    """First matching branch wins, as in an if-chain."""
    codes = CODES[atom]
    conds = [b[0] for b in branches]
    value = np.select(conds, [b[1] for b in branches], default[0]).astype(np.int8)
    code = np.select(conds, [codes.index(b[2]) for b in branches],
                     codes.index(default[1])).astype(np.int8)
    missing = np.select(conds, [b[3] for b in branches], default[2]).astype(np.uint16)
    assert value.shape == (n,)
    return VFinding(atom, value, code, missing)


def _const(atom: str, n: int, value: int, code: str) -> VFinding:
    return VFinding(atom, np.full(n, value, np.int8), np.full(n, CODES[atom].index(code), np.int8),
                    np.zeros(n, np.uint16))


def area_finding(c: Cols, area: Area, atom: str = "scope") -> VFinding:
    n, lat = len(c.f), c.f.lat
    north = c.has_lat & (lat >= (area.min_latitude if area.min_latitude is not None else 0.0))
    if area.party_territory:
        branches: list[Branch] = [(~c.territory_known, UNKNOWN, "place_unknown", LOCATION),
                                  (c.territory < 0, FALSE, "outside_parties", 0)]
        if area.min_latitude is None:
            return _chain(atom, n, branches, (TRUE, "on_party_territory", 0))
        branches.append((~c.has_lat, TRUE, "on_party_country", 0))
    elif area.min_latitude is None:
        return _const(atom, n, TRUE, "anywhere")
    else:
        branches = [(~c.f.has_location, UNKNOWN, "place_unknown", LOCATION),
                    (~c.has_lat & (c.territory >= 0), TRUE, "on_party_country", 0),
                    (~c.has_lat, UNKNOWN, "latitude_unknown", LOCATION)]
    branches.append((north, TRUE, "north_of_limit", 0))
    return _chain(atom, n, branches, (FALSE, "south_of_limit", 0))


def common_space_finding(c: Cols, policy: Policy) -> VFinding:
    n = len(c.f)
    branches: list[Branch] = [(~c.territory_known, UNKNOWN, "place_unknown", LOCATION),
                              (c.territory < 0, FALSE, "outside_common_space", 0)]
    if policy.common_space == UNION_OF_TERRITORIES:
        return _chain("scope", n, branches, (TRUE, "in_common_space", 0))
    assert c.in_named is not None
    branches += [(~c.has_lat, UNKNOWN, "coordinates_needed", LOCATION),
                 (c.in_named, TRUE, "in_named_area", 0)]
    return _chain("scope", n, branches, (FALSE, "outside_named_area", 0))


def scope_finding(c: Cols, pact: Pact, policy: Policy, scope: str) -> VFinding:
    if scope == COMMON_SPACE:
        return common_space_finding(c, policy)
    return area_finding(c, pact.areas[scope])


def _kind_value(kind: str, group: I8, patterns: Sequence[PerpetratorPattern]) -> I8:
    """The matcher's value for every row, were the kind ``kind``."""
    same = [p for p in patterns if p.kind == kind]
    if not same or any(p.group_type is None for p in same):
        return np.full(group.shape, TRUE if same else FALSE, np.int8)
    wanted = [GROUP_CODE[p.group_type] for p in same]
    return np.where(group == 0, UNKNOWN, np.where(np.isin(group, wanted), TRUE, FALSE)
                    ).astype(np.int8)


def perpetrator_finding(c: Cols, patterns: Sequence[PerpetratorPattern]) -> VFinding:
    kind, group = c.f.perp_kind, c.f.group_type
    kinds = {p.kind for p in patterns}
    any_group = {p.kind for p in patterns if p.group_type is None}
    groups = [(KIND_CODE[p.kind], GROUP_CODE[p.group_type]) for p in patterns if p.group_type]
    group_ok = np.zeros(len(c.f), bool)
    for k, g in groups:
        group_ok |= (kind == k) & (group == g)
    per_kind = [_kind_value(k, group, patterns) for k in KINDS]
    unknown = kind == 0
    branches: list[Branch] = [
        (unknown & np.logical_and.reduce([v == FALSE for v in per_kind]), FALSE,
         "no_kind_matches", 0),
        (unknown & np.logical_and.reduce([v == TRUE for v in per_kind]), TRUE,
         "any_kind_matches", 0),
        (unknown, UNKNOWN, "kind_unknown", KIND),
        (~np.isin(kind, [KIND_CODE[k] for k in kinds]), FALSE, "kind_mismatch", 0),
        (np.isin(kind, [KIND_CODE[k] for k in any_group]), TRUE, "kind_match", 0),
        (group == 0, UNKNOWN, "group_unknown", GROUP),
        (group_ok, TRUE, "group_match", 0),
    ]
    return _chain("perpetrator", len(c.f), branches, (FALSE, "group_mismatch", 0))


def victim_finding(c: Cols) -> VFinding:
    given = c.f.target_party >= 0
    branches: list[Branch] = [
        (given & c.victim_member, TRUE, "victim_party", 0),
        (given, FALSE, "victim_not_party", 0),
        (~c.territory_known, UNKNOWN, "victim_unknown", LOCATION),
        (c.territory < 0, FALSE, "no_victim", 0),
    ]
    return _chain("victim", len(c.f), branches, (TRUE, "victim_territory", 0))


def acts_finding(c: Cols, rule: Rule) -> VFinding:
    wanted = sum(ACT_BIT[a] for a in rule.acts)
    ok = (c.f.acts & np.uint8(wanted)) != 0
    return _chain("acts", len(c.f), [(ok, TRUE, "acts_match", 0)], (FALSE, "acts_mismatch", 0))


def aggressor_finding(c: Cols, rule: Rule, policy: Policy) -> VFinding:
    kind, sov = c.f.perp_kind, c.f.sovereignty
    assert rule.non_state_setting is not None
    reading = policy.text(rule.non_state_setting)
    state = kind == KIND_CODE["state"]
    hostile_state = (c.f.perp_state >= 0) & ~c.state_member
    hostile_group = (sov == TRUE) | ((sov == UNKNOWN) & (reading == "engaged"))
    branches: list[Branch] = [
        ((kind == 0) & hostile_state & hostile_group, TRUE, "any_perpetrator_hostile", 0),
        (kind == 0, UNKNOWN, "kind_unknown", KIND),
        (kind == KIND_CODE["international_organization"], TRUE, "international_organization", 0),
        (state & (c.f.perp_state < 0), UNKNOWN, "state_unknown", STATE),
        (state & c.state_member, FALSE, "own_party_forces", 0),
        (state, TRUE, "hostile_state", 0),
        (sov == TRUE, TRUE, "classified_yes", 0),
        (sov == FALSE, FALSE, "classified_no", 0),
    ]
    default = {"engaged": (TRUE, "reading_engaged", 0),
               "not_engaged": (FALSE, "reading_not_engaged", 0)}.get(
        reading, (UNKNOWN, "classification_needed", CLASSIFICATION))
    return _chain("aggressor", len(c.f), branches, default)


def asset_finding(c: Cols, pact: Pact, rule: Rule) -> VFinding:
    tk = c.f.target_kind
    assert rule.asset_area is not None
    where = area_finding(c, pact.areas[rule.asset_area], "scope")
    prefixed = np.array([CODES["asset"].index("asset_" + name) for name in CODES["scope"]],
                        dtype=np.int8)
    other = (tk != 0) & ~np.isin(tk, [TARGET_CODE[k] for k in rule.asset_kinds])
    conds = [other, where.value == FALSE, tk == 0]
    area_code = prefixed[where.code]
    value = np.select(conds, [FALSE, FALSE, UNKNOWN], where.value).astype(np.int8)
    code = np.select(conds, [CODES["asset"].index("not_an_asset"), area_code,
                             CODES["asset"].index("target_unknown")], area_code).astype(np.int8)
    area_missing = where.missing.astype(np.int64)
    target_missing = TARGET | np.where(where.value == UNKNOWN, area_missing, 0)
    missing = np.select(conds, [0, 0, target_missing], area_missing).astype(np.uint16)
    return VFinding("asset", value, code, missing)


def extended_target_finding(c: Cols, pact: Pact, rule: Rule) -> VFinding:
    tk, out = c.f.target_kind, c.f.outside
    assert rule.outside_area is not None
    inside = area_finding(c, pact.areas[rule.outside_area], "scope")
    branches: list[Branch] = [
        (tk == 0, UNKNOWN, "target_unknown", TARGET),
        (tk == TARGET_CODE["vessel_or_aircraft"], TRUE, "vessel_or_aircraft", 0),
        (tk != TARGET_CODE["state_forces"], FALSE, "other_target", 0),
        (out == TRUE, TRUE, "forces_outside", 0),
        (out == FALSE, FALSE, "forces_inside", 0),
        (inside.value == UNKNOWN, UNKNOWN, "forces_place_unknown", LOCATION | OUTSIDE),
        (inside.value == TRUE, FALSE, "forces_inside_inferred", 0),
    ]
    return _chain("target", len(c.f), branches, (TRUE, "forces_outside_inferred", 0))


def support_finding(c: Cols) -> VFinding:
    launched, host = c.f.launched_from, c.f.host
    branches: list[Branch] = [
        (launched < 0, FALSE, "no_outside_launch", 0),
        (host == FALSE, FALSE, "host_refused", 0),
        (~c.territory_known & (host == UNKNOWN), UNKNOWN, "place_unknown", LOCATION | HOST),
        (~c.territory_known, UNKNOWN, "place_unknown", LOCATION),
        (launched == c.territory, FALSE, "launched_inside", 0),
        (host == UNKNOWN, UNKNOWN, "host_unknown", HOST),
    ]
    return _chain("support", len(c.f), branches, (TRUE, "host_supported", 0))


def conduct_finding(c: Cols) -> VFinding:
    kind, state = c.f.perp_kind, c.f.perp_state
    named = (kind == 0) & (state >= 0)
    branches: list[Branch] = [
        (named & ~c.state_member, FALSE, "named_non_party_state", 0),
        (named & c.victim_known & (state == c.victim), FALSE, "named_own_forces", 0),
        (named & ~c.victim_known, UNKNOWN, "kind_unknown", KIND | LOCATION),
        (kind == 0, UNKNOWN, "kind_unknown", KIND),
        (kind != KIND_CODE["state"], FALSE, "not_state_conduct", 0),
        (state < 0, UNKNOWN, "state_unknown", STATE),
        (~c.state_member, FALSE, "non_party_state", 0),
        (~c.victim_known, UNKNOWN, "victim_unknown", LOCATION),
        (state == c.victim, FALSE, "own_forces", 0),
    ]
    return _chain("conduct", len(c.f), branches, (TRUE, "party_forces", 0))


def launch_finding(c: Cols) -> VFinding:
    launched, host = c.f.launched_from, c.f.host
    branches: list[Branch] = [
        (launched < 0, FALSE, "no_launch", 0),
        (~c.launched_member, FALSE, "launch_non_party", 0),
        (host == FALSE, FALSE, "host_refused", 0),
        (~c.victim_known & (host == UNKNOWN), UNKNOWN, "victim_unknown", LOCATION | HOST),
        (~c.victim_known, UNKNOWN, "victim_unknown", LOCATION),
        (launched == c.victim, FALSE, "launch_from_victim", 0),
        (host == UNKNOWN, UNKNOWN, "host_unknown", HOST),
    ]
    return _chain("launch", len(c.f), branches, (TRUE, "host_permitted", 0))


def family_groups(c: Cols, pact: Pact, rule: Rule, policy: Policy) -> list[list[VFinding]]:
    """The groups of one rule, as :data:`liptako.charter.rules.FAMILIES` builds them."""
    fam = rule.family
    if fam in ("T-TERR", "T-REB"):
        assert rule.scope is not None
        groups = [[scope_finding(c, pact, policy, rule.scope)],
                  [perpetrator_finding(c, rule.perpetrators)]]
        if fam == "T-REB" and rule.external_support:
            groups.append([support_finding(c)])
        return groups
    if fam == "T-AGG":
        assert rule.area is not None
        where = [area_finding(c, pact.areas[rule.area])]
        if rule.asset_kinds:
            where.append(asset_finding(c, pact, rule))
        return [[acts_finding(c, rule)], [victim_finding(c)], where,
                [aggressor_finding(c, rule, policy)]]
    if fam == "T-AGG-EXT":
        return [[acts_finding(c, rule)], [victim_finding(c)],
                [extended_target_finding(c, pact, rule)], [aggressor_finding(c, rule, policy)]]
    assert rule.area is not None
    conduct = [conduct_finding(c)] + ([launch_finding(c)] if rule.host_branch else [])
    return [[area_finding(c, pact.areas[rule.area])], [acts_finding(c, rule)],
            [victim_finding(c)], conduct]


# --- combination --------------------------------------------------------------------------


def _any_of(group: Sequence[VFinding]) -> tuple[I8, U16]:
    has_true = np.zeros(group[0].value.shape, bool)
    has_unknown = np.zeros_like(has_true)
    mask = np.zeros(group[0].value.shape, np.uint16)
    for f in group:
        has_true |= f.value == TRUE
        unknown = f.value == UNKNOWN
        has_unknown |= unknown
        mask |= np.where(unknown, f.missing, np.uint16(0))
    value = np.where(has_true, TRUE, np.where(has_unknown, UNKNOWN, FALSE)).astype(np.int8)
    return value, np.where(value == UNKNOWN, mask, np.uint16(0)).astype(np.uint16)


def _all_of(groups: Sequence[Sequence[VFinding]], in_force: Bool) -> tuple[I8, U16]:
    n = in_force.shape[0]
    any_false = ~in_force
    all_true = in_force.copy()
    mask = np.zeros(n, np.uint16)
    for g in groups:
        v, m = _any_of(g)
        any_false |= v == FALSE
        all_true &= v == TRUE
        mask |= m
    value = np.where(any_false, FALSE, np.where(all_true, TRUE, UNKNOWN)).astype(np.int8)
    return value, np.where(value == UNKNOWN, mask, np.uint16(0)).astype(np.uint16)


# --- evaluating --------------------------------------------------------------------------


def _parties(c: Cols, rule: Rule, value: NDArray[np.int8], groups: Sequence[Sequence[VFinding]],
             bits: NDArray[np.uint64]) -> tuple[NDArray[np.uint64], I32, I32]:
    decided_no = value == FALSE
    none = np.full(len(c.f), -1, np.int32)
    beneficiary = {"victim": np.where(c.victim_member, c.victim, -1),
                   "territory": c.territory}.get(rule.beneficiary, none).astype(np.int32)
    owed = np.zeros(len(c.f), np.uint64)
    if rule.owed_by == "all_parties":
        owed = c.members.copy()
    elif rule.owed_by == "other_parties":
        owed = np.where(beneficiary >= 0, c.members & ~bits[beneficiary], np.uint64(0))
    holds, may_hold = none.copy(), none.copy()
    for f in reversed([f for g in groups for f in g if f.atom in ("conduct", "launch")]):
        who = c.f.perp_state if f.atom == "conduct" else c.f.launched_from
        holds = np.where((f.value == TRUE) & (who >= 0), who, holds).astype(np.int32)
        may_hold = np.where((f.value == UNKNOWN) & (who >= 0), who, may_hold).astype(np.int32)
    respondent = np.where(holds >= 0, holds, np.where(value == UNKNOWN, may_hold, -1))
    return (np.where(decided_no, np.uint64(0), owed).astype(np.uint64),
            np.where(decided_no, -1, beneficiary).astype(np.int32),
            np.where(decided_no, -1, respondent).astype(np.int32))


def evaluate_frame(frame: FactsFrame, pact: Pact, policy: Policy | None = None, *,
                   placer: Placer | None = None, placed: NDArray[np.object_] | None = None,
                   named: Bool | None = None) -> BulkDeterminations:
    """Every operative provision of ``pact`` for every incident of ``frame``.

    ``placed`` (ISO3 or None per row) and ``named`` (in the narrowed common space, per row)
    may be given precomputed for rows located by a point; otherwise ``placer`` answers.
    """
    policy = policy or default_policy(pact)
    c, vocab = build_cols(frame, pact, policy, placer or default_placer(), placed, named)
    _, _, bits = membership(pact, vocab)
    provisions = []
    for provision in pact.operative_provisions:
        assert provision.rule is not None
        groups = family_groups(c, pact, provision.rule, policy)
        value, missing = _all_of(groups, c.in_force)
        owed, beneficiary, respondent = _parties(c, provision.rule, value, groups, bits)
        provisions.append(ProvisionColumns(provision, value, missing, owed, beneficiary,
                                           respondent, tuple(tuple(g) for g in groups)))
    space = common_space_finding(c, policy)
    return BulkDeterminations(frame=frame, pact=pact, policy=policy, countries=tuple(vocab),
                              in_force=c.in_force, territory=c.territory,
                              in_common_space=space.value, provisions=tuple(provisions))
