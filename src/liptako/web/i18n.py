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

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

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
