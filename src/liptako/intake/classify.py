"""Event type of a report's text, in the common typology, with a probability per class.

A linear model (TF-IDF of words, word pairs and character 4-grams, multinomial logistic
regression) trained by ``scripts/train_intake.py`` from ACLED's notes gives the
probabilities; a few rules on unambiguous cue words ("IED", "protest", "clashed"...) then
move the mass to their class where the model is unsure. French is read through
:mod:`liptako.intake.cues`. The shipped model is plain arrays in a ``.npz`` (no pickle).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray

from liptako.incidents.rules import EVENT_TYPES
from liptako.intake.cues import fold, to_english_cues
from liptako.intake.text import require_lang, require_text

Lang = Literal["en", "fr"]
MODEL_PATH: Final = Path(__file__).parent / "data" / "event_type.npz"
_TOKEN: Final = re.compile(r"[a-z]+|\d+")
_FRENCH_WORDS: Final = frozenset(
    ("le", "la", "les", "des", "du", "une", "un", "et", "ont", "est", "sont", "au", "aux",
     "dans", "sur", "par", "pour", "avec", "qui", "ete")
)
# Where a rule fires, it takes this share of the probability mass; the model keeps the rest,
# so a rule decides only against a model that is not sure.
RULE_WEIGHT: Final = 0.3


@dataclass(frozen=True)
class EventTypeGuess:
    """The most likely event type, its probability and every class's probability."""

    event_type: str
    confidence: float
    probabilities: tuple[tuple[str, float], ...]
    rule: str | None = None


@dataclass(frozen=True)
class TypeModel:
    """A linear text classifier as plain arrays: vocabulary, idf, coefficients."""

    vocabulary: dict[str, int]
    idf: NDArray[np.float64]
    coef: NDArray[np.float64]
    intercept: NDArray[np.float64]
    classes: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> TypeModel:
        with np.load(path, allow_pickle=False) as data:
            terms = [str(t) for t in data["terms"]]
            return cls(
                vocabulary={t: i for i, t in enumerate(terms)},
                idf=data["idf"].astype(np.float64),
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"].astype(np.float64),
                classes=tuple(str(c) for c in data["classes"]),
            )

    def save(self, path: Path) -> None:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(
            path, terms=np.array(terms), idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float32), intercept=self.intercept,
            classes=np.array(self.classes),
        )

    def probabilities(self, text: str) -> NDArray[np.float64]:
        """Class probabilities of one prepared text (see :func:`prepare`)."""
        counts: dict[int, int] = {}
        for term in features(text):
            index = self.vocabulary.get(term)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        scores = self.intercept.copy()
        if counts:
            idx = np.fromiter(counts, dtype=np.int64)
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64)))
            weights *= self.idf[idx]
            weights /= np.linalg.norm(weights)
            scores += self.coef[:, idx] @ weights
        exp = np.exp(scores - scores.max())
        return np.asarray(exp / exp.sum(), dtype=np.float64)


def guess_lang(text: str) -> Lang:
    """French when French function words outnumber a tenth of the words, else English."""
    words = _TOKEN.findall(fold(text))
    french = sum(w in _FRENCH_WORDS for w in words)
    return "fr" if words and french / len(words) > 0.1 else "en"


def prepare(text: str, lang: Lang | None = None) -> str:
    """Folded text, with French cue words in English; what features and rules read."""
    folded = fold(text)
    return to_english_cues(folded) if (lang or guess_lang(text)) == "fr" else folded


def features(prepared: str) -> list[str]:
    """Words (numbers as ``#``), adjacent word pairs and character 4-grams of words."""
    words = ["#" if w.isdigit() else w for w in _TOKEN.findall(prepared)]
    out = ["w:" + w for w in words]
    out += ["b:" + a + "_" + b for a, b in itertools.pairwise(words)]
    for word in words:
        padded = f" {word} "
        out += ["c:" + padded[i : i + 4] for i in range(len(padded) - 3)]
    return out


@functools.cache
def shipped_model() -> TypeModel:
    """The model shipped with the package, loaded once."""
    return TypeModel.load()


def classify_event_type(
    text: str, *, lang: Lang | None = None, model: TypeModel | None = None
) -> EventTypeGuess:
    """Event type of a report's text (French or English), with a probability per class."""
    require_text(text)
    require_lang(lang)
    model = model or shipped_model()
    prepared = prepare(text, lang)
    probs = dict(zip(model.classes, model.probabilities(prepared), strict=True))
    rule = rule_type(prepared)
    if rule is not None:
        probs = {k: (1 - RULE_WEIGHT) * p + RULE_WEIGHT * (k == rule[0]) for k, p in probs.items()}
    ranked = tuple(sorted(((k, float(probs.get(k, 0.0))) for k in EVENT_TYPES),
                          key=lambda kv: -kv[1]))
    return EventTypeGuess(ranked[0][0], ranked[0][1], ranked, rule[1] if rule else None)


_RULES: Final = (
    # (class, name, cue, words that make the cue unreliable)
    ("explosion_remote_violence", "explosive",
     r"\b(ied|ieds|landmines?|mortars?|shell(ed|ing|s)|air ?strikes?|suicide bomb\w*|"
     r"rockets?|explosive device|grenade|drone strike)\b",
     r"\b(defus\w*|discover\w*|neutrali[sz]\w*|dismantl\w*|seiz\w*|found|recover\w*|"
     r"clash\w*|exchange of fire)\b"),
    ("protest", "protest",
     r"\b(protest\w*|demonstrat\w*|manifest\w*|sit-in|march(ed)? against|strike)\b",
     r"\b(riot\w*|clash\w*|burn\w*|loot\w*|stones?|ransack\w*|tear gas|violent\w*|injur\w*"
     r"|wounded|killed|militants|gunmen|attack\w*)\b"),
    ("battle", "clash", r"\b(clash\w*|exchange of fire|exchanged fire|gunfight|repelled)\b",
     r"\b(ied|landmine|mortars?|shell\w*|protest\w*|riot\w*)\b"),
    ("violence_against_civilians", "abduction", r"\b(abduct\w*|kidnap\w*|hostage)\b",
     r"\b(clash\w*|soldiers|army|troops|police|gendarm\w*|forces|released|freed)\b"),
)
_RULES_RE: Final = tuple((k, n, re.compile(c), re.compile(x)) for k, n, c, x in _RULES)


def rule_type(prepared: str) -> tuple[str, str] | None:
    """The class and rule name of the first cue rule the text meets without its exceptions."""
    for event_type, name, cue, spoiler in _RULES_RE:
        if cue.search(prepared) and not spoiler.search(prepared):
            return event_type, name
    return None
