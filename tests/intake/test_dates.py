"""The event date of a text, resolved against the report date."""

import datetime as dt

import pytest

from liptako.intake.dates import resolve_date

D = dt.date


def when(text: str, reported_on: dt.date, lang: str | None = None) -> dt.date | None:
    found = resolve_date(text, reported_on=reported_on, lang=lang)
    return None if found is None else found.date


@pytest.mark.parametrize(
    ("text", "reported_on", "expected"),
    [
        ("On July 31, suspected Katiba Macina militants shot dead two", D(2019, 7, 31),
         D(2019, 7, 31)),
        ("On December 30, gunmen attacked Boni", D(2019, 1, 2), D(2018, 12, 30)),
        ("on 31 July 2019 the GSIM attacked", D(2020, 1, 1), D(2019, 7, 31)),
        ("July 31: EIGS raid", D(2019, 8, 2), D(2019, 7, 31)),
        ("Le 3 mars, des hommes armés ont attaqué Djibo", D(2019, 3, 5), D(2019, 3, 3)),
        ("le 3 mars 2019, les FDS ont riposté", D(2019, 6, 1), D(2019, 3, 3)),
        ("le 1er août, les VDP ont été attaqués", D(2019, 8, 3), D(2019, 8, 1)),
        ("Dans la nuit du 2 au 3 mars, le poste a été attaqué", D(2019, 3, 4), D(2019, 3, 2)),
        ("Rapport du 31/07/2019", D(2019, 8, 1), D(2019, 7, 31)),
        ("event 2019-07-31 at Menaka", D(2019, 8, 1), D(2019, 7, 31)),
        ("On Apr.10 students protested", D(2017, 4, 12), D(2017, 4, 10)),
    ],
)
def test_explicit_dates(text: str, reported_on: dt.date, expected: dt.date) -> None:
    assert when(text, reported_on) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yesterday gunmen killed a soldier", D(2019, 7, 30)),
        ("Hier, des individus armés ont tué deux civils", D(2019, 7, 30)),
        ("Last night an IED exploded", D(2019, 7, 30)),
        ("La nuit dernière, une embuscade", D(2019, 7, 30)),
        ("Avant-hier, à Gao", D(2019, 7, 29)),
        ("This morning the army moved in", D(2019, 7, 31)),
        ("Ce matin, les FDS ont été visées", D(2019, 7, 31)),
        # 2019-07-31 is a Wednesday
        ("On Sunday gunmen attacked", D(2019, 7, 28)),
        ("Mercredi, une manifestation à Niamey", D(2019, 7, 31)),
        ("dans la nuit de dimanche à lundi, un poste attaqué", D(2019, 7, 28)),
    ],
)
def test_relative_dates(text: str, expected: dt.date) -> None:
    assert when(text, D(2019, 7, 31)) == expected


def test_night_ending_after_the_report_is_the_previous_week() -> None:
    # reported on Sunday 2019-07-28: the night of Sunday to Monday that ended is a week back
    assert when("la nuit de dimanche à lundi", D(2019, 7, 28)) == D(2019, 7, 21)


def test_the_first_explicit_date_wins_over_a_relative_one() -> None:
    found = resolve_date("Hier, le 29 juillet, à Ménaka", reported_on=D(2019, 7, 31), lang="fr")
    assert found is not None
    assert found.date == D(2019, 7, 29)
    assert found.phrase == "29 juillet"
    assert 0 < found.confidence <= 1


def test_impossible_dates_are_skipped() -> None:
    assert when("On February 30 a raid", D(2019, 3, 1)) is None


def test_no_date_is_none() -> None:
    assert when("Des hommes armés ont attaqué le village", D(2019, 7, 31)) is None


@pytest.mark.parametrize("bad", ["", None])
def test_bad_text_names_the_field(bad: object) -> None:
    with pytest.raises(ValueError, match="text"):
        resolve_date(bad, reported_on=D(2019, 7, 31))  # type: ignore[arg-type]


def test_bad_report_date_and_lang_are_refused() -> None:
    with pytest.raises(ValueError, match="reported_on"):
        resolve_date("hier", reported_on="2019-07-31")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lang"):
        resolve_date("hier", reported_on=D(2019, 7, 31), lang="de")
