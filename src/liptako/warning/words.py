"""Trend evidence in plain words, in French or in English.

The command line speaks from here; the web pages use the same sentences, so that a claim
read on the dashboard and one printed by `liptako warning trends` are the same claim.
"""

from __future__ import annotations

from liptako.warning.analytics.trends import LEVEL, Change

LANGUAGES = ("en", "fr")

MEASURES = {
    "en": {"events": "events", "fatalities": "fatalities"},
    "fr": {"events": "événements", "fatalities": "victimes"},
}
TYPES = {
    "en": {"battle": "battles", "explosion_remote_violence": "explosions and remote violence",
           "violence_against_civilians": "violence against civilians", "protest": "protests",
           "riot": "riots", "strategic_development": "strategic developments"},
    "fr": {"battle": "combats", "explosion_remote_violence": "explosions et violences à "
           "distance", "violence_against_civilians": "violences contre les civils",
           "protest": "manifestations", "riot": "émeutes",
           "strategic_development": "évolutions stratégiques"},
}
VERDICTS = {
    "en": {"rose": "rose significantly", "fell": "fell significantly",
           "noise": "changed within noise", "none": "none in either period"},
    "fr": {"rose": "en hausse significative", "fell": "en baisse significative",
           "noise": "variation dans le bruit", "none": "aucun dans l'une ou l'autre période"},
}
HEADINGS = {
    "en": {"rose": "Violence rose significantly", "fell": "Violence fell significantly",
           "noise": "Change within noise (not significant)", "none": "No event in either period"},
    "fr": {"rose": "Hausse significative de la violence",
           "fell": "Baisse significative de la violence",
           "noise": "Variation dans le bruit (non significative)",
           "none": "Aucun événement dans les deux périodes"},
}
METHOD = {
    "en": (f"Quasi-Poisson rate ratio of weekly counts, later period over earlier; 95 % "
           f"interval; significant when the Benjamini-Hochberg adjusted p-value over all "
           f"areas and measures is below {LEVEL}."),
    "fr": (f"Rapport des taux (quasi-Poisson, comptes hebdomadaires), période récente sur "
           f"période ancienne ; intervalle à 95 % ; significatif quand la p-valeur ajustée "
           f"(Benjamini-Hochberg, sur toutes les zones et mesures) est inférieure à "
           f"{LEVEL}.".replace("0.05", "0,05")),
}


def measure_name(measure: str, lang: str) -> str:
    kind, _, event_type = measure.partition(":")
    if event_type:
        return TYPES[lang].get(event_type, event_type)
    return MEASURES[lang][kind]


def _number(value: float, lang: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def sentence(change: Change, area_name: str, lang: str) -> str:
    """One change in words, e.g. ``Mopti (MLI): events rose significantly, 60 → 150 (rate
    ratio 2.46, 95 % interval 1.80-3.35).``"""
    what = measure_name(change.measure, lang)
    verdict = VERDICTS[lang][change.verdict]
    if change.verdict == "none":
        return f"{area_name} : {what}, {verdict}." if lang == "fr" else \
            f"{area_name}: {what}, {verdict}."
    ratio, low, high = (_number(v, lang) for v in (change.rate_ratio, change.low, change.high))
    if lang == "fr":
        return (f"{area_name} : {what}, {verdict}, {change.before} → {change.after} "
                f"(rapport des taux {ratio} ; intervalle à 95 % {low}–{high}).")
    return (f"{area_name}: {what} {verdict}, {change.before} → {change.after} "
            f"(rate ratio {ratio}, 95 % interval {low}–{high}).")
