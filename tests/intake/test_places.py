"""The place of an event from hand-written English and French texts.

Expected coordinates are those of the places themselves (GeoNames; towns checked against their
known position), with a tolerance of a few km, as GeoNames and ACLED may give one village twice.
"""

from __future__ import annotations

import math

import pytest

from liptako.intake.placenames import skeleton
from liptako.intake.places import PlaceCandidate, find_places


def km(c: PlaceCandidate, lat: float, lon: float) -> float:
    """Planar distance in km, fine at these scales."""
    return math.hypot((c.lon - lon) * math.cos(math.radians(lat)), c.lat - lat) * 111.195


NENI = (14.465, -3.273)  # Néni, Bankass cercle, Mopti region (Mali)
BONI_MALI = (15.077, -2.220)  # Boni, Douentza cercle, on the Gao road east of Douentza
HOMBORI = (15.279, -1.700)
DJIBO = (14.10, -1.63)  # capital of Soum province (Burkina Faso, Sahel region)
MENAKA = (15.918, 2.402)
BOBO = (11.177, -4.298)


def test_near_neni_in_english() -> None:
    text = (
        "On July 31, suspected Katiba Macina militants shot dead two members of the Dogon "
        "community near Neni"
    )
    best = find_places(text, lang="en")[0]
    assert (best.iso3, best.admin1_name) == ("MLI", "Mopti")
    assert km(best, *NENI) < 5
    assert text[best.start : best.end] == best.matched == "Neni"
    assert best.feature_class == "P"


def test_boni_near_hombori_is_the_malian_boni() -> None:
    found = find_places("Gunmen attacked the village of Boni near Hombori, killing two civilians.")
    assert found[0].matched == "Boni"
    assert km(found[0], *BONI_MALI) < 5
    assert any(c.matched == "Hombori" and km(c, *HOMBORI) < 5 for c in found)


def test_djibo_in_french_capitals_and_lower_case() -> None:
    for text in (
        "Des hommes armés ont attaqué le marché de Djibo hier soir.",
        "ATTAQUE A DJIBO HIER SOIR",
        "des hommes armés ont attaqué le poste de police à djibo",
    ):
        best = find_places(text, lang="fr")[0]
        assert (best.iso3, best.admin1_name) == ("BFA", "Sahel"), text
        assert km(best, *DJIBO) < 5, text


def test_pres_de_menaka() -> None:
    best = find_places(
        "Trois civils ont été tués près de Ménaka par des hommes armés non identifiés."
    )[0]
    assert best.iso3 == "MLI" and best.matched == "Ménaka"
    # Ménaka has no polygon of its own in the shipped boundaries: it lies in Gao
    assert best.admin1_name == "Gao"
    assert km(best, *MENAKA) < 5


def test_a_region_named_alone_gives_its_centroid_at_low_confidence() -> None:
    found = find_places(
        "Des éléments de l'EIGS ont attaqué une position des FDS dans la région de Tillabéri."
    )
    best = found[0]
    assert (best.iso3, best.admin1_name, best.feature_class) == ("NER", "Tillabéri", "A")
    assert best.geonameid is None and best.population is None
    assert best.score < 0.4


def test_the_admin_area_named_picks_among_namesakes_in_three_countries() -> None:
    niger = find_places("Attaque à Boni, région de Tillabéri, deux VDP tués.")[0]
    mali = find_places("Gunmen attacked Boni, Mopti region.")[0]
    burkina = find_places("Attaque à Boni, province du Tuy.")[0]
    assert (niger.iso3, niger.admin1_name) == ("NER", "Tillabéri")
    assert (mali.iso3, mali.admin1_name) == ("MLI", "Mopti")
    assert (burkina.iso3, burkina.admin1_name) == ("BFA", "Hauts-Bassins")
    assert {niger.matched, mali.matched, burkina.matched} == {"Boni"}


def test_accents_case_and_spelling_variants() -> None:
    assert find_places("Attaque à Ségou")[0].lat == find_places("attack in SEGOU")[0].lat
    best = find_places("Teachers staged a march in Bobo-Dioulassou.")[0]
    assert best.name == "Bobo-Dioulasso" and km(best, *BOBO) < 5
    assert skeleton("Djibo") == skeleton("Jibo")
    assert skeleton("Dioulasso") == skeleton("Diulaso")
    assert skeleton("Tchoukou") == skeleton("Chukku")


def test_a_text_naming_no_known_place_gives_nothing() -> None:
    assert find_places("Rien à signaler aujourd'hui, la situation reste calme.") == ()
    assert find_places("On Monday, unknown gunmen abducted two teachers.") == ()


def test_candidates_are_ranked_scored_and_limited() -> None:
    found = find_places("Clashes between Boni and Hombori, then near Douentza and Mopti.", limit=3)
    assert len(found) == 3
    scores = [c.score for c in found]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


@pytest.mark.parametrize("bad", ["", "   \n", None, 42, b"Djibo"])
def test_bad_text_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="expected"):
        find_places(bad)  # type: ignore[arg-type]


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="lang"):
        find_places("Djibo", lang="de")
    with pytest.raises(ValueError, match="limit"):
        find_places("Djibo", limit=0)
