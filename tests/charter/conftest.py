"""Fixtures of the charter engine tests: the shipped pacts, the geo placer, an evaluator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from liptako.charter import (
    Determination,
    IncidentFacts,
    Pact,
    evaluate,
    load_pact,
    make_policy,
    parse_incident,
)
from liptako.charter.placer import GeoPlacer

Run = Callable[..., Determination]


@pytest.fixture(scope="session")
def aes() -> Pact:
    return load_pact("aes-2023")


@pytest.fixture(scope="session")
def ecowas() -> Pact:
    return load_pact("ecowas-1981")


@pytest.fixture(scope="session")
def nato() -> Pact:
    return load_pact("nato-1949")


@pytest.fixture(scope="session")
def geo() -> GeoPlacer:
    return GeoPlacer()


def build_facts(**fields: Any) -> IncidentFacts:
    return parse_incident({"id": "T", "occurred_on": "2024-06-01", **fields})


@pytest.fixture
def run(aes: Pact, geo: GeoPlacer) -> Run:
    """Evaluate facts given as keywords (id and date defaulted); ``pact=``, ``policy={...}``,
    ``lang=`` optional."""

    def _run(pact: Pact | None = None, policy: dict[str, Any] | None = None, lang: str = "en",
             **fields: Any) -> Determination:
        the_pact = pact or aes
        return evaluate(build_facts(**fields), the_pact, make_policy(the_pact, policy or {}),
                        placer=geo, lang=lang)

    return _run
