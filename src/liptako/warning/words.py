"""Trend evidence in plain words, in French or in English.

The command line speaks from here; the web pages use the same sentences, so that a claim
read on the dashboard and one printed by `liptako warning trends` are the same claim.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liptako.warning.analytics.trends import LEVEL, Change

if TYPE_CHECKING:
    from liptako.warning.trends import TrendReport

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


def report_json(report: TrendReport, lang: str) -> dict[str, Any]:
    """A trend report as `liptako warning trends --format json` and the API give it: every
    change with its figures and its sentence in ``lang``."""
    return {
        "area": report.level, "from": str(report.before), "to": str(report.after),
        "method": METHOD[lang],
        "changes": [{
            "area": c.area, "name": report.names[c.area][lang == "fr"], "measure": c.measure,
            "before": c.before, "after": c.after, "rate_ratio": c.rate_ratio, "low": c.low,
            "high": c.high, "dispersion": c.dispersion, "p_value": c.p_value,
            "q_value": c.q_value, "verdict": c.verdict,
            "sentence": sentence(c, report.names[c.area][lang == "fr"], lang),
        } for c in report.changes]}


# The emerging hot spot categories (liptako.warning.analytics.emerging.Category), as ArcGIS
# Pro's Emerging Hot Spot Analysis names them in English and in French
# (pro.arcgis.com/fr/pro-app/tool-reference/space-time-pattern-mining/learnmoreemerging.htm)
CATEGORIES = {
    "en": {"no pattern": "No pattern detected", "new hot spot": "New hot spot",
           "consecutive hot spot": "Consecutive hot spot",
           "intensifying hot spot": "Intensifying hot spot",
           "persistent hot spot": "Persistent hot spot",
           "diminishing hot spot": "Diminishing hot spot",
           "sporadic hot spot": "Sporadic hot spot",
           "oscillating hot spot": "Oscillating hot spot",
           "historical hot spot": "Historical hot spot", "new cold spot": "New cold spot",
           "consecutive cold spot": "Consecutive cold spot",
           "intensifying cold spot": "Intensifying cold spot",
           "persistent cold spot": "Persistent cold spot",
           "diminishing cold spot": "Diminishing cold spot",
           "sporadic cold spot": "Sporadic cold spot",
           "oscillating cold spot": "Oscillating cold spot",
           "historical cold spot": "Historical cold spot"},
    "fr": {"no pattern": "Aucun modèle détecté", "new hot spot": "Nouveau point chaud",
           "consecutive hot spot": "Point chaud consécutif",
           "intensifying hot spot": "Point chaud s'intensifiant",
           "persistent hot spot": "Point chaud persistant",
           "diminishing hot spot": "Point chaud diminuant",
           "sporadic hot spot": "Point chaud sporadique",
           "oscillating hot spot": "Point chaud oscillant",
           "historical hot spot": "Point chaud historique", "new cold spot": "Nouveau point froid",
           "consecutive cold spot": "Point froid consécutif",
           "intensifying cold spot": "Point froid s'intensifiant",
           "persistent cold spot": "Point froid persistant",
           "diminishing cold spot": "Point froid diminuant",
           "sporadic cold spot": "Point froid sporadique",
           "oscillating cold spot": "Point froid oscillant",
           "historical cold spot": "Point froid historique"},
}
