"""Collective decisions under a pact's decision rule: a duty can be engaged (computed by the
rules) while the collective action it calls for still needs the parties' vote.

``unanimity``: every voter must vote yes; a no blocks; an abstention blocks unless the pact's
abstention setting says otherwise. ``consensus``: adopted once every voter has spoken and none
objects (abstentions never block).

>>> import datetime as dt
>>> from liptako.charter import load_pact, default_policy
>>> aes = load_pact("aes-2023")
>>> collective_decision(aes, {"BFA": "yes", "MLI": "yes"}, on=dt.date(2024, 1, 5),
...                     policy=default_policy(aes)).status
'pending'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from liptako.charter.errors import InvalidFacts
from liptako.charter.pacts import Pact
from liptako.charter.policy import Policy

VOTES = ("yes", "no", "abstain")


@dataclass(frozen=True)
class CollectiveDecision:
    """``adopted``, ``rejected`` or ``pending`` (votes still missing), with reasons."""

    status: str
    voters: tuple[str, ...]
    waiting_for: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


def _check(votes: Mapping[str, str], voters: tuple[str, ...], pact: Pact, on: dt.date) -> None:
    problems = [f"votes.{who}: expected one of {', '.join(VOTES)}, got {vote!r}"
                for who, vote in votes.items() if vote not in VOTES]
    problems += [f"votes.{who}: expected a voting party of {pact.id} on {on}, got a non-voter"
                 for who in votes if who not in voters]
    if problems:
        raise InvalidFacts(problems)


def collective_decision(pact: Pact, votes: Mapping[str, str], *, on: dt.date, policy: Policy,
                        exclude: Iterable[str] = ()) -> CollectiveDecision:
    """Apply the pact's decision rule to ``votes`` (party -> yes/no/abstain) cast on ``on``.

    ``exclude`` removes parties from the vote (e.g. the respondent of a non-aggression case).
    """
    rule = pact.decision_rule
    voters = tuple(p for p in pact.members_on(on) if p not in set(exclude))
    _check(votes, voters, pact, on)
    noes = tuple(p for p in voters if votes.get(p) == "no")
    abstentions = tuple(p for p in voters if votes.get(p) == "abstain")
    waiting = tuple(p for p in voters if p not in votes)
    blocks = rule.kind == "unanimity" and (
        rule.abstention_setting is None or bool(policy[rule.abstention_setting]))
    if noes:
        return CollectiveDecision("rejected", voters, waiting,
                                  (f"{rule.kind}: blocked by a no from {', '.join(noes)}",))
    if abstentions and blocks:
        return CollectiveDecision("rejected", voters, waiting,
                                  (f"{rule.kind}: blocked by the abstention of "
                                   f"{', '.join(abstentions)}",))
    if waiting:
        return CollectiveDecision("pending", voters, waiting,
                                  (f"{rule.kind}: waiting for {', '.join(waiting)}",))
    if not any(votes.get(p) == "yes" for p in voters):
        return CollectiveDecision("rejected", voters, (), (f"{rule.kind}: no party voted yes",))
    return CollectiveDecision("adopted", voters, (),
                              (f"{rule.kind} of {', '.join(voters)} reached",))
