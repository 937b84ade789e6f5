"""Pure rules of the incident registry: the common event typology, TLP labels and the words
the text search compares."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

EVENT_TYPES: Final = (
    "battle",
    "explosion_remote_violence",
    "violence_against_civilians",
    "protest",
    "riot",
    "strategic_development",
)

ACLED_EVENT_TYPES: Final = {
    "battles": "battle",
    "explosions/remote violence": "explosion_remote_violence",
    "remote violence": "explosion_remote_violence",
    "violence against civilians": "violence_against_civilians",
    "protests": "protest",
    "riots": "riot",
    "riots/protests": "riot",
    "strategic developments": "strategic_development",
}

# UCDP GED type_of_violence: 1 state-based, 2 non-state, 3 one-sided violence
UCDP_TYPES_OF_VIOLENCE: Final = {
    "1": ("battle", "state_based"),
    "2": ("battle", "non_state"),
    "3": ("violence_against_civilians", "one_sided"),
}

TLP_LEVELS: Final = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
SOURCES: Final = ("acled", "ucdp", "national")
REPORTERS: Final = ("analyst", "liaison", "secretariat")  # the roles that report incidents


def acled_event_type(raw: str) -> str | None:
    """The common type of an ACLED ``event_type``, or None when it is not one of ACLED's."""
    return ACLED_EVENT_TYPES.get(raw.strip().lower())


def targets_civilians(event_type: str, target_actors: list[str]) -> bool:
    """Violence against civilians, or any violent event whose other side is civilians."""
    if event_type == "violence_against_civilians":
        return True
    violent = event_type in ("battle", "explosion_remote_violence")
    return violent and any(a.lower().startswith("civilians") for a in target_actors)


def is_older(incoming: str | None, stored: str | None) -> bool:
    """A vintage older than the stored one never overwrites it (ACLED timestamps are numbers)."""
    if incoming is None or stored is None:
        return False
    try:
        return float(incoming) < float(stored)
    except ValueError:
        return incoming < stored


# ligatures that no Unicode decomposition takes apart ("cœur" is written "coeur" too)
_LIGATURES: Final = str.maketrans({"œ": "oe", "æ": "ae"})
_WORD: Final = re.compile(r"\w+")


def search_words(*texts: str | None) -> list[str]:
    """The words of some texts as the text search compares them: case folded, accents and
    other marks taken off, punctuation dropped ("Ségou, l'Œil" gives segou, l, oeil)."""
    folded = unicodedata.normalize("NFKD", " ".join(t for t in texts if t).casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(plain.translate(_LIGATURES))


def search_text(*texts: str | None) -> str:
    """What an incident's search column holds: the words of its texts, one space apart, so
    that a plain substring test (LIKE) finds a searched word the same way on every backend."""
    return " ".join(search_words(*texts))
