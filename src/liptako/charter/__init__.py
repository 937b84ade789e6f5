"""Treaty-as-code: pact definitions (data files) and a pure evaluation engine.

Public API::

    load_pact("aes-2023") -> Pact                 # or a path to a pact file
    parse_incidents(data) / load_incidents(text)  # validated IncidentFacts
    make_policy(pact, {...}) / load_policy(path, pact)
    evaluate(facts, pact, policy) -> Determination  (.to_dict(); to_json([...]))
    evaluate_frame(FactsFrame, pact, policy) -> BulkDeterminations  (vectorised)
    collective_decision(pact, votes, on=date, policy=policy) -> CollectiveDecision
"""

from liptako.charter.bulk import BulkDeterminations
from liptako.charter.decisions import CollectiveDecision, collective_decision
from liptako.charter.engine import (
    Determination,
    ProvisionDetermination,
    evaluate,
    evaluate_all,
    to_json,
)
from liptako.charter.errors import CharterError, InvalidFacts, InvalidPact, InvalidPolicy
from liptako.charter.facts import IncidentFacts, load_incidents, parse_incident, parse_incidents
from liptako.charter.frame import FactsFrame
from liptako.charter.pacts import Pact, available_pacts, load_pact
from liptako.charter.placer import GeoPlacer, KnownPoints, Placer, TablePlacer
from liptako.charter.policy import Policy, default_policy, load_policy, make_policy
from liptako.charter.vectorized import evaluate_frame

__all__ = [
    "BulkDeterminations",
    "CharterError",
    "CollectiveDecision",
    "Determination",
    "FactsFrame",
    "GeoPlacer",
    "IncidentFacts",
    "InvalidFacts",
    "InvalidPact",
    "InvalidPolicy",
    "KnownPoints",
    "Pact",
    "Placer",
    "Policy",
    "ProvisionDetermination",
    "TablePlacer",
    "available_pacts",
    "collective_decision",
    "default_policy",
    "evaluate",
    "evaluate_all",
    "evaluate_frame",
    "load_incidents",
    "load_pact",
    "load_policy",
    "make_policy",
    "parse_incident",
    "parse_incidents",
    "to_json",
]
