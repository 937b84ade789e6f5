"""The words of early warning: every emerging hot spot category has a name in each language."""

from liptako.warning.analytics.emerging import Category
from liptako.warning.words import CATEGORIES, LANGUAGES


def test_every_category_is_named_in_every_language() -> None:
    for lang in LANGUAGES:
        assert set(CATEGORIES[lang]) == {str(c) for c in Category}, lang
        assert len(set(CATEGORIES[lang].values())) == len(Category), lang
