"""French and English for the pages: Babel catalogues read from their .po files at start.

The catalogues are compiled in memory, so there is no build step; `make i18n` re-extracts the
messages from the templates and the code into ``translations/messages.pot`` and merges them.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from importlib.resources import files

from babel.core import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from liptako.web.messages import UNIT_WORDS

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


@functools.cache
def translations(locale: str) -> Translations:
    """The compiled catalogue of a locale (English strings are the message ids)."""
    source = files("liptako.web").joinpath("translations", locale, "LC_MESSAGES", "messages.po")
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def pick_locale(*candidates: str | None, accept_language: str | None = None) -> str:
    """The first supported locale among explicit choices, then the browser's header."""
    for candidate in candidates:
        if candidate and candidate[:2].lower() in LOCALES:
            return candidate[:2].lower()
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LOCALES:
            return code
    return DEFAULT_LOCALE


# a few whole numbers of every plural category of the locales (CLDR): 0 and 1 are "one" in
# French, a million "many"
_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 101, 1_000_000)


@functools.cache
def plural_samples(locale: str) -> dict[str, int]:
    """A whole number of each plural category of the locale, the first of ``_SAMPLES`` in it:
    the number to give ``ngettext`` for a count of that category (a fraction, or the page's
    script asking Intl.PluralRules)."""
    rule = Locale.parse(locale).plural_form
    samples: dict[str, int] = {}
    for n in _SAMPLES:
        samples.setdefault(rule(n), n)
    return samples


@dataclass(frozen=True)
class Formatter:
    """Dates and numbers the way a locale writes them."""

    locale: str

    def date(self, value: dt.date | None, fmt: str = "medium") -> str:
        return "" if value is None else format_date(value, format=fmt, locale=self.locale)

    def datetime(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value, format="medium", tzinfo=dt.UTC, locale=self.locale)

    def number(self, value: float | int | None) -> str:
        return "" if value is None else format_decimal(value, locale=self.locale)

    def gettext(self, message: str) -> str:
        return translations(self.locale).ugettext(message)

    def ngettext(self, singular: str, plural: str, n: float) -> str:
        """The form of a message for ``n`` ("1 événement", "0 événement", "2 events");
        a fraction takes the form of its plural category (CLDR: 1.5 is "one" in French)."""
        if float(n).is_integer():
            count = int(n)
        else:
            count = plural_samples(self.locale)[Locale.parse(self.locale).plural_form(n)]
        return translations(self.locale).ungettext(singular, plural, count)

    def quantity(self, n: float | None, unit: str) -> str:
        """A quantity with its unit, in the reader's language when the unit is one the pages
        know (messages.UNITS: "20 militaires", "20 soldiers", "1 sortie"), else as written."""
        if n is None:
            return ""
        forms = UNIT_WORDS.get(unit.strip().casefold())
        word = self.ngettext(*forms, n) if forms else unit.strip()
        return f"{self.number(n)}\u00a0{word}" if word else self.number(n)

    def plural_forms(self, singular: str, plural: str) -> dict[str, str]:
        """Every form of a message by plural category, for a page's script to choose with
        Intl.PluralRules (which knows the same CLDR categories)."""
        return {category: self.ngettext(singular, plural, n)
                for category, n in plural_samples(self.locale).items()}
