"""Errors of the charter engine: bad facts, bad pact files, bad policy files.

Each carries the list of problems found, every one naming where (incident or file, field path)
and what was expected, so a caller can print them all at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from liptako.core.errors import RuleViolation


class CharterError(RuleViolation):
    """Input to the charter engine that breaks its contract; ``problems`` lists each fault."""

    code = "charter_invalid"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class InvalidFacts(CharterError):
    """Incident facts that do not follow CHARTER_CONTRACT.md."""

    code = "invalid_facts"


class InvalidPact(CharterError):
    """A pact definition file that fails its schema or its consistency checks."""

    code = "invalid_pact"


class InvalidPolicy(CharterError):
    """A policy file naming an unknown setting or a value outside the setting's choices."""

    code = "invalid_policy"
