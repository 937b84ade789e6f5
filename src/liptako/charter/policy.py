"""Interpretive readings as named settings: defaults come from the pact file, a POLICY.yaml
overrides some of them.

A policy file is a flat mapping of setting names to values, for example::

    common_space: liptako_gourma
    non_state_attack_on_sovereignty: engaged

A name the pact does not declare, or a value outside the setting's choices, is an error naming
the file, the setting and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from liptako.charter.errors import InvalidPolicy
from liptako.charter.pactcheck import COMMON_SPACE
from liptako.charter.pacts import Pact

UNION_OF_TERRITORIES = "union_of_territories"


@dataclass(frozen=True)
class Policy:
    """The value of every setting of one pact, and which of them a policy file overrode."""

    pact_id: str
    values: Mapping[str, str | bool]
    overridden: frozenset[str] = field(default_factory=frozenset)

    def __getitem__(self, name: str) -> str | bool:
        return self.values[name]

    def text(self, name: str) -> str:
        """A setting that holds a word (``ask``, ``liptako_gourma``...)."""
        return str(self.values[name])

    @property
    def common_space(self) -> str:
        """``union_of_territories`` or the named area the common space is narrowed to."""
        return str(self.values.get(COMMON_SPACE, UNION_OF_TERRITORIES))


def _show(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value).lower()


def make_policy(pact: Pact, overrides: Mapping[str, Any] | None = None, *,
                source: str = "policy") -> Policy:
    """The pact's defaults with ``overrides`` applied; unknown names and values are errors."""
    values: dict[str, str | bool] = {n: s.default for n, s in pact.settings.items()}
    problems: list[str] = []
    for name, value in (overrides or {}).items():
        setting = pact.settings.get(str(name))
        if setting is None:
            known = ", ".join(sorted(pact.settings)) or "(none)"
            problems.append(f"{source}: {name}: unknown setting for {pact.id}; "
                            f"expected one of {known}")
        elif value not in setting.choices or type(value) is not type(setting.default):
            choices = ", ".join(_show(c) for c in setting.choices)
            problems.append(f"{source}: {name}: expected one of {choices}, got {_show(value)}")
        else:
            values[setting.name] = value
    if problems:
        raise InvalidPolicy(problems)
    return Policy(pact.id, MappingProxyType(values), frozenset(overrides or {}))


def default_policy(pact: Pact) -> Policy:
    """The readings the pact file declares as defaults."""
    return make_policy(pact)


def load_policy(path: str | Path, pact: Pact) -> Policy:
    """Read a POLICY.yaml and apply it to the pact's defaults."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise InvalidPolicy([f"{path}: expected a readable policy file, got {exc.strerror}"]) \
            from None
    except yaml.YAMLError as exc:
        raise InvalidPolicy([f"{path}: expected YAML, got a syntax error: {exc}"]) from None
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise InvalidPolicy([f"{path}: expected a mapping of setting names to values, "
                             f"got {type(data).__name__}"])
    return make_policy(pact, data, source=str(path))
