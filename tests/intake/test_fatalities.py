"""Deaths a text reports, coded as ACLED codes them."""

import pytest

from liptako.intake.fatalities import SEVERAL, count_fatalities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On July 31, suspected Katiba Macina militants shot dead two members of the Dogon "
         "community near Neni.", 2),
        ("Gunmen killed two soldiers and three assailants were killed.", 5),
        ("JNIM militants attacked Boulkessi, killing at least eight soldiers.", 8),
        ("A soldier was killed in an IED blast near Gao.", 1),
        ("Three gendarmes killed and one wounded near Makalondi.", 3),
        ("Four Malian soldiers and four Dogon militiamen were killed in the clashes.", 8),
        ("The bodies of 12 civilians were found near Djibo.", 12),
        ("Unknown gunmen killed a village chief and his son in Drougama.", 2),
        ("The militants abducted five civilians and wounded two others.", 0),
        ("Dozens of GATIA fighters were killed.", 12),
        ("Several soldiers were killed in the ambush.", SEVERAL),
        ("The explosion killed three oxen.", 0),
        ("Gunmen attempted to assassinate the mayor, who escaped.", 0),
        ("ISGS militants ambushed a patrol, killing four soldiers and two gendarmes.", 6),
        ("Gunmen killed two soldiers and three civilians were wounded.", 2),
    ],
)
def test_english(text: str, expected: int) -> None:
    assert count_fatalities(text, lang="en").count == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le 3 mars, des éléments de l'EIGS ont tué deux civils à Ménaka.", 2),
        ("Des hommes armés ont attaqué le poste des FDS, tuant quatre soldats ; trois "
         "assaillants ont été tués.", 7),
        ("Un VDP a été tué et deux autres blessés près de Djibo.", 1),
        ("L'attaque du GSIM a fait vingt et un morts.", 21),
        ("Une dizaine de corps ont été retrouvés près de Sobane.", 10),
        ("Plusieurs soldats ont été tués.", SEVERAL),
        ("Les assaillants ont enlevé trois enseignants.", 0),
        ("Le 12 mars, des hommes armés ont attaqué Koutougou, tuant cinq soldats et deux VDP.",
         7),
    ],
)
def test_french(text: str, expected: int) -> None:
    assert count_fatalities(text, lang="fr").count == expected


def test_the_phrase_is_kept() -> None:
    found = count_fatalities("Militants attacked the village, killing at least eight.")
    assert found.count == 8
    assert any("eight" in p for p in found.phrases)
    assert 0 < found.confidence <= 1


@pytest.mark.parametrize("text", ["No casualties reported.", "Aucune victime n'est à déplorer."])
def test_no_casualties_is_zero_with_its_phrase(text: str) -> None:
    found = count_fatalities(text)
    assert found.count == 0
    assert found.phrases != ("no phrase",)


def test_nothing_about_deaths_is_zero_with_no_phrase() -> None:
    found = count_fatalities("Residents of Dori marched against fuel prices.")
    assert (found.count, found.phrases) == (0, ("no phrase",))


@pytest.mark.parametrize("bad", ["", "  ", None, 3])
def test_bad_text_names_the_field(bad: object) -> None:
    with pytest.raises(ValueError, match="text"):
        count_fatalities(bad, lang="en")  # type: ignore[arg-type]


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="lang"):
        count_fatalities("two killed", lang="de")
