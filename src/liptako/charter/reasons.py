"""Human-readable reasons, in English or French, rendered from findings.

Both evaluators produce the same findings (atom, value, code); this module turns the decisive
ones into sentences that cite the article and the facts used, so the one-by-one and the
vectorised paths give identical reasons.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from importlib.resources import files
from typing import Any

import yaml

from liptako.charter.facts import ACTS, IncidentFacts
from liptako.charter.logic import TRUE, Finding
from liptako.charter.pacts import Pact, Provision, Rule
from liptako.charter.policy import Policy


@functools.cache
def templates() -> dict[str, tuple[str, str]]:
    """Sentence templates per ``atom.code`` (from ``reasons.yaml``), as (English, French)."""
    data = yaml.safe_load(files("liptako.charter").joinpath("reasons.yaml").read_text("utf-8"))
    return {key: (value["en"], value["fr"]) for key, value in data.items()}


_WORDS = {
    "non_state_armed_group": ("non-state armed group", "groupe armé non étatique"),
    "criminal_group": ("criminal group", "groupe criminel"),
    "state": ("state", "État"),
    "international_organization": ("international organisation", "organisation internationale"),
    "unknown": ("perpetrator of unknown kind", "auteur de nature inconnue"),
    "separatist_rebel": ("separatist rebel", "rebelle séparatiste"),
    "jihadist": ("jihadist", "djihadiste"),
    "militia": ("militia", "milice"),
    "other": ("other", "autre"),
    "state_forces": ("state forces", "forces de l'État"),
    "civilians": ("civilians", "civils"),
    "infrastructure": ("infrastructure", "infrastructures"),
    "vessel_or_aircraft": ("vessel or aircraft", "navire ou aéronef"),
    "territory": ("territory", "territoire"),
    "target": ("target", "cible"),
    "armed_attack": ("armed attack", "attaque armée"),
    "blockade": ("blockade", "blocus"),
    "threat_of_force": ("threat of force", "menace de recours à la force"),
    "none": ("none", "aucun"),
}


def _word(value: str | None, lang: str) -> str:
    pair = _WORDS.get(value or "unknown")
    if pair is None:
        return str(value).replace("_", " ")
    return pair[1] if lang == "fr" else pair[0]


def reason_context(facts: IncidentFacts, pact: Pact, policy: Policy, territory: str | None,
                   lang: str) -> dict[str, Any]:
    """Values the sentences may cite; the same for both evaluators."""
    loc = facts.location
    p, t = facts.perpetrator, facts.target
    return {
        "pact": pact.short_name or pact.id, "date": facts.occurred_on.isoformat(),
        "in_force_from": pact.in_force_from.isoformat(), "territory": territory or "-",
        "victim": t.party or territory or "-", "perp": _word(p.kind, lang),
        "perp_state": p.state or "-", "group": _word(p.group_type, lang),
        "target": _word(t.kind or "target", lang), "launched_from": facts.launched_from or "-",
        "lat": "-" if loc is None or loc.lat is None else f"{loc.lat:g}",
        "acts": ", ".join(_word(a, lang) for a in ACTS if a in facts.acts) or _word("none", lang),
        "common_space": policy.common_space,
    }


def _area_label(pact: Pact, name: str | None, lang: str) -> str:
    if name is None:
        return "-"
    area = pact.areas.get(name)
    return area.label_in(lang) if area else name.replace("_", " ")


def _rule_context(rule: Rule, pact: Pact, lang: str) -> dict[str, str]:
    return {"area": _area_label(pact, rule.area or rule.scope, lang),
            "asset_area": _area_label(pact, rule.asset_area, lang),
            "outside_area": _area_label(pact, rule.outside_area, lang),
            "rule_acts": ", ".join(_word(a, lang) for a in rule.acts)}


def _conclusion(provision: Provision, parties: tuple[Sequence[str], str | None, str | None],
                lang: str) -> str:
    assert provision.rule is not None
    owed, beneficiary, respondent = parties
    text = provision.rule.obligation.get(lang)
    extra = []
    if owed:
        extra.append(("dû par " if lang == "fr" else "owed by ") + ", ".join(owed))
    if beneficiary:
        extra.append(("au profit de " if lang == "fr" else "to ") + beneficiary)
    if respondent:
        extra.append(("partie mise en cause : " if lang == "fr" else "respondent: ") + respondent)
    return text + (f" ({'; '.join(extra)})" if extra else "")


def render(findings: Sequence[Finding], value: int, provision: Provision,
           parties: tuple[Sequence[str], str | None, str | None], context: Mapping[str, Any],
           pact: Pact, lang: str = "en") -> list[str]:
    """Sentences for the decisive findings of a provision, each citing its article."""
    values = dict(context)
    if provision.rule is not None:
        values.update(_rule_context(provision.rule, pact, lang))
    prefix = f"Art. {provision.article}: "
    out = []
    for f in findings:
        en, fr = templates()[f"{f.atom}.{f.code}"]
        out.append(prefix + (fr if lang == "fr" else en).format(**values))
    if value == TRUE and provision.rule is not None:
        out.append(prefix + _conclusion(provision, parties, lang))
    return out
