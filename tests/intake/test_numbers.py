"""Numbers written as digits or words, in English and French."""

import pytest

from liptako.intake.numbers import find_numbers


def values(text: str) -> list[int]:
    return [n.value for n in find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two", 2),
        ("twenty-one", 21),
        ("two hundred and five", 205),
        ("a hundred", 100),
        ("deux", 2),
        ("vingt et un", 21),
        ("quatre-vingt-dix", 90),
        ("soixante-dix-sept", 77),
        ("deux cents", 200),
        ("trois mille cinq cents", 3500),
        ("cent", 100),
        ("1,200", 1200),
        ("1 200", 1200),
        ("zéro", 0),
    ],
)
def test_one_number(text: str, expected: int) -> None:
    assert values(text) == [expected]


def test_vague_counts_take_acled_values_and_are_marked() -> None:
    found = find_numbers("a dozen; dozens; une dizaine; une vingtaine; des centaines")
    assert [n.value for n in found] == [12, 12, 10, 20, 100]
    assert [n.approximate for n in found] == [False, True, True, True, True]


def test_spans_point_at_the_number_in_the_text() -> None:
    text = "Les FDS ont perdu vingt et un hommes, 1 200 déplacés"
    for n in find_numbers(text):
        assert text[n.span[0]:n.span[1]] == n.text
    assert values(text) == [21, 1200]


def test_adjacent_numbers_stay_apart() -> None:
    assert values("one two") == [1, 2]
    assert values("On July 31 2019, 12 killed") == [31, 2019, 12]


def test_words_inside_other_words_are_not_numbers() -> None:
    assert values("Someone attended the tennis event; often") == []


@pytest.mark.parametrize("bad", ["", "   ", None, 12])
def test_bad_input_names_the_field(bad: object) -> None:
    with pytest.raises(ValueError, match="text"):
        find_numbers(bad)  # type: ignore[arg-type]
