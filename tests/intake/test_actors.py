"""Actors of the registry found in French and English texts, with who acted on whom."""

from __future__ import annotations

import datetime as dt

import pytest

from liptako.intake.actors import find_actors

ON = dt.date(2019, 7, 31)


def _roles(text: str, country: str | None = None) -> set[tuple[str, str]]:
    return {(f.actor_id, f.role) for f in find_actors(text, on=ON, country=country)}


def test_english_subject_is_perpetrator_and_object_target() -> None:
    found = _roles("JNIM militants attacked Malian soldiers near Dioura.")
    assert found == {("jnim", "perpetrator"), ("state.mli.military", "target")}


def test_passive_voice_turns_the_roles() -> None:
    found = _roles("Two soldiers were killed by ISGS militants near Menaka.", "MLI")
    assert found == {("state.mli.military", "target"), ("is_sahel", "perpetrator")}


def test_french_aliases_and_descriptions() -> None:
    found = _roles("Des éléments du GSIM ont attaqué un poste des FDS à Djibo.", "BFA")
    assert found == {("jnim", "perpetrator"), ("state.bfa.military", "target")}
    found = _roles("Les VDP ont repoussé une attaque de l'EIGS contre des civils.", "BFA")
    assert ("militia.vdp", "perpetrator") in found
    assert ("is_sahel", "target") in found or ("is_sahel", "perpetrator") in found


def test_a_unit_of_a_coalition_and_a_span() -> None:
    text = "On July 31, suspected Katiba Macina militants shot dead two villagers near Neni."
    findings = find_actors(text, on=ON, country="MLI")
    macina = next(f for f in findings if f.actor_id == "jnim.macina")
    assert text[macina.start : macina.end] == macina.text == "Katiba Macina"
    assert macina.role == "perpetrator" and 0 < macina.confidence <= 1
    assert ("civilians.mli", "target") in {(f.actor_id, f.role) for f in findings}


@pytest.mark.parametrize("text", [
    "On July 31, suspected Katiba Macina militants shot dead two members of the Dogon "
    "community near Neni.",
    "Des hommes armés ont tué trois éleveurs peuls près de Neni.",
    "Gunmen abducted two traders and a village chief near Neni.",
])
def test_people_named_by_community_or_trade_are_civilians(text: str) -> None:
    assert ("civilians.mli", "target") in _roles(text, "MLI")


def test_an_actor_named_twice_has_one_role() -> None:
    found = _roles("Gunmen attacked soldiers near Boni; the soldiers repelled the gunmen.",
                   "MLI")
    assert found == {("unidentified_armed_group.mli", "perpetrator"),
                     ("state.mli.military", "target")}
    assert len(_roles("Des hommes armés ont attaqué des hommes armés à Boni.", "MLI")) == 1


def test_descriptions_that_depend_on_the_country_need_it() -> None:
    assert _roles("Unknown gunmen killed three villagers.") == set()
    assert _roles("Unknown gunmen killed three villagers.", "NER") == {
        ("unidentified_armed_group.ner", "perpetrator"), ("civilians.ner", "target")}


def test_an_acronym_must_be_written_as_one() -> None:
    assert _roles("The gsim of the region") == set()


@pytest.mark.parametrize("bad", ["", "  ", None])
def test_empty_text_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(ValueError, match="text"):
        find_actors(bad, on=ON)  # type: ignore[arg-type]
