from importlib.resources import files

from babel.messages.pofile import read_po

from liptako.web.i18n import Formatter, pick_locale, translations


def test_french_catalogue_is_complete() -> None:
    path = files("liptako.web").joinpath("translations", "fr", "LC_MESSAGES", "messages.po")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    missing = [m.id for m in catalog if m.id and not m.string]
    assert not missing, f"untranslated French messages: {missing}"
    template = files("liptako.web").joinpath("translations", "messages.pot")
    with template.open("rb") as handle:
        ids = {m.id for m in read_po(handle) if m.id}
    assert ids <= {m.id for m in catalog if m.id}, "run `make i18n`: the catalogue is stale"


def test_translations_and_formats_follow_the_locale() -> None:
    assert translations("fr").ugettext("Map") == "Carte"
    assert translations("en").ugettext("Map") == "Map"
    assert Formatter("fr").number(12271) == "12\u202f271"
    assert Formatter("en").number(12271) == "12,271"
    import datetime as dt
    assert Formatter("fr").date(dt.date(2023, 9, 16), "long") == "16 septembre 2023"
    assert Formatter("en").date(dt.date(2023, 9, 16), "long") == "September 16, 2023"


def test_locale_choice_order() -> None:
    assert pick_locale(None, accept_language="en-GB,en;q=0.9") == "en"
    assert pick_locale("fr", accept_language="en") == "fr"
    assert pick_locale(None, None, accept_language="de") == "fr"
