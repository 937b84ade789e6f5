"""The situation report's content: what happened in a period and an area, as one reader
may see it.

Everything is read through the reader's releasability (:func:`visible_clause` and the
domains' own visibility clauses), so the report holds what its reader could read on the
pages and nothing more; exercise reports never count. The figures come with the change on
the previous period of the same length (the previous calendar month for a month) and the
early warning's trend test of that change (:func:`liptako.warning.analytics.trends.compare`:
quasi-Poisson rate ratio of weekly counts, Benjamini-Hochberg across the report's measures).

The context around the incidents (the Charter, assistance, alerts, hotspots, forecasts) is
gathered in :mod:`liptako.reports.sitrep_context`; the document is written by
:mod:`liptako.reports.sitrep_doc`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from liptako.auth.models import User
from liptako.auth.releasability import TLP_LEVELS, Viewer, visible_clause
from liptako.auth.rules import MEMBER_STATES
from liptako.core.errors import RuleViolation
from liptako.incidents.activity import SIDE_ONE
from liptako.incidents.models import Incident, IncidentActor
from liptako.obligations.models import StoredDetermination
from liptako.reports import words
from liptako.warning.analytics.trends import Change, Events, Period, compare
from liptako.warning.trends import parse_period

AREAS = ("all", *MEMBER_STATES)
TOP = 10


@dataclass(frozen=True)
class SitrepRequest:
    """What to report on: a period (``2019-07``, ``2019``, ``2019-07-01:2019-07-14``), an
    area (``all`` or a member state) and a language."""

    period: Period
    country: str
    lang: str

    @classmethod
    def parse(cls, period: str, country: str = "all", lang: str = "fr") -> SitrepRequest:
        code = country.strip()
        code = code.lower() if code.lower() == "all" else code.upper()
        if code not in AREAS:
            raise RuleViolation(f"country: expected one of {', '.join(AREAS)}, got {country!r}")
        if lang not in words.LANGUAGES:
            raise RuleViolation(f"lang: expected one of {', '.join(words.LANGUAGES)}, "
                                f"got {lang!r}")
        return cls(parse_period(period), code, lang)

    @property
    def slug(self) -> str:
        """The period in a file name: ``2019-07``, ``2019``, ``2019-07-01_2019-07-14``."""
        start, end = self.period.start, self.period.end
        if words.whole_month(start, end):
            return start.strftime("%Y-%m")
        if words.whole_year(start, end):
            return str(start.year)
        return start.isoformat() if start == end else f"{start}_{end}"

    @property
    def previous(self) -> Period:
        """The period before, as long: the previous calendar month for a calendar month."""
        start, end = self.period.start, self.period.end
        if words.whole_month(start, end):
            last = start - dt.timedelta(days=1)
            return Period(last.replace(day=1), last)
        days = (end - start).days + 1
        return Period(start - dt.timedelta(days=days), start - dt.timedelta(days=1))


@dataclass(frozen=True)
class Reader:
    """Who the report is built for."""

    user_id: int | None
    username: str
    state: str
    roles: tuple[str, ...]

    @classmethod
    def of(cls, user: User) -> Reader:
        return cls(user.id, user.username, user.state, tuple(user.roles))

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.user_id, self.state, self.roles)


@dataclass(frozen=True)
class Headline:
    measure: str          # events, fatalities
    now: int
    before: int
    verdict: str          # rose, fell, noise, none (the trend test's)
    p_value: float | None  # adjusted (Benjamini-Hochberg); None when nothing to test
    rate_ratio: float | None


@dataclass(frozen=True)
class TypeRow:
    event_type: str
    events: int
    fatalities: int
    before: int
    verdict: str


@dataclass(frozen=True)
class Week:
    monday: dt.date
    events: int
    fatalities: int


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    fatalities: int


@dataclass(frozen=True)
class TopIncident:
    id: int
    occurred_on: dt.date
    iso3: str | None
    place: str
    event_type: str
    fatalities: int
    actors: tuple[str, ...]
    description: str
    engaged: tuple[str, ...]       # "liptako-gourma:6", ...
    undetermined: tuple[str, ...]
    tlp: str


@dataclass
class Sitrep:
    """A situation report's content (the context parts filled by ``sitrep_context``)."""

    request: SitrepRequest
    reader: Reader
    built_at: dt.datetime
    headline: list[Headline]
    types: list[TypeRow]
    weeks: list[Week]
    points: list[Point]
    top: list[TopIncident]
    sources: dict[str, int]
    tlps: Counter[str] = field(default_factory=Counter)  # markings of what went in
    context: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def tlp(self) -> str:
        """The most restricted marking of what the report holds (CLEAR when empty)."""
        held = [TLP_LEVELS.index(t) for t in self.tlps if t in TLP_LEVELS]
        return TLP_LEVELS[max(held, default=0)]


def in_scope(reader: Reader, country: str, span: Period) -> ColumnElement[bool]:
    """The incidents of a report: seen by the reader, in the area and the span, not deleted,
    not an exercise's."""
    where = and_(visible_clause(reader.viewer, Incident), Incident.deleted_at.is_(None),
                 Incident.exercise.is_(False), Incident.occurred_on.between(span.start, span.end))
    return where if country == "all" else and_(where, Incident.iso3 == country)


def latest_month(session: Session, reader: Reader, *, today: dt.date) -> str | None:
    """The latest month (``YYYY-MM``) holding an incident a report on it would count: the
    page's default period. None when there is none."""
    day = session.scalar(select(func.max(Incident.occurred_on)).where(
        visible_clause(reader.viewer, Incident), Incident.deleted_at.is_(None),
        Incident.exercise.is_(False), Incident.occurred_on <= today))
    return day.strftime("%Y-%m") if day else None


def gather(session: Session, request: SitrepRequest, reader: Reader, *,
           now: dt.datetime) -> Sitrep:
    """The report's incident content: figures, weeks, types, map points, the top ten."""
    before, after = request.previous, request.period
    rows: list[Any] = list(session.execute(
        select(Incident.occurred_on, Incident.event_type, Incident.fatalities, Incident.lat,
               Incident.lon, Incident.tlp, Incident.source)
        .where(in_scope(reader, request.country, Period(before.start, after.end)))))
    mine: list[Any] = [r for r in rows if r[0] >= after.start]
    changes = compare(Events(day=np.array([r[0] for r in rows], dtype="datetime64[D]"),
                             area=np.repeat(np.array([request.country]), len(rows)),
                             event_type=np.array([r[1] for r in rows], dtype=np.str_),
                             fatalities=np.array([r[2] or 0 for r in rows], dtype=np.int64)),
                      before, after, areas=[request.country])
    top = top_incidents(session, request, reader)
    report = Sitrep(
        request=request, reader=reader, built_at=now,
        headline=[_headline(changes, m) for m in ("events", "fatalities")],
        types=_types(changes, mine), weeks=_weeks(after, mine),
        points=[Point(r[3], r[4], r[2] or 0) for r in mine
                if r[3] is not None and r[4] is not None],
        top=top, sources=dict(Counter(r[6] for r in mine).most_common()))
    report.tlps.update(r[5] for r in mine)
    return report


def _headline(changes: list[Change], measure: str) -> Headline:
    found = next(c for c in changes if c.measure == measure)
    tested = found.verdict != "none"
    return Headline(measure, found.after, found.before, found.verdict,
                    found.q_value if tested else None, found.rate_ratio if tested else None)


def _types(changes: list[Change], mine: list[Any]) -> list[TypeRow]:
    killed: Counter[str] = Counter()
    for r in mine:
        killed[r[1]] += r[2] or 0
    rows = [TypeRow(c.measure.partition(":")[2], c.after, killed[c.measure.partition(":")[2]],
                    c.before, c.verdict)
            for c in changes if c.measure.startswith("events:")]
    return sorted(rows, key=lambda t: (-t.events, -t.before, t.event_type))


def _weeks(period: Period, mine: list[Any]) -> list[Week]:
    """Monday-to-Sunday weeks over the period (the first and last may be cut by it)."""
    first = period.start - dt.timedelta(days=period.start.weekday())
    count = (period.end - first).days // 7 + 1
    events, killed = [0] * count, [0] * count
    for r in mine:
        k = (r[0] - first).days // 7
        events[k] += 1
        killed[k] += r[2] or 0
    return [Week(first + dt.timedelta(weeks=k), events[k], killed[k]) for k in range(count)]


def top_incidents(session: Session, request: SitrepRequest, reader: Reader) -> list[TopIncident]:
    """The period's most serious incidents: the most fatalities first, then those engaging
    an article of a pact, then the most recent."""
    engaged = (select(StoredDetermination.incident_id)
               .where(StoredDetermination.incident_id == Incident.id,
                      StoredDetermination.engaged != "").exists())
    found = session.scalars(select(Incident)
                            .where(in_scope(reader, request.country, request.period))
                            .order_by(Incident.fatalities.desc().nulls_last(), engaged.desc(),
                                      Incident.occurred_on.desc(), Incident.id.desc())
                            .limit(TOP)).all()
    ids = [i.id for i in found]
    actors: dict[int, list[str]] = {}
    for incident_id, raw, role in session.execute(
            select(IncidentActor.incident_id, IncidentActor.raw, IncidentActor.role)
            .where(IncidentActor.incident_id.in_(ids)).order_by(IncidentActor.id)):
        side = actors.setdefault(incident_id, [])
        if raw and raw not in side:
            side.insert(len(side) if role not in SIDE_ONE else 0, raw)
    marks: dict[int, tuple[list[str], list[str]]] = {}
    for incident_id, pact, yes, maybe in session.execute(
            select(StoredDetermination.incident_id, StoredDetermination.pact_id,
                   StoredDetermination.engaged, StoredDetermination.undetermined)
            .where(StoredDetermination.incident_id.in_(ids))
            .order_by(StoredDetermination.pact_id)):
        mine = marks.setdefault(incident_id, ([], []))
        mine[0].extend(f"{pact}:{a}" for a in yes.split(",") if a)
        mine[1].extend(f"{pact}:{a}" for a in maybe.split(",") if a)
    return [TopIncident(
        id=i.id, occurred_on=i.occurred_on, iso3=i.iso3, place=_place(i),
        event_type=i.event_type, fatalities=i.fatalities or 0,
        actors=tuple(actors.get(i.id, [])), description=_short(i.description or ""),
        engaged=tuple(marks.get(i.id, ([], []))[0]),
        undetermined=tuple(marks.get(i.id, ([], []))[1]), tlp=i.tlp) for i in found]


def _place(incident: Incident) -> str:
    parts = [incident.src_location, incident.admin2_name or incident.admin1_name, incident.iso3]
    seen: list[str] = []
    for p in parts:
        if p and p not in seen:
            seen.append(p)
    return ", ".join(seen)


def _short(text: str, limit: int = 280) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + " …"
