"""A report's text, English or French, becomes a draft incident: every field with its value,
its confidence and where it came from; bad input is refused naming the field."""

from __future__ import annotations

import datetime as dt

import pytest

from liptako.intake.schemas import Draft
from liptako.intake.service import MAX_TEXT, extract

NENI = ("On July 31, suspected Katiba Macina militants shot dead two members of the Dogon "
        "community near Neni")
FRENCH = ("Le 3 mars, des hommes armés du GSIM ont attaqué un poste des FDS près de Djibo : "
          "trois soldats ont été tués et deux civils blessés.")


def test_the_issues_neni_example() -> None:
    draft = extract(NENI, reported_on=dt.date(2019, 8, 1))
    assert draft.lang == "en"
    assert draft.date.value == dt.date(2019, 7, 31)
    assert "July 31" in (draft.date.phrase or "")
    place = draft.place.value
    assert place is not None
    assert (place.matched, place.iso3, place.admin1_name) == ("Neni", "MLI", "Mopti")
    # Neni lies in the cercle of Bankass, Mopti region, about 14.5 N 3.3 W
    assert 14 < place.lat < 15 and -4 < place.lon < -3
    assert draft.event_type.value == "violence_against_civilians"
    assert draft.fatalities.value == 2
    assert any("two" in p for p in draft.fatalities.phrases)
    assert draft.perpetrator.value is not None
    macina = draft.perpetrator.value[0]
    assert (macina.id, macina.matched) == ("jnim.macina", "Katiba Macina")
    assert "Macina" in macina.name


def test_a_french_report_with_gsim_fds_and_numbers_in_words() -> None:
    draft = extract(FRENCH, reported_on=dt.date(2020, 3, 5))
    assert draft.lang == "fr"
    assert draft.date.value == dt.date(2020, 3, 3)
    assert draft.date.phrase is not None and "3 mars" in draft.date.phrase
    assert draft.place.value is not None and draft.place.value.iso3 == "BFA"
    assert draft.fatalities.value == 3
    assert any("trois" in p for p in draft.fatalities.phrases)
    perpetrators = {a.id for a in draft.perpetrator.value or ()}
    targets = {a.id for a in draft.target.value or ()}
    assert "jnim" in perpetrators
    # the country of "FDS" comes from the place: Djibo is in Burkina Faso
    assert "state.bfa.military" in targets | perpetrators
    assert draft.event_type.value in ("battle", "violence_against_civilians")


def test_march_third_before_the_report_is_in_the_same_year_and_after_it_the_year_before() -> None:
    assert extract(FRENCH, reported_on=dt.date(2020, 3, 5)).date.value == dt.date(2020, 3, 3)
    assert extract(FRENCH, reported_on=dt.date(2020, 3, 1)).date.value == dt.date(2019, 3, 3)


def test_two_candidate_places_are_ranked_best_first() -> None:
    draft = extract("Gunmen attacked a convoy between Djibo and Arbinda; one soldier was killed.",
                    reported_on=dt.date(2019, 5, 2))
    names = [c.matched for c in draft.place.candidates]
    assert {"Djibo", "Arbinda"} <= set(names)
    scores = [c.score for c in draft.place.candidates]
    assert scores == sorted(scores, reverse=True)
    assert draft.place.value == draft.place.candidates[0]
    assert draft.place.confidence == draft.place.value.score
    assert draft.fatalities.value == 1


def test_fields_not_found_are_null_with_confidence_zero() -> None:
    draft = extract("Nothing to report.", reported_on=dt.date(2019, 5, 2), lang="en")
    assert draft.date.value is None and draft.date.confidence == 0
    assert draft.place.value is None and draft.place.confidence == 0
    assert draft.place.candidates == ()
    assert draft.perpetrator.value is None and draft.perpetrator.confidence == 0
    assert draft.target.value is None and draft.target.confidence == 0
    # no phrase speaks of deaths: 0, as ACLED codes it, with no phrase to show
    assert draft.fatalities.value == 0 and draft.fatalities.phrases == ()


def test_the_draft_is_frozen_and_round_trips_through_json() -> None:
    draft = extract(NENI, reported_on=dt.date(2019, 8, 1))
    assert Draft.model_validate_json(draft.model_dump_json()) == draft
    with pytest.raises(ValueError, match="frozen"):
        draft.lang = "fr"  # type: ignore[misc]
    probabilities = draft.event_type.probabilities
    assert abs(sum(probabilities.values()) - 1) < 0.01
    assert draft.event_type.confidence == max(probabilities.values())


def test_the_given_language_wins_over_the_guess() -> None:
    assert extract(NENI, reported_on=dt.date(2019, 8, 1), lang="fr").lang == "fr"


@pytest.mark.parametrize(("text", "kwargs", "message"), [
    ("", {}, "text: expected a non-empty report text"),
    ("   \n", {}, "text: expected a non-empty report text"),
    (b"On July 31", {}, "text: expected a string, got bytes"),
    ("x" * (MAX_TEXT + 1), {}, f"text: expected at most {MAX_TEXT} characters"),
    (NENI, {"lang": "de"}, "lang: expected 'en', 'fr' or None, got 'de'"),
    (NENI, {"reported_on": "2019-08-01"}, "reported_on: expected a date, got str"),
])
def test_bad_input_is_refused_naming_the_field(text: object, kwargs: dict[str, object],
                                               message: str) -> None:
    arguments: dict[str, object] = {"reported_on": dt.date(2019, 8, 1), **kwargs}
    with pytest.raises(ValueError, match=message):
        extract(text, **arguments)  # type: ignore[arg-type]
