"""How many people a text says died, coded as ACLED codes fatalities.

ACLED counts every death in the event, on all sides, assailants included; not the wounded,
the missing or the abducted. Each phrase that says someone died ("killed two", "three
assailants were killed", "left 5 dead", "a soldier was killed", "found dead", "deux morts")
gives a count from the number beside it; the counts of separate phrases add up, except a
breakdown of a count already given ("including", "dont"). "several"/"plusieurs" without a
figure counts 3, the value ACLED gives such phrases most often in the shared notes; a plural
with no number counts 2 (at least two died).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from liptako.intake.numbers import NumberMatch, find_numbers
from liptako.intake.text import require_lang, require_text

__all__ = ["FatalityFinding", "count_fatalities"]

SEVERAL = 3
_PLURAL = 2

_DEATH = re.compile(
    r"\b(?:killed|killing|kill|kills|shot\s+dead|dead|died|die|dies|deaths?|fatalities|"
    r"fatality|bodies|body|corpses?|executed|executing|executes|assassinated|assassinating|"
    r"assassinate|murdered|murdering|beheaded|beheading|lynched|slain|slaughtered|massacred|"
    r"perished|succumbed|lost\s+(?:their|his|her)\s+lives?|"
    r"tu[ée]e?s?|tuant|morte?s?|d[ée]c[ée]d[ée]e?s?|d[ée]c[èe]s|assassin[ée]e?s?|"
    r"ex[ée]cut[ée]e?s?|cadavres?|corps|sans\s+vie|p[ée]ri|perdu\s+la\s+vie|[ée]gorg[ée]e?s?|"
    r"abattue?s?)\b",
    re.IGNORECASE,
)
# verbs whose object is the dead ("killing two", "shot dead a man", "tuant trois")
_ACTIVE = re.compile(
    r"^(?:killed|killing|kill|kills|shot\s+dead|executed|executing|executes|assassinated|"
    r"assassinating|assassinate|murdered|murdering|beheaded|beheading|lynched|slaughtered|"
    r"massacred|tuant|tu[ée]|abattu|ex[ée]cut[ée]|assassin[ée]|bodies|body|corps|cadavres?"
    r"|corpses?|deaths?|d[ée]c[èe]s)$",
    re.IGNORECASE,
)
_PASSIVE_BEFORE = re.compile(
    r"\b(?:was|were|been|is|are|be|being|a\s+[ée]t[ée]|ont\s+[ée]t[ée]|sont|est|found|"
    r"retrouv[ée]e?s?)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_NONE = re.compile(
    r"\b(?:no|without(?:\s+causing)?(?:\s+any)?|zero)\s+(?:\w+\s+)?(?:casualt(?:y|ies)|"
    r"fatalit(?:y|ies)|deaths?|victims?|one\s+(?:was\s+)?killed|loss(?:es)?\s+of\s+(?:human\s+)?"
    r"li(?:fe|ves))\b|\b(?:aucune?|sans|pas\s+de)\s+(?:\w+\s+)?(?:victimes?|morts?|pertes?)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(?:no\s+one|nobody|not|without|personne\s+n'a|aucun)\s+(?:\w+\s+){0,2}$"
    r"|\b(?:tent\w*|essay\w*)\s+d(?:e\s+|')$", re.IGNORECASE)
# an intent, not a death: "attempted to assassinate", "threatened to kill"
_INTENT = re.compile(r"\bto\s+$", re.IGNORECASE)
_BASE_FORM = re.compile(r"^(?:kill|assassinate|execute|murder|behead|lynch)$", re.IGNORECASE)
# an active verb followed by these has no object: "three gendarmes killed and one wounded"
_NO_OBJECT = re.compile(r"^\s*(?:$|[,.;:)]|(?:and|in|by|during|on|at(?!\s+least)|while|when|as|"
                        r"after|et|dans|par|lors|pendant|au|à)\b)", re.IGNORECASE)
# words that say someone died without an object: the subject is the dead
_INTRANSITIVE = re.compile(r"^(?:died|die|dies|dead|perished|p[ée]ri|morte?s?|d[ée]c[ée]d[ée]e?s?|"
                           r"sans\s+vie|lost\s+\w+\s+li\w+|perdu\s+la\s+vie|succumbed)$",
                           re.IGNORECASE)
_UNIT = re.compile(r"^\s*(?:km|kilom\w*|m\b|meters?|metres?|mètres?|years?|hours?|days?|"
                   r"weeks?|months?|ans?\b|heures?|jours?|semaines?|mois|%)", re.IGNORECASE)
# each "and his son", "and a villager" after a first victim adds one
_AND_ONE = re.compile(r"\b(?:and|with|et|avec)\s+(?:a|an|his|her|the|another|one|un|une|son|sa)\b",
                      re.IGNORECASE)
# a clause ends at punctuation or at a word that names a different fate
_STOP = re.compile(
    r"[.;:!?()]|,\s|\b(?:wound\w*|injur\w*|abduct\w*|kidnap\w*|missing|arrest\w*|captur\w*|"
    r"bless[ée]\w*|enlev\w*|disparu\w*|arr[êe]t\w*|while|after|before|when|but|lors|apr[eè]s|"
    r"mais)\b",
    re.IGNORECASE,
)
_PART = re.compile(r"\b(?:including|among\s+(?:them|whom)|of\s+whom|dont|parmi\s+(?:eux|lesquels|"
                   r"elles|lesquelles))\s+(?:\w+\s+){0,3}$", re.IGNORECASE)
_SEVERAL = re.compile(r"\b(?:several|many|numerous|plusieurs|de\s+nombreux|nombreuses?)\b",
                      re.IGNORECASE)
_SINGULAR = re.compile(
    r"^\s*(?:an?|one|the|his|her|their|its|him|her|un|une|le|la|l'|son|sa|leur)\b", re.IGNORECASE)
_ANIMALS = re.compile(r"^\s*(?:\w+\s+){0,2}(?:livestock|cattle|cows?|oxen|goats?|sheep|camels?|"
                      r"animals?|donkeys?|heads?\s+of|b[ée]tail|t[êe]tes|chameaux|vaches)\b",
                      re.IGNORECASE)
_WINDOW = 60
# "killing five soldiers and two VDP": a noun of up to three words, then "and"/"et"
_JOINED = re.compile(r"^\s*(?:[\w'-]+\s+){0,3}(?:and|et)\s+$", re.IGNORECASE)
_OWN_VERB = re.compile(r"^\s*(?:[\w'-]+\s+){0,3}(?:were|was|are|is|have|had|ont|sont|a)\b",
                       re.IGNORECASE)


@dataclass(frozen=True)
class FatalityFinding:
    """The number of dead, the phrases it came from, and a confidence in [0, 1]."""

    count: int
    phrases: tuple[str, ...]
    confidence: float


def count_fatalities(text: str, *, lang: str | None = None) -> FatalityFinding:
    """Deaths that ``text`` reports, all sides together; 0 with "no phrase" when none.

    >>> count_fatalities("Gunmen killed two soldiers and three assailants were killed.").count
    5
    """
    require_text(text)
    require_lang(lang)
    numbers = find_numbers(text)
    used: set[tuple[int, int]] = set()
    total, phrases, confidences = 0, [], []
    for m in _DEATH.finditer(text):
        found = _count_at(text, m, numbers, used)
        if found is None:
            continue
        count, phrase, confidence = found
        total += count
        phrases.append(phrase)
        confidences.append(confidence)
    if phrases:
        return FatalityFinding(total, tuple(phrases), min(confidences))
    none = _NONE.search(text)
    if none:
        return FatalityFinding(0, (none.group(),), 0.9)
    return FatalityFinding(0, ("no phrase",), 0.6)


def _count_at(text: str, m: re.Match[str], numbers: tuple[NumberMatch, ...],
              used: set[tuple[int, int]]) -> tuple[int, str, float] | None:
    """The count one death phrase gives, or None when it gives none (negated, already used)."""
    before = text[max(0, m.start() - _WINDOW):m.start()]
    word = m.group()
    if _NEGATED.search(before) or (_BASE_FORM.match(word) and _INTENT.search(before)):
        return None
    after_text = text[m.end():m.end() + 20]
    passive = (_PASSIVE_BEFORE.search(before) is not None or _INTRANSITIVE.match(word) is not None
               or (_ACTIVE.match(word) is not None and _NO_OBJECT.match(after_text) is not None))
    if not passive and _ACTIVE.match(word):
        after = _after(text, m.end(), numbers, used)
        if after is not None:
            return after
    return _before(text, m, numbers, used, passive)


def _after(text: str, end: int, numbers: tuple[NumberMatch, ...],
           used: set[tuple[int, int]]) -> tuple[int, str, float] | None:
    """The count named after an active verb: "killing at least 8", "killed a soldier"."""
    tail = text[end:end + _WINDOW]
    stop = _STOP.search(tail)
    clause = tail[:stop.start()] if stop else tail
    if _ANIMALS.match(clause):
        return None
    for n in numbers:
        if end <= n.span[0] < end + len(clause) and n.span not in used:
            gap = text[end:n.span[0]]
            if (len(gap.split()) <= 3 and not _PART.search(text[:n.span[0]])
                    and not _UNIT.match(text[n.span[1]:]) and " and " not in gap):
                used.add(n.span)
                more, last = _and_more(text, n, end + len(clause), numbers, used)
                return n.value + more, text[end - 1 - len(text[:end].split()[-1]) + 1:last], 0.85
    if _SEVERAL.match(clause.strip()):
        return SEVERAL, clause.strip(), 0.5
    if _SINGULAR.match(clause):
        extra = tail[:stop.end() + 20] if stop and stop.group() == ", " else clause
        return 1 + len(_AND_ONE.findall(extra)), clause.strip()[:60], 0.7
    return None


def _and_more(text: str, first: NumberMatch, clause_end: int, numbers: tuple[NumberMatch, ...],
              used: set[tuple[int, int]]) -> tuple[int, int]:
    """What "and two VDP" adds to "killing five soldiers": the counts joined to the first in
    the verb's clause, and where the last ends. A count that starts a clause of its own
    ("and three civilians were wounded") is not the verb's object and is left out."""
    added, last = 0, first.span[1]
    for n in numbers:
        if not (last < n.span[0] < clause_end) or n.span in used:
            continue
        if (not _JOINED.match(text[last:n.span[0]]) or _UNIT.match(text[n.span[1]:])
                or _OWN_VERB.match(text[n.span[1]:n.span[1] + 40])):
            break
        used.add(n.span)
        added, last = added + n.value, n.span[1]
    return added, last


def _before(text: str, m: re.Match[str], numbers: tuple[NumberMatch, ...],
            used: set[tuple[int, int]], passive: bool) -> tuple[int, str, float] | None:
    """The count named before the phrase: "two soldiers were killed", "left 5 dead"."""
    head = text[max(0, m.start() - _WINDOW):m.start()]
    stops = list(_STOP.finditer(head))
    start = m.start() - len(head) + (stops[-1].end() if stops else 0)
    clause = text[start:m.start()]
    inside = [n for n in numbers if start <= n.span[0] and n.span[1] <= m.start()
              and not _UNIT.match(text[n.span[1]:])]
    if any(n.span in used for n in inside):
        # the object of an earlier verb: only the numbers after it belong to this phrase
        last_used = max(i for i, n in enumerate(inside) if n.span in used)
        inside = inside[last_used + 1:]
        if not inside:
            return None
    if inside:
        if any(_PART.search(text[:n.span[0]]) for n in inside):
            return None
        if _ANIMALS.match(text[inside[-1].span[1]:m.start()]):
            return None
        used.update(n.span for n in inside)
        extra = len(_AND_ONE.findall(text[inside[0].span[1]:m.start()]))
        count = sum(n.value for n in inside) + extra
        return count, text[inside[0].span[0]:m.end()], 0.85
    if _SEVERAL.search(clause):
        return SEVERAL, text[start:m.end()].strip(), 0.5
    if passive:
        plural = re.search(r"\b(?:were|are|ont|sont)\b", clause, re.IGNORECASE)
        if _ANIMALS.search(clause):
            return None
        return (_PLURAL if plural else 1), text[start:m.end()].strip(), 0.6
    return None
