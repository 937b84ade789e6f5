"""Evaluate incidents against a pact, one at a time: facts in, determinations out.

>>> from liptako.charter import evaluate, load_pact, parse_incident
>>> facts = parse_incident({"id": "S1", "occurred_on": "2024-02-01",
...                         "location": {"country": "NER"},
...                         "perpetrator": {"kind": "international_organization"}})
>>> det = evaluate(facts, load_pact("aes-2023"))
>>> [(p.article, p.status) for p in det.provisions][2]
('6', 'engaged')

:meth:`Determination.to_dict` and :func:`to_json` give the JSON of CHARTER_CONTRACT.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from liptako.charter.atoms import common_space_finding
from liptako.charter.facts import IncidentFacts
from liptako.charter.logic import FALSE, TRUE, UNKNOWN, decisive, missing_names
from liptako.charter.pacts import Pact, Provision
from liptako.charter.placer import Placer, default_placer
from liptako.charter.policy import Policy, default_policy
from liptako.charter.reasons import reason_context, render
from liptako.charter.rules import Outcome, Situation, evaluate_rule, situate

STATUS = {TRUE: "engaged", FALSE: "not_engaged", UNKNOWN: "undetermined"}


@dataclass(frozen=True)
class ProvisionDetermination:
    """Whether one operative provision is engaged, who owes what to whom, what is missing."""

    article: str
    status: str
    owed_by: tuple[str, ...] = ()
    beneficiary: str | None = None
    respondent: str | None = None
    missing: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "status": self.status, "owed_by": list(self.owed_by),
                "beneficiary": self.beneficiary, "respondent": self.respondent,
                "missing": list(self.missing), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Determination:
    """The result for one incident under one pact."""

    id: str
    pact: str
    in_force: bool
    territory: str | None
    in_common_space: bool | None
    provisions: tuple[ProvisionDetermination, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "pact": self.pact, "in_force": self.in_force,
                "territory": self.territory, "in_common_space": self.in_common_space,
                "provisions": [p.to_dict() for p in self.provisions]}

    def provision(self, article: str) -> ProvisionDetermination:
        for p in self.provisions:
            if p.article == article:
                return p
        raise KeyError(f"expected an operative article of {self.pact}, got {article!r}")


def to_json(determinations: Iterable[Determination], *, indent: int | None = 1) -> str:
    """The JSON document the CLI prints: a list, in input order."""
    return json.dumps([d.to_dict() for d in determinations], ensure_ascii=False, indent=indent)


def provision_determination(provision: Provision, outcome: Outcome, context: dict[str, Any],
                            pact: Pact, lang: str) -> ProvisionDetermination:
    """Render an outcome (shared by the one-by-one and the vectorised evaluators)."""
    findings = decisive(outcome.groups, outcome.value)
    parties = (outcome.owed_by, outcome.beneficiary, outcome.respondent)
    reasons = render(findings, outcome.value, provision, parties, context, pact, lang)
    return ProvisionDetermination(
        article=provision.article, status=STATUS[outcome.value], owed_by=outcome.owed_by,
        beneficiary=outcome.beneficiary, respondent=outcome.respondent,
        missing=tuple(missing_names(outcome.missing)), reasons=tuple(reasons))


def in_common_space(s: Situation, policy: Policy) -> bool | None:
    """True, False, or None when unknown."""
    value = common_space_finding(s, policy).value
    return None if value == UNKNOWN else value == TRUE


def evaluate(facts: IncidentFacts, pact: Pact, policy: Policy | None = None, *,
             placer: Placer | None = None, lang: str = "en") -> Determination:
    """Every operative provision of ``pact`` for one incident."""
    policy = policy or default_policy(pact)
    s = situate(facts, pact, policy, placer or default_placer())
    context = reason_context(facts, pact, policy, s.territory, lang)
    provisions = []
    for provision in pact.operative_provisions:
        assert provision.rule is not None
        outcome = evaluate_rule(s, pact, provision.rule, policy)
        provisions.append(provision_determination(provision, outcome, context, pact, lang))
    return Determination(id=facts.id, pact=pact.id, in_force=s.in_force, territory=s.territory,
                         in_common_space=in_common_space(s, policy),
                         provisions=tuple(provisions))


def evaluate_all(incidents: Sequence[IncidentFacts], pact: Pact, policy: Policy | None = None,
                 *, placer: Placer | None = None, lang: str = "en") -> list[Determination]:
    """:func:`evaluate` for each incident, in order."""
    policy = policy or default_policy(pact)
    placer = placer or default_placer()
    return [evaluate(f, pact, policy, placer=placer, lang=lang) for f in incidents]
