"""What an alert says, in French and in English: the CAP ``event``, ``headline``,
``description`` and ``instruction`` of each language's ``info`` block, and the e-mail.

The pages show the same sentences, so that a state reads on its screen what its webhook and
its mailbox received.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("fr", "en")
CAP_LANGUAGE = {"fr": "fr-FR", "en": "en-US"}
EVENT = {"fr": "Alerte de sécurité (AES)", "en": "Security alert (AES)"}
SENDER_NAME = {"fr": "Secrétariat de l'Alliance des États du Sahel (liptako)",
               "en": "Alliance of Sahel States secretariat (liptako)"}


@dataclass(frozen=True)
class Facts:
    """What a message reports: the rule's kind and parameters, the area and the counts."""

    kind: str
    area: str
    days: int
    threshold: int | None
    events: int
    fatalities: int
    articles: tuple[str, ...]
    update: bool
    # a cluster's run day, period, observed and expected events, relative risk and p-value
    detail: Mapping[str, Any] = field(default_factory=dict)


def _n(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _x(value: float | None, lang: str) -> str:
    """A ratio or an expectation to one decimal (a decimal comma in French); ∞ for None."""
    if value is None:
        return "∞"
    text = f"{value:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _cluster_headline(f: Facts, lang: str) -> str:
    d = f.detail
    return (f"{f.area} : foyer de violence significatif, {_n(d['observed'], lang)} événements "
            f"pour {_x(d['expected'], lang)} attendus" if lang == "fr" else
            f"{f.area}: significant cluster of violence, {_n(d['observed'], lang)} events "
            f"where {_x(d['expected'], lang)} were expected")


def _forecast_headline(f: Facts, lang: str) -> str:
    d = f.detail
    return (f"{f.area} : {_x(d['expected'], lang)} victimes prévues en {d['month']} (80 % : "
            f"{_x(d['low'], lang)} à {_x(d['high'], lang)})" if lang == "fr" else
            f"{f.area}: {_x(d['expected'], lang)} fatalities forecast for {d['month']} (80 %: "
            f"{_x(d['low'], lang)} to {_x(d['high'], lang)})")


def _forecast_why(f: Facts, lang: str) -> str:
    d = f.detail
    p = f"{d['p_exceed']:.2f}"
    return (f"La prévision du {d['ran_on']} (arrêtée à {d['origin']}) attend "
            f"{_x(d['expected'], lang)} victimes en {d['month']} dans {f.area}, entre "
            f"{_x(d['low'], lang)} et {_x(d['high'], lang)} à 80 %, et une probabilité de "
            f"{p.replace('.', ',')} d'en compter {d['exceed']} ou plus ; c'est une prévision, "
            f"non un constat." if lang == "fr" else
            f"The forecast of {d['ran_on']} (standing at {d['origin']}) expects "
            f"{_x(d['expected'], lang)} fatalities in {d['month']} in {f.area}, between "
            f"{_x(d['low'], lang)} and {_x(d['high'], lang)} at 80 %, and a probability of "
            f"{p} of {d['exceed']} or more; a forecast, not an observation.")


def _cluster_why(f: Facts, lang: str) -> str:
    d = f.detail
    p = f"{d['p_value']:.3f}"
    return (f"L'analyse des foyers du {d['ran_on']} trouve un foyer spatio-temporel du "
            f"{d['starts_on']} au {d['ends_on']} : {_n(d['observed'], lang)} événements là où "
            f"{_x(d['expected'], lang)} étaient attendus (risque relatif "
            f"{_x(d['relative_risk'], lang)}, p = {p.replace('.', ',')})." if lang == "fr" else
            f"The hotspot scan of {d['ran_on']} finds a space-time cluster from "
            f"{d['starts_on']} to {d['ends_on']}: {_n(d['observed'], lang)} events where "
            f"{_x(d['expected'], lang)} were expected (relative risk "
            f"{_x(d['relative_risk'], lang)}, p = {p}).")


def headline(f: Facts, lang: str) -> str:
    """One line, under 160 characters as CAP asks."""
    if f.kind == "charter":
        arts = " / ".join(f.articles)
        text = (f"{f.area} : incident engageant l'art. {arts} de la Charte" if lang == "fr"
                else f"{f.area}: incident engaging Art. {arts} of the Charter")
    elif f.kind == "cluster":
        text = _cluster_headline(f, lang)
    elif f.kind == "forecast":
        text = _forecast_headline(f, lang)
    elif f.kind == "fatalities":
        text = (f"{f.area} : {_n(f.fatalities, lang)} victimes en {f.days} jours" if lang == "fr"
                else f"{f.area}: {_n(f.fatalities, lang)} fatalities in {f.days} days")
    else:
        text = (f"{f.area} : {_n(f.events, lang)} événements en {f.days} jours" if lang == "fr"
                else f"{f.area}: {_n(f.events, lang)} events in {f.days} days")
    if f.update:
        text = f"{'Mise à jour' if lang == 'fr' else 'Update'} - {text}"
    return text[:159]


def description(f: Facts, lang: str) -> str:
    """What happened and why the rule raised the alert."""
    counts = (f"{_n(f.events, lang)} événement(s), {_n(f.fatalities, lang)} victime(s)"
              if lang == "fr" else
              f"{_n(f.events, lang)} event(s), {_n(f.fatalities, lang)} fatalities")
    if f.kind == "charter":
        arts = ", ".join(f.articles)
        why = (f"Un incident des {f.days} derniers jours engage l'article {arts} de la Charte "
               f"du Liptako-Gourma (détermination enregistrée)." if lang == "fr" else
               f"An incident of the last {f.days} days engages Article {arts} of the "
               f"Liptako-Gourma Charter (stored determination).")
    elif f.kind == "cluster":
        why = _cluster_why(f, lang)
    elif f.kind == "forecast":
        why = _forecast_why(f, lang)
    else:
        what = {"fr": {"fatalities": "victimes", "events": "événements"},
                "en": {"fatalities": "fatalities", "events": "events"}}[lang][f.kind]
        why = (f"Le seuil de {_n(f.threshold or 0, lang)} {what} en {f.days} jours est "
               f"atteint dans {f.area}." if lang == "fr" else
               f"The threshold of {_n(f.threshold or 0, lang)} {what} in {f.days} days is "
               f"reached in {f.area}.")
    behind = ("Incidents des douze derniers mois de l'unité : " if lang == "fr" else
              "The unit's incidents of the last twelve months: ") if f.kind == "forecast" \
        else "Incidents à l'origine de l'alerte : " if lang == "fr" else \
        "Incidents behind the alert: "
    told = f"{why} {behind}{counts}."
    if f.update and f.kind == "forecast":
        told += (" Une prévision plus récente a changé les chiffres." if lang == "fr"
                 else " A newer forecast has changed the figures.")
    elif f.update:
        told += (" La situation s'est aggravée depuis le message précédent." if lang == "fr"
                 else " The situation has grown since the previous message.")
    return told


def instruction(lang: str) -> str:
    return ("Chaque État membre accuse réception de l'alerte dans liptako (page de l'alerte) "
            "et évalue la situation." if lang == "fr" else
            "Each member state acknowledges the alert in liptako (the alert's page) and "
            "assesses the situation.")
