"""The rotating presidency as dated data: who convenes the Alliance's votes on a given day.

>>> import datetime as dt
>>> presidency_on(dt.date(2025, 1, 10))
'MLI'
>>> presidency_on(dt.date(2025, 12, 23))
'BFA'
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib.resources import files

import yaml

from liptako.core.errors import RuleViolation

DATA_FILE = "presidency.yaml"


@dataclass(frozen=True)
class Term:
    """One presidency: a state from a date until the next term begins."""

    state: str
    holder: str
    starts_on: dt.date
    source: str


@functools.cache
def terms() -> tuple[Term, ...]:
    """Every recorded term, oldest first."""
    text = files("liptako.assistance").joinpath("data", DATA_FILE).read_text("utf-8")
    data = yaml.safe_load(text)
    out = tuple(sorted(
        (Term(state=str(t["state"]), holder=str(t["holder"]),
              starts_on=dt.date.fromisoformat(str(t["from"])), source=str(t["source"]))
         for t in data["terms"]), key=lambda t: t.starts_on))
    if not out:
        raise ValueError(f"{DATA_FILE}: expected at least one term, got none")
    return out


def term_on(day: dt.date) -> Term:
    """The term in office on ``day``; refuses a day before the first recorded term."""
    current = None
    for term in terms():
        if term.starts_on <= day:
            current = term
    if current is None:
        first = terms()[0]
        raise RuleViolation(f"presidency: no presidency is recorded on {day}; the first term "
                            f"({first.state}) began on {first.starts_on}")
    return current


def presidency_on(day: dt.date) -> str:
    """ISO3 code of the state holding the presidency on ``day``."""
    return term_on(day).state
