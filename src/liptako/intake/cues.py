"""French cue words put into the English the type model was trained on, and text folding.

The model learnt from English notes; a French report is read through this small lexicon of
the words that decide an event's type (attack, ambush, IED, protest...), so it lands on the
features the English notes taught. Words outside the lexicon pass unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Longest phrases first: a phrase must win over the single word it contains.
_FRENCH: Final = (
    (r"engins? explosifs? improvises?|\beei\b", "ied"),
    (r"mines? artisanales?|\bmines?\b", "landmine"),
    (r"attentats? suicides?|kamikazes?", "suicide bomber"),
    (r"frappes? aeriennes?|bombardements? aeriens?|frappes? de drones?", "airstrike"),
    (r"tirs? d'obus|obus|roquettes?|tirs? de mortiers?|mortiers?", "mortar shelling"),
    (r"a saute|ont saute|a explose|ont explose|sautent|explose", "exploded"),
    (r"hommes armes non identifies|individus armes non identifies", "unidentified gunmen"),
    (r"hommes armes|individus armes|assaillants", "gunmen"),
    (r"se sont affrontes|ont affronte|affrontements?|accrochages?|combats?", "clashed"),
    (r"ont attaque|a attaque|attaquent|attaque", "attacked"),
    (r"embuscades?|tendu une embuscade", "ambushed"),
    (r"ont tue|a tue|tues|tuees|tuee|\btue\b|abattus?|abattues?", "killed"),
    (r"assassinats?|assassines?|assassine", "killed"),
    (r"blesses?|blessees?", "wounded"),
    (r"enlevements?|enleves?|enlevees?|enleve|kidnappes?|kidnapping|rapts?|pris en otage",
     "abducted"),
    (r"manifestations?|manifestants?|manifeste|marches? pacifiques?|sit-in|rassemblement",
     "protest demonstrators"),
    (r"greves?|grevistes?", "strike"),
    (r"emeutes?|emeutiers?", "riot rioters"),
    (r"pillages?|pillent|pille|pilles", "looted"),
    (r"incendies?|incendie|brule|brules|brulees?", "burned"),
    (r"arrestations?|arretes?|arretees?|interpelles?|interpellations?", "arrested"),
    (r"saisies?|saisis?|ont saisi", "seized"),
    (r"vie chere", "high cost of living"),
    (r"convois?", "convoy"),
    (r"soldats|militaires|armee", "soldiers army"),
    (r"civils|villageois|habitants|population", "civilians villagers residents"),
    (r"\bpostes?\b", "post"),
    (r"\bcontre\b", "against"),
    (r"\bvillages?\b", "village"),
)
_FRENCH_RE: Final = tuple((re.compile(pattern), english) for pattern, english in _FRENCH)


def fold(text: str) -> str:
    """Lower case without diacritics, so that "armés" and "armes" read alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def to_english_cues(folded: str) -> str:
    """Replace the French cue words of a folded text with their English counterparts."""
    for pattern, english in _FRENCH_RE:
        folded = pattern.sub(english, folded)
    return folded
