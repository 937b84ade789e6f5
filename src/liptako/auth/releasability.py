"""Who may see a marked record: one predicate, in Python and as SQL, for every reader.

The rule (TLP 2.0 with per-state audiences; see docs/security.md):

- ``CLEAR`` and ``GREEN``: every user of the system (the AES community).
- ``AMBER``: the originating state, the states in the audience, and the secretariat.
- ``AMBER+STRICT``: the originating state and the states in the audience only.
- ``RED``: as AMBER+STRICT, and never observers: named recipients who act on it.

Each record carries ``tlp``, ``originator`` (ISO3, ``SEC``, or the public dataset's name) and
``audience`` (",BFA,NER," - see :func:`audience_text`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from liptako.auth.rules import MEMBER_STATES, SECRETARIAT

TLP_LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
AUDIENCE_CODES = (*MEMBER_STATES, SECRETARIAT)


@dataclass(frozen=True)
class Viewer:
    """The reader: its state (ISO3 or SEC) and roles."""

    user_id: int | None
    state: str
    roles: tuple[str, ...]

    @property
    def is_observer_only(self) -> bool:
        return set(self.roles) <= {"observer"}


def audience_text(states: Iterable[str] | None) -> str:
    """The stored form of an audience: sorted codes between commas, or ''."""
    codes = sorted({s.strip().upper() for s in states or () if s.strip()})
    unknown = [c for c in codes if c not in AUDIENCE_CODES]
    if unknown:
        raise ValueError(f"audience: expected codes among {', '.join(AUDIENCE_CODES)}, "
                         f"got {', '.join(unknown)}")
    return f",{','.join(codes)}," if codes else ""


def audience_list(text: str | None) -> list[str]:
    return [c for c in (text or "").split(",") if c]


def may_see(viewer: Viewer, tlp: str, originator: str, audience: str) -> bool:
    """True when the viewer may see a record with this marking."""
    if tlp in ("CLEAR", "GREEN"):
        return True
    named = viewer.state == originator or f",{viewer.state}," in (audience or "")
    if tlp == "AMBER":
        return named or viewer.state == SECRETARIAT
    if tlp == "AMBER+STRICT":
        return named
    if tlp == "RED":
        return named and not viewer.is_observer_only
    return False


def visible_clause(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """The same rule as :func:`may_see`, as a WHERE clause on a model with the three columns:
    the markings anyone of the viewer's kind may see, or those it may see when named."""
    open_to_all = ["CLEAR", "GREEN"] + (["AMBER"] if viewer.state == SECRETARIAT else [])
    when_named = ["AMBER", "AMBER+STRICT"] + ([] if viewer.is_observer_only else ["RED"])
    named = or_(model.originator == viewer.state,
                model.audience.like(f"%,{viewer.state},%"))
    return or_(model.tlp.in_(open_to_all), and_(model.tlp.in_(when_named), named))
