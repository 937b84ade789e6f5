"""Collective decisions: unanimity with the abstention setting, consensus, and policy loading."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from liptako.charter import InvalidFacts, InvalidPolicy, Pact, load_policy, make_policy
from liptako.charter.decisions import collective_decision

ON = dt.date(2024, 6, 1)


def decide(pact: Pact, votes: dict[str, str], **settings: object) -> str:
    return collective_decision(pact, votes, on=ON, policy=make_policy(pact, settings)).status


def test_unanimity_any_one_blocks(aes: Pact) -> None:
    assert decide(aes, {"BFA": "yes", "MLI": "yes", "NER": "yes"}) == "adopted"
    assert decide(aes, {"BFA": "yes", "MLI": "no"}) == "rejected"
    assert decide(aes, {"BFA": "yes", "MLI": "yes"}) == "pending"


def test_abstention_blocks_unless_the_setting_says_otherwise(aes: Pact) -> None:
    votes = {"BFA": "yes", "MLI": "abstain", "NER": "yes"}
    assert decide(aes, votes) == "rejected"
    assert decide(aes, votes, abstention_blocks=False) == "adopted"
    assert decide(aes, {"BFA": "abstain", "MLI": "abstain", "NER": "abstain"},
                  abstention_blocks=False) == "rejected"


def test_excluded_respondent_and_bad_votes(aes: Pact) -> None:
    decision = collective_decision(aes, {"BFA": "yes", "NER": "yes"}, on=ON,
                                   policy=make_policy(aes), exclude=["MLI"])
    assert (decision.status, decision.voters) == ("adopted", ("BFA", "NER"))
    with pytest.raises(InvalidFacts, match=r"votes\.FRA: expected a voting party"):
        decide(aes, {"FRA": "yes"})
    with pytest.raises(InvalidFacts, match=r"votes\.BFA: expected one of yes, no, abstain"):
        decide(aes, {"BFA": "maybe"})


def test_consensus_abstention_never_blocks(nato: Pact) -> None:
    members = nato.members_on(ON)
    votes = dict.fromkeys(members, "yes") | {"FRA": "abstain"}
    assert decide(nato, votes) == "adopted"
    assert decide(nato, votes | {"TUR": "no"}) == "rejected"


def test_policy_file_errors(aes: Pact, tmp_path: Path) -> None:
    path = tmp_path / "POLICY.yaml"
    path.write_text("abstention_blocks: 'no'\n", "utf-8")
    with pytest.raises(InvalidPolicy, match='abstention_blocks: expected one of true, false, '
                                            'got "no"'):
        load_policy(path, aes)
    path.write_text("", "utf-8")
    assert load_policy(path, aes).values == make_policy(aes).values
    with pytest.raises(InvalidPolicy, match="expected a readable policy file"):
        load_policy(tmp_path / "absent.yaml", aes)
