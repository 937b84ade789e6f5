"""Pure rules of the actor registry's edits: who may edit, and the family an actor is in."""

from __future__ import annotations

from collections.abc import Iterable

from liptako.auth.rules import SECRETARIAT
from liptako.intel.actors import Actor

EDITOR_ROLES = ("analyst", "secretariat", "admin")
FAMILIES = ("jihadist", "separatist_rebel", "militia", "other", "state",
            "international_organization", "organization", "civilians")
"""An armed group's family is its group type; any other actor's is its kind."""


def may_edit(roles: Iterable[str], state: str | None) -> bool:
    """Analysts (of any state) and the secretariat (its staff and administrators) edit the
    actors' names and lineage; a member state's administrator manages accounts, not actors.

    >>> may_edit(["analyst"], "MLI"), may_edit(["admin"], "SEC"), may_edit(["admin"], "MLI")
    (True, True, False)
    """
    held = set(roles)
    return "analyst" in held or "secretariat" in held or ("admin" in held
                                                           and state == SECRETARIAT)


def family(actor: Actor) -> str:
    """The family the actor list filters by.

    >>> family(Actor("jnim", "JNIM", "non_state_armed_group", "jihadist"))
    'jihadist'
    """
    return actor.group_type or actor.kind
