"""The checks every extractor makes of what it is given: a text, and a language."""

from __future__ import annotations

LANGUAGES = ("en", "fr")


def require_text(text: object, field: str = "text") -> str:
    """Return ``text`` if it is a non-blank string, else raise ValueError naming ``field``."""
    if not isinstance(text, str):
        raise ValueError(f"{field}: expected a string, got {type(text).__name__}")
    if not text.strip():
        raise ValueError(f"{field}: expected a non-empty report text, got {text!r}")
    return text


def require_lang(lang: object) -> None:
    """Raise ValueError unless ``lang`` is "en", "fr" or None (to be guessed)."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"lang: expected 'en', 'fr' or None, got {lang!r}")
