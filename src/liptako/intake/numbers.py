"""Numbers in a text, written as digits or words, in English or French.

``find_numbers`` returns every number it sees with its span, so that the date and fatality
rules can ask what stands next to a number. Vague quantities get the value ACLED codes for
them: "a dozen"/"une douzaine" 12, "dozens"/"des dizaines" 12 (ACLED records 12 for
"dozens" when no figure is given, and the shared notes agree), "une dizaine" 10, "une
vingtaine" 20 and so on, "hundreds"/"des centaines" 100; these come marked ``approximate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from liptako.intake.text import require_text

__all__ = ["NumberMatch", "find_numbers"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
    "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40,
    "cinquante": 50, "soixante": 60, "quatre-vingt": 80, "quatre-vingts": 80,
    "quatre vingt": 80, "quatre vingts": 80,
}
_MULTIPLIERS = {"hundred": 100, "cent": 100, "cents": 100, "thousand": 1000, "mille": 1000}
# ACLED's values for vague counts; "a dozen" is exact, the rest are approximate
_VAGUE = {
    "a dozen": 12, "one dozen": 12, "une douzaine": 12, "dozens": 12, "des dizaines": 12,
    "des douzaines": 12, "une dizaine": 10, "une quinzaine": 15, "une vingtaine": 20,
    "une trentaine": 30, "une quarantaine": 40, "une cinquantaine": 50,
    "une soixantaine": 60, "une centaine": 100, "hundreds": 100, "des centaines": 100,
}
_EXACT_VAGUE = {"a dozen", "one dozen", "une douzaine"}

_WORD_ALT = "|".join(
    sorted((re.escape(w) for w in (*_UNITS, *_MULTIPLIERS)), key=len, reverse=True)
)
_WORD = rf"(?:{_WORD_ALT})"
# words of one number are joined by spaces, hyphens, "and" or "et"
_JOIN = r"(?:[\s-]+(?:(?:and|et)[\s-]+)?)"
_NUMBER = re.compile(
    r"(?P<vague>\b(?:" + "|".join(re.escape(v) for v in sorted(_VAGUE, key=len, reverse=True))
    + r")\b)"
    r"|(?P<digits>(?<![\d.,])\d{1,3}(?:(?:,|[ \u00a0\u202f])\d{3})+(?![\d,])|(?<![\d.])\d+(?![\d]))"
    r"|(?P<words>\b(?:an?[\s-]+(?=hundred|thousand))?" + _WORD + r"(?:" + _JOIN + _WORD + r")*\b)",
    re.IGNORECASE,
)
_SPLIT = re.compile(_WORD, re.IGNORECASE)


@dataclass(frozen=True)
class NumberMatch:
    """A number found in a text: its value, where it stands, its words, and whether vague."""

    value: int
    span: tuple[int, int]
    text: str
    approximate: bool = False


def find_numbers(text: str) -> tuple[NumberMatch, ...]:
    """Every number in ``text``, in order, as (value, span) items.

    >>> [(n.value, n.span) for n in find_numbers("vingt et un morts, 1,200 déplacés")]
    [(21, (0, 11)), (1200, (19, 24))]
    """
    require_text(text)
    found: list[NumberMatch] = []
    for m in _NUMBER.finditer(text):
        if m.group("vague"):
            phrase = m.group("vague").lower()
            found.append(NumberMatch(_VAGUE[phrase], m.span(), m.group(),
                                     phrase not in _EXACT_VAGUE))
        elif m.group("digits"):
            value = int(re.sub(r"[^\d]", "", m.group()))
            found.append(NumberMatch(value, m.span(), m.group()))
        else:
            found.extend(_word_numbers(m.group(), m.start()))
    return tuple(found)


def _word_numbers(phrase: str, offset: int) -> list[NumberMatch]:
    """Split a run of number words into numbers ("one two" is two numbers, "sixty-two" one)."""
    words = [(w.group().lower().replace("-", " "), w.span()) for w in _SPLIT.finditer(phrase)]
    if phrase.lower().startswith(("a ", "an ", "a-", "an-")):
        words.insert(0, ("one", (0, 1)))
    out: list[NumberMatch] = []
    total = current = 0
    last = 10**9  # the last added value; a larger one starts a new number
    start = words[0][1][0]
    end = start
    for word, (ws, we) in words:
        if word in _MULTIPLIERS:
            mult = _MULTIPLIERS[word]
            if mult == 1000:
                total, current = total + max(current, 1) * 1000, 0
            else:
                current = max(current, 1) * 100
            last = 10**9
        else:
            value = _UNITS[word.replace("  ", " ")]
            if value >= last or (last < 10 and value >= 1):
                out.append(_match(total + current, start, end, phrase, offset))
                total = current = 0
                start = ws
            current += value
            last = value
        end = we
    out.append(_match(total + current, start, end, phrase, offset))
    return out


def _match(value: int, start: int, end: int, phrase: str, offset: int) -> NumberMatch:
    return NumberMatch(value, (offset + start, offset + end), phrase[start:end])
