"""Who may see a stored hotspot scan, and so which events it may count.

A scan's clusters and categories are made of counts of events: anyone who sees them learns
something about every event counted. So a stored scan carries a marking, as an incident does
(:mod:`liptako.auth.releasability`), and counts exactly the events that every reader its
marking admits may see:

- by default, the events marked CLEAR or GREEN, which every user may see; the scan is marked
  GREEN (every user of the system, not public channels: it is the community's analysis);
- for one state (``--for MLI``), the events that every user of that state may see: those an
  observer of it may see, the most restricted of its users (RED is never shown to
  observers); the scan is marked AMBER+STRICT with that state as its originator, so only
  that state's users see it. The secretariat (``--for SEC``) is a state like any other here:
  its scan also counts AMBER events, which the secretariat sees whoever made them.

The marking is computed, never chosen apart from the events: a scan cannot be shown more
widely than what it counted.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from liptako.auth.releasability import Viewer

EVERYONE = "SEC"  # the originator of a scan every user may see: the system's secretariat


@dataclass(frozen=True)
class Marking:
    tlp: str
    originator: str
    audience: str


def scan_marking(for_state: str | None) -> Marking:
    """The marking of a scan made for every user (None) or for one state's users."""
    if for_state is None:
        return Marking("GREEN", EVERYONE, "")
    return Marking("AMBER+STRICT", for_state, "")


def weakest_reader(for_state: str) -> Viewer:
    """The reader of a state's scan who may see least: an observer of that state."""
    return Viewer(None, for_state, ("observer",))


def scanned_for(marking_tlp: str, originator: str) -> str | None:
    """Whom a stored scan was made for (None: every user), read back from its marking.

    >>> mali, everyone = scan_marking("MLI"), scan_marking(None)
    >>> scanned_for(mali.tlp, mali.originator), scanned_for(everyone.tlp, everyone.originator)
    ('MLI', None)
    """
    return None if marking_tlp == scan_marking(None).tlp else originator


# the kinds of actor whose share of a unit's recent events the forecasts learn from: the
# armed sides of the Sahel's conflicts, and civilians as targets
ACTOR_CLASSES = ("state", "jihadist", "militia", "separatist_rebel", "civilians")


@functools.cache  # a few hundred ids among every incident's actors
def actor_class(actor_id: str) -> str | None:
    """The forecasting class of a canonical actor (:mod:`liptako.intel.actors`), if any.

    >>> actor_class("jnim"), actor_class("state.mli.military"), actor_class("nobody")
    ('jihadist', 'state', None)
    """
    from liptako.intel.actors import ActorRegistry, UnknownActor

    try:
        actor = ActorRegistry.load().get(actor_id)
    except UnknownActor:
        return None
    if actor.kind in ("state", "civilians"):
        return actor.kind
    if actor.kind == "non_state_armed_group" and actor.group_type in ACTOR_CLASSES:
        return actor.group_type
    return None
