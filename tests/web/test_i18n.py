from importlib.resources import files

from babel.messages.pofile import read_po

from liptako.web.i18n import Formatter, pick_locale, translations


def test_french_catalogue_is_complete() -> None:
    path = files("liptako.web").joinpath("translations", "fr", "LC_MESSAGES", "messages.po")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    # a message with a plural has a form per plural category, each to be filled
    missing = [m.id for m in catalog if m.id and not all(
        m.string if isinstance(m.string, tuple) else [m.string])]
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


def test_counts_take_the_plural_of_their_language() -> None:
    fr, en = Formatter("fr"), Formatter("en")
    assert [fr.ngettext("event", "events", n) for n in (0, 1, 2, 1.5)] == [
        "événement", "événement", "événements", "événement"]  # CLDR: 0 and 1.5 are "one"
    assert [en.ngettext("event", "events", n) for n in (0, 1, 2, 1.5)] == [
        "events", "event", "events", "events"]
    assert fr.plural_forms("fatality", "fatalities") == {
        "one": "victime", "many": "victimes", "other": "victimes"}
    assert en.plural_forms("fatality", "fatalities") == {"one": "fatality",
                                                        "other": "fatalities"}


def test_quantities_carry_their_unit_in_the_reader_language() -> None:
    fr, en = Formatter("fr"), Formatter("en")
    assert fr.quantity(20, "troops") == "20\u00a0militaires"
    assert en.quantity(20, "militaires") == "20\u00a0soldiers"
    assert fr.quantity(2, "aircraft") == "2\u00a0aéronefs"
    assert (fr.quantity(1, "Sorties"), en.quantity(1, "sorties")) == ("1\u00a0sortie",
                                                                      "1\u00a0sortie")
    assert fr.quantity(2.5, "tonnes") == "2,5\u00a0tonnes"
    assert en.quantity(1500, "jerrycans") == "1,500\u00a0jerrycans"  # a unit as written
    assert fr.quantity(None, "tonnes") == ""
