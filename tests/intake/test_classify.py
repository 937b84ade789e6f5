"""The shipped event-type model loads fast and types hand-written French and English reports."""

from __future__ import annotations

import time

import numpy as np
import pytest

from liptako.incidents.rules import EVENT_TYPES
from liptako.intake.classify import MODEL_PATH, TypeModel, classify_event_type, guess_lang

REPORTS = [
    ("battle", "Malian soldiers clashed with JNIM militants near Boulkessi; three soldiers died."),
    ("battle", "Des hommes armés ont attaqué un poste de l'armée à Boulkessi."),
    ("explosion_remote_violence", "A convoy of the army hit an IED on the road to Djibo."),
    ("explosion_remote_violence",
     "Un engin explosif improvisé a sauté au passage d'un convoi des FDS."),
    ("violence_against_civilians", "Unknown gunmen abducted three teachers near Djibo."),
    ("violence_against_civilians", "Des hommes armés ont enlevé trois enseignants."),
    ("protest", "Residents staged a peaceful protest against power cuts in Niamey."),
    ("protest", "Une manifestation contre la vie chère a réuni des centaines de personnes."),
]


@pytest.mark.parametrize(("expected", "text"), REPORTS)
def test_reports_get_their_type(expected: str, text: str) -> None:
    guess = classify_event_type(text)
    assert guess.event_type == expected
    assert {k for k, _ in guess.probabilities} == set(EVENT_TYPES)
    assert sum(p for _, p in guess.probabilities) == pytest.approx(1.0)
    assert guess.confidence == max(p for _, p in guess.probabilities)


def test_the_shipped_model_is_plain_arrays_and_loads_in_under_a_second() -> None:
    started = time.perf_counter()
    model = TypeModel.load(MODEL_PATH)
    assert time.perf_counter() - started < 1.0
    assert set(model.classes) <= set(EVENT_TYPES)
    assert model.coef.shape == (len(model.classes), len(model.vocabulary)) == (
        len(model.classes), model.idf.shape[0])
    with np.load(MODEL_PATH, allow_pickle=False) as data:  # refuses pickled objects
        assert data["coef"].dtype != object


def test_french_is_recognised() -> None:
    assert guess_lang("Des hommes armés ont attaqué le village") == "fr"
    assert guess_lang("Gunmen attacked the village") == "en"


@pytest.mark.parametrize("bad", ["", "   ", None, 12])
def test_empty_or_non_text_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(ValueError, match="text"):
        classify_event_type(bad)  # type: ignore[arg-type]
