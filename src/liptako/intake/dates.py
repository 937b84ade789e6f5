"""The date of the event a text reports, resolved against the date of the report.

Explicit dates come first ("2019-07-31", "31/07/2019", "on 31 July 2019", "le 3 mars"), then
relative ones ("yesterday", "hier", "last night", "dimanche"). A month and day without a year
take the latest year that keeps them on or before the report date. A night across two days
("dans la nuit du 2 au 3 mars", "the night of Sunday to Monday") gives its first day, the
evening the event began, as ACLED codes such nights.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from liptako.intake.text import require_lang, require_text

__all__ = ["DateFinding", "resolve_date"]

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fév": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
}
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4,
    "samedi": 5, "dimanche": 6,
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "|".join(_WEEKDAYS)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|\b)"
_YEAR = r"(?:,?\s*(?P<year>(?:19|20)\d\d)\b)?"
# a second day of a range ("July 30-31", "du 2 au 3 mars") is matched and left aside
_RANGE = r"(?:\s*(?:-|–|to|au|and|et)\s*[0-3]?\d(?:st|nd|rd|th|er)?\b)?"

_EXPLICIT = [
    (re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)\b"), 0.95),
    (re.compile(r"\b(?P<day>[0-3]?\d)/(?P<month>[01]?\d)/(?P<year>(?:19|20)\d\d)\b"), 0.9),
    (re.compile(rf"\b{_DAY}{_RANGE}\s+(?:of\s+)?{_MONTH}(?![a-zé]){_YEAR}", re.I), 0.9),
    (re.compile(rf"\b{_MONTH}(?![a-zé])\s*{_DAY}{_RANGE}{_YEAR}", re.I), 0.9),
]
_RELATIVE = [
    (re.compile(rf"\b(?:nuit|night)\s+(?:du|de|of)\s+(?P<wd>{_WEEKDAY})\s+(?:au|à|a|to)\s+"
                rf"(?:{_WEEKDAY})\b", re.I), "night", 0.75),
    (re.compile(r"\b(?:the\s+day\s+before\s+yesterday|avant-hier)\b", re.I), -2, 0.8),
    (re.compile(r"\b(?:yesterday|hier|last\s+night|la\s+nuit\s+derni[eè]re)\b", re.I), -1, 0.8),
    (re.compile(r"\b(?:today|this\s+(?:morning|afternoon|evening)|tonight|aujourd'hui|"
                r"ce\s+(?:matin|soir)|cet\s+apr[eè]s-midi)\b", re.I), 0, 0.8),
    (re.compile(rf"\b(?P<wd>{_WEEKDAY})\b", re.I), "weekday", 0.7),
]


@dataclass(frozen=True)
class DateFinding:
    """The resolved date, the phrase it came from, and a confidence in [0, 1]."""

    date: dt.date
    phrase: str
    confidence: float


def resolve_date(text: str, *, reported_on: dt.date, lang: str | None = None) -> DateFinding | None:
    """The date of the event ``text`` reports, or None when it names no date.

    ``lang`` ("en", "fr" or None) is accepted for symmetry with the other rules; the
    patterns of both languages are tried on every text.

    >>> resolve_date("On December 30, gunmen...", reported_on=dt.date(2019, 1, 2)).date
    datetime.date(2018, 12, 30)
    """
    require_text(text)
    if not isinstance(reported_on, dt.date):
        raise ValueError(f"reported_on: expected a date, got {type(reported_on).__name__}")
    require_lang(lang)
    return _explicit(text, reported_on) or _relative(text, reported_on)


def _explicit(text: str, reported_on: dt.date) -> DateFinding | None:
    """The first explicit calendar date in the text (earliest by position)."""
    best: tuple[int, DateFinding] | None = None
    for pattern, confidence in _EXPLICIT:
        for m in pattern.finditer(text):
            if best is not None and m.start() >= best[0]:
                break
            day = _calendar_date(m, reported_on)
            if day is not None:
                best = (m.start(), DateFinding(day[0], m.group(), confidence * day[1]))
                break
    return best[1] if best else None


def _calendar_date(m: re.Match[str], reported_on: dt.date) -> tuple[dt.date, float] | None:
    """The date of a match and a factor on its confidence (lower when the year is guessed)."""
    month_text = m.group("month").lower()
    month = _MONTHS[month_text] if month_text in _MONTHS else int(month_text)
    day = int(m.group("day"))
    year_text = m.group("year")
    try:
        if year_text:
            return dt.date(int(year_text), month, day), 1.0
        guess = dt.date(reported_on.year, month, day)
    except ValueError:
        return None
    if guess > reported_on:
        try:
            guess = guess.replace(year=guess.year - 1)
        except ValueError:  # 29 February of a leap year, one year back
            return None
    return guess, 0.95


def _relative(text: str, reported_on: dt.date) -> DateFinding | None:
    """The first relative date phrase (yesterday, last night, a weekday) in the text."""
    for pattern, kind, confidence in _RELATIVE:
        m = pattern.search(text)
        if m is None:
            continue
        if isinstance(kind, int):
            day = reported_on + dt.timedelta(days=kind)
        else:
            weekday = _WEEKDAYS[m.group("wd").lower()]
            day = reported_on - dt.timedelta(days=(reported_on.weekday() - weekday) % 7)
            if kind == "night" and day == reported_on:
                # the night ends on the following day, which must not be after the report
                day -= dt.timedelta(days=7)
        return DateFinding(day, m.group(), confidence)
    return None
