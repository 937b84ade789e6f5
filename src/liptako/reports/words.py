"""The situation report's words, in French and in English: one template
(``templates/sitrep.typ``) prints whichever language the report is built in.

The trend sentences and the event types are the early warning's own
(:mod:`liptako.warning.words`), so that a change read in a report and one read on the
dashboard are said alike.
"""

from __future__ import annotations

import datetime as dt

from liptako.warning import words as warning_words

LANGUAGES = ("fr", "en")

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}

COUNTRIES = {
    "en": {"all": "Alliance of Sahel States (Burkina Faso, Mali, Niger)",
           "BFA": "Burkina Faso", "MLI": "Mali", "NER": "Niger"},
    "fr": {"all": "Alliance des États du Sahel (Burkina Faso, Mali, Niger)",
           "BFA": "Burkina Faso", "MLI": "Mali", "NER": "Niger"},
}

STATUSES = {
    "en": {"draft": "draft", "submitted": "submitted", "open_for_pledges": "open for pledges",
           "decided": "decided", "in_delivery": "in delivery", "closed": "closed",
           "withdrawn": "withdrawn"},
    "fr": {"draft": "brouillon", "submitted": "soumise", "open_for_pledges":
           "ouverte aux engagements", "decided": "décidée", "in_delivery": "en livraison",
           "closed": "close", "withdrawn": "retirée"},
}

DUTY_STATUSES = {
    "en": {"open": "open", "lapsed": "lapsed"},
    "fr": {"open": "ouverte", "lapsed": "caduque"},
}

SOURCES = {
    "acled": {"en": "ACLED, the Armed Conflict Location & Event Data Project "
                    "(acleddata.com), used under its terms of use",
              "fr": "ACLED, Armed Conflict Location & Event Data Project "
                    "(acleddata.com), selon ses conditions d'utilisation"},
    "ucdp": {"en": "UCDP Georeferenced Event Dataset, Uppsala Conflict Data Program "
                   "(ucdp.uu.se), CC BY 4.0",
             "fr": "UCDP Georeferenced Event Dataset, Uppsala Conflict Data Program "
                   "(ucdp.uu.se), CC BY 4.0"},
    "national": {"en": "reports of the member states' liaison officers",
                 "fr": "rapports des officiers de liaison des États membres"},
}
GEOGRAPHY = {
    "en": "Boundaries, rivers, lakes and towns: Natural Earth (naturalearthdata.com, public "
          "domain). Place names: GeoNames (geonames.org), CC BY 4.0.",
    "fr": "Frontières, fleuves, lacs et localités : Natural Earth (naturalearthdata.com, "
          "domaine public). Toponymes : GeoNames (geonames.org), CC BY 4.0.",
}

# every label the template prints, by key
LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "Situation report", "fr": "Rapport de situation"},
    "colon": {"en": ":", "fr": " :"},
    "period": {"en": "Period", "fr": "Période"},
    "previous": {"en": "compared with", "fr": "comparée à"},
    "area": {"en": "Area", "fr": "Zone"},
    "built_for": {"en": "Built for", "fr": "Établi pour"},
    "built_at": {"en": "on", "fr": "le"},
    "holds": {"en": "This report holds only what this account may see.",
              "fr": "Ce rapport ne contient que ce que ce compte peut voir."},
    "headline": {"en": "Headline figures", "fr": "Chiffres clés"},
    "measure": {"en": "Measure", "fr": "Mesure"},
    "this_period": {"en": "This period", "fr": "Cette période"},
    "previous_period": {"en": "Previous period", "fr": "Période précédente"},
    "change": {"en": "Change", "fr": "Variation"},
    "significance": {"en": "Significance", "fr": "Signification"},
    "events": {"en": "Events", "fr": "Événements"},
    "fatalities": {"en": "Fatalities", "fr": "Victimes"},
    "map": {"en": "Incidents and hotspots", "fr": "Incidents et foyers"},
    "by_week": {"en": "Events and fatalities by week", "fr": "Événements et victimes par "
                                                             "semaine"},
    "by_type": {"en": "Events by type", "fr": "Événements par type"},
    "type": {"en": "Type", "fr": "Type"},
    "top": {"en": "The ten most serious incidents", "fr": "Les dix incidents les plus graves"},
    "date": {"en": "Date", "fr": "Date"},
    "place": {"en": "Place", "fr": "Lieu"},
    "actors": {"en": "Actors", "fr": "Acteurs"},
    "charter": {"en": "Charter", "fr": "Charte"},
    "engages": {"en": "engages", "fr": "engage"},
    "undetermined": {"en": "undetermined", "fr": "à déterminer"},
    "nothing_engaged": {"en": "no article engaged", "fr": "aucun article engagé"},
    "invocations": {"en": "Charter invocations and assistance",
                    "fr": "Invocations de la Charte et assistance"},
    "articles": {"en": "Articles engaged by the period's incidents",
                 "fr": "Articles engagés par les incidents de la période"},
    "article": {"en": "Article", "fr": "Article"},
    "incidents": {"en": "Incidents", "fr": "Incidents"},
    "duties": {"en": "Duties of assistance opened in the period",
               "fr": "Obligations d'assistance ouvertes dans la période"},
    "owed_by": {"en": "Owed by", "fr": "Due par"},
    "beneficiary": {"en": "To", "fr": "À"},
    "status": {"en": "Status", "fr": "État"},
    "count": {"en": "Number", "fr": "Nombre"},
    "requests": {"en": "Requests for assistance", "fr": "Demandes d'assistance"},
    "request": {"en": "Request", "fr": "Demande"},
    "requesting": {"en": "Requesting state", "fr": "État demandeur"},
    "submitted": {"en": "Submitted", "fr": "Soumise"},
    "deadline": {"en": "Deadline", "fr": "Échéance"},
    "warning": {"en": "Alerts and forecasts", "fr": "Alertes et prévisions"},
    "alerts": {"en": "Alerts in force during the period", "fr": "Alertes en vigueur pendant "
                                                                "la période"},
    "raised": {"en": "Raised", "fr": "Émise"},
    "severity": {"en": "Severity", "fr": "Gravité"},
    "hotspots": {"en": "Hotspots (space-time scan)", "fr": "Foyers (balayage spatio-temporel)"},
    "window": {"en": "Window", "fr": "Fenêtre"},
    "observed": {"en": "Observed", "fr": "Observés"},
    "expected": {"en": "Expected", "fr": "Attendus"},
    "p_value": {"en": "p-value", "fr": "p-valeur"},
    "forecasts": {"en": "Forecast", "fr": "Prévision"},
    "unit": {"en": "Area", "fr": "Zone"},
    "month": {"en": "Month", "fr": "Mois"},
    "interval": {"en": "Likely range (80 %)", "fr": "Fourchette probable (80 %)"},
    "p_exceed": {"en": "Probability of {n} or more", "fr": "Probabilité de {n} ou plus"},
    "expected_fatalities": {"en": "Expected fatalities", "fr": "Victimes attendues"},
    "title_col": {"en": "Title", "fr": "Titre"},
    "alert": {"en": "Alert", "fr": "Alerte"},
    "rank": {"en": "Rank", "fr": "Rang"},
    "scan_note": {"en": "Latest scan, run on {ran} over {start} – {end}.",
                  "fr": "Dernier balayage, effectué le {ran} sur la période du {start} au "
                        "{end}."},
    "forecast_note": {"en": "Latest forecast, from data to {origin} (model {model}).",
                      "fr": "Dernière prévision, sur les données jusqu'au {origin} (modèle "
                            "{model})."},
    "trend": {"en": "Events {events}; fatalities {fatalities}.",
              "fr": "Événements : {events} ; victimes : {fatalities}."},
    "excluded": {"en": "Exercise reports are left out.",
                 "fr": "Les rapports d'exercice sont exclus."},
    "incidents_from": {"en": "Incidents from {sources}.", "fr": "Incidents issus de {sources}."},
    "sources": {"en": "Sources and methods", "fr": "Sources et méthodes"},
    "none": {"en": "None.", "fr": "Aucun."},
    "no_events": {"en": "No events in this period.", "fr": "Aucun événement dans cette "
                                                           "période."},
    "page": {"en": "Page", "fr": "Page"},
    "of": {"en": "of", "fr": "sur"},
    "map_incidents": {"en": "incident", "fr": "incident"},
    "map_fatal": {"en": "fatalities (dot size)", "fr": "victimes (taille du point)"},
    "map_hotspot": {"en": "hotspot", "fr": "foyer"},
    "map_significant": {"en": "significant hotspot (p ≤ 0.05)",
                        "fr": "foyer significatif (p ≤ 0,05)"},
}


def label(key: str, lang: str) -> str:
    return LABELS[key][lang]


def labels(lang: str) -> dict[str, str]:
    """Every label in one language (what the template receives)."""
    return {key: both[lang] for key, both in LABELS.items()}


def event_type(name: str, lang: str) -> str:
    """An event type's name, capitalised (``Battles``, ``Combats``)."""
    text = warning_words.TYPES[lang].get(name, name.replace("_", " "))
    return text[:1].upper() + text[1:]


def day(value: dt.date, lang: str) -> str:
    """``5 July 2019`` / ``5 juillet 2019``."""
    month = MONTHS[lang][value.month - 1]
    first = "1er" if lang == "fr" and value.day == 1 else str(value.day)
    return f"{first} {month} {value.year}"


def short_day(value: dt.date, lang: str) -> str:
    """``05/07/2019`` (fr) or ``2019-07-05`` (en)."""
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()


def whole_month(start: dt.date, end: dt.date) -> bool:
    """True when ``start`` to ``end`` is one whole calendar month."""
    return start.day == 1 and (end + dt.timedelta(days=1)).day == 1 and \
        (start.year, start.month) == (end.year, end.month)


def whole_year(start: dt.date, end: dt.date) -> bool:
    """True when ``start`` to ``end`` is one whole calendar year."""
    return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and \
        start.year == end.year


def span(start: dt.date, end: dt.date, lang: str) -> str:
    """A period in words: ``July 2019`` for a calendar month, ``2019`` for a year, else
    ``1 July 2019 – 14 July 2019``."""
    if whole_month(start, end):
        return f"{MONTHS[lang][start.month - 1]} {start.year}"
    if whole_year(start, end):
        return str(start.year)
    return f"{day(start, lang)} – {day(end, lang)}"


def number(value: float, lang: str, digits: int = 0) -> str:
    """A number as the language writes it: ``1 234,5`` (fr), ``1,234.5`` (en)."""
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", " ").replace(".", ",")
    return text


def change(before: int, after: int, lang: str) -> str:
    """The change in per cent (``+25 %``), or ``new`` when there was none before."""
    if before == 0:
        return "–" if after == 0 else ("new" if lang == "en" else "nouveau")
    pct = 100.0 * (after - before) / before
    return f"{'+' if pct > 0 else ''}{number(pct, lang)} %"


def verdict(name: str, lang: str) -> str:
    return warning_words.VERDICTS[lang][name]


def method(lang: str) -> str:
    return warning_words.METHOD[lang]


# the weekly report's e-mail (liptako.reports.weekly), whose PDF the template prints
MAIL: dict[str, dict[str, str]] = {
    "weekly": {"en": "Weekly situation report", "fr": "Rapport de situation hebdomadaire"},
    "previous_week": {"en": "previous week", "fr": "semaine précédente"},
    "marking": {"en": "This message and its attachment are marked TLP:{tlp}: share them only "
                      "as that marking allows.",
                "fr": "Ce message et sa pièce jointe sont marqués TLP:{tlp} : ne les "
                      "partagez que dans les limites de ce marquage."},
    "attached": {"en": "The full report is attached (PDF). Reports: {url}",
                 "fr": "Le rapport complet est joint (PDF). Rapports : {url}"},
}
