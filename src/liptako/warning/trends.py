"""Trend evidence from the registry: each area's change between two periods, tested
(:mod:`liptako.warning.analytics.trends`) and said in words (:mod:`liptako.warning.words`).

Exercise incidents never count; the viewer sees only what releasability lets it see (None:
the whole registry, for the operator's command line).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liptako.auth.releasability import Viewer, visible_clause
from liptako.auth.rules import STATE_NAMES
from liptako.core.errors import RuleViolation
from liptako.core.geo import admin_index
from liptako.incidents.models import Incident
from liptako.warning.analytics.trends import Change, Events, Period, compare

LEVELS = ("adm1", "country")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(text: str, field: str = "period") -> Period:
    """``2019`` (a year), ``2019-03`` (a month), ``2019-03-15`` (a day), or two of them joined
    by ``:`` (from the first's first day to the second's last)."""
    first, _, last = text.strip().partition(":")
    try:
        start = _bounds(first)[0]
        end = _bounds(last or first)[1]
        return Period(start, end)
    except ValueError as exc:
        raise RuleViolation(f"{field}: expected YYYY, YYYY-MM or YYYY-MM-DD, or two of them "
                            f"joined by ':', got {text!r} ({exc})") from None


def _bounds(text: str) -> tuple[dt.date, dt.date]:
    if match := _YEAR.match(text):
        year = int(match[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    day = dt.date.fromisoformat(text)
    return day, day


@dataclass(frozen=True)
class TrendReport:
    level: str
    before: Period
    after: Period
    names: dict[str, tuple[str, str]]  # area -> (English, French) name
    changes: list[Change]


def trend_report(session: Session, viewer: Viewer | None, *, level: str, before: Period,
                 after: Period, by_type: bool = True) -> TrendReport:
    """Every area's change in events and fatalities from ``before`` to ``after``."""
    if level not in LEVELS:
        raise RuleViolation(f"area: expected one of {', '.join(LEVELS)}, got {level!r}")
    if before.end >= after.start:
        raise RuleViolation(f"periods: expected the first ({before}) to end before the "
                            f"second ({after}) starts")
    names = _area_names(level)
    events = _events(session, viewer, level, Period(before.start, after.end))
    changes = compare(events, before, after, areas=sorted(names), by_type=by_type)
    return TrendReport(level, before, after, names, changes)


def _area_names(level: str) -> dict[str, tuple[str, str]]:
    """The areas compared, all of them (also those without events): the shipped units."""
    if level == "country":
        return {code: (name, name) for code, name in STATE_NAMES.items()}
    return {u.code: (f"{u.name} ({u.iso3})", f"{u.name_fr or u.name} ({u.iso3})")
            for u in admin_index().units if u.level == 1}


def _events(session: Session, viewer: Viewer | None, level: str, span: Period) -> Events:
    # a shipped unit is admin-2 in Burkina Faso (its provinces), admin-1 elsewhere
    area = Incident.iso3 if level == "country" else \
        func.coalesce(Incident.admin2_code, Incident.admin1_code)
    stmt = (select(Incident.occurred_on, area, Incident.event_type, Incident.fatalities)
            .where(Incident.deleted_at.is_(None), Incident.exercise.is_(False),
                   Incident.occurred_on.between(span.start, span.end), area.is_not(None)))
    if viewer is not None:
        stmt = stmt.where(visible_clause(viewer, Incident))
    rows = session.execute(stmt).all()
    return Events(day=np.array([r[0] for r in rows], dtype="datetime64[D]"),
                  area=np.array([r[1] for r in rows], dtype=np.str_),
                  event_type=np.array([r[2] for r in rows], dtype=np.str_),
                  fatalities=np.array([r[3] or 0 for r in rows], dtype=np.int64))
