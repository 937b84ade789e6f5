"""Three-valued (Kleene) logic with provenance: an unknown names the facts that would settle it.

A provision is a conjunction of *groups*; a group is a disjunction of *findings*. A finding is one
test on the facts (``victim``, ``aggressor``...) whose value is TRUE, FALSE or UNKNOWN, and an
UNKNOWN one names, as a bit mask over :data:`FIELDS`, the missing facts it depends on. So:

- one FALSE group decides FALSE whatever the unknowns elsewhere would be;
- one TRUE finding decides its group TRUE whatever its other findings would be;
- otherwise the result is UNKNOWN and names the union of the missing facts of its unknown parts.

Dependent facts are only named once their parent is known (``perpetrator.group_type`` only when
the kind is known to be a non-state armed group), so ``missing`` lists the next facts to find.
The same encoding (int8 values, uint16 masks) is used by :mod:`liptako.charter.vectorized`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FALSE, TRUE, UNKNOWN = 0, 1, 2

FIELDS = (
    "location",
    "perpetrator.kind",
    "perpetrator.state",
    "perpetrator.group_type",
    "target.kind",
    "target.outside_alliance_area",
    "host_permitted",
    "classification.attack_on_sovereignty",
)
"""Facts that can be missing, in bit order."""
BIT = {name: 1 << k for k, name in enumerate(FIELDS)}


def missing_names(mask: int) -> list[str]:
    """Field paths of a mask, sorted."""
    return sorted(name for name, bit in BIT.items() if mask & bit)


@dataclass(frozen=True, slots=True)
class Finding:
    """One test on the facts: its value, the reason code, and what is missing when UNKNOWN."""

    atom: str
    value: int
    code: str
    missing: int = 0


Group = Sequence[Finding]


def any_of(group: Group) -> tuple[int, int]:
    """Kleene OR of a group: (value, missing mask)."""
    if any(f.value == TRUE for f in group):
        return TRUE, 0
    unknown = [f.missing for f in group if f.value == UNKNOWN]
    if not unknown:
        return FALSE, 0
    mask = 0
    for m in unknown:
        mask |= m
    return UNKNOWN, mask


def all_of(groups: Sequence[Group]) -> tuple[int, int]:
    """Kleene AND over groups: (value, missing mask)."""
    values = [any_of(g) for g in groups]
    if any(v == FALSE for v, _ in values):
        return FALSE, 0
    if all(v == TRUE for v, _ in values):
        return TRUE, 0
    mask = 0
    for v, m in values:
        if v == UNKNOWN:
            mask |= m
    return UNKNOWN, mask


def decisive(groups: Sequence[Group], value: int) -> list[Finding]:
    """The findings that carry the outcome, in order: all TRUE ones when TRUE, the findings of
    FALSE groups when FALSE, the UNKNOWN findings of undecided groups when UNKNOWN."""
    out: list[Finding] = []
    for group in groups:
        gv, _ = any_of(group)
        if value == TRUE:
            out.extend(f for f in group if f.value == TRUE)
        elif value == FALSE and gv == FALSE:
            out.extend(group)
        elif value == UNKNOWN and gv == UNKNOWN:
            out.extend(f for f in group if f.value == UNKNOWN)
    return out
