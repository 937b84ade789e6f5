"""Recording incidents, whatever their source: the one path from a national report or an
imported batch to stored incidents, their versions, determinations and duties, and the audit.

Every record takes the same steps: its actors resolved to canonical ones, its point placed on
the project's own map, its row written (new, or a new version of the stored event, the old
one kept), the configured pacts evaluated, the whole audited. A report (the API, the report
form) is one incident, audited with its content; an import batch (ACLED, UCDP) is audited as
one entry naming its file lines and what happened to them. Functions flush, never commit:
the request or the command owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liptako.audit import service as audit
from liptako.incidents import service as incidents
from liptako.incidents.models import Incident, IncidentActor
from liptako.incidents.place import place
from liptako.incidents.rules import is_older
from liptako.incidents.schemas import EventRecord, IncidentIn
from liptako.intel import service as intel
from liptako.intel.actors import ActorRegistry
from liptako.intel.normalise import normalise
from liptako.obligations import service as obligations


@dataclass
class ImportCounts:
    """What recording did to each record; added up over batches."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    stale: int = 0
    outside_country: int = 0
    placed_nearest: int = 0
    deleted: int = 0
    inserted_ids: list[int] = field(default_factory=list, repr=False)
    updated_ids: list[int] = field(default_factory=list, repr=False)

    def add(self, other: ImportCounts) -> None:
        for f in fields(self):
            if f.name in ("inserted_ids", "updated_ids"):
                getattr(self, f.name).extend(getattr(other, f.name))
            else:
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def summary(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("inserted_ids", "updated_ids")}


def record_report(session: Session, payload: IncidentIn, *, actor: audit.Actor, state: str,
                  pact_ids: Sequence[str], now: dt.datetime) -> Incident:
    """Record a national report for ``state``: stored, evaluated, audited as ``actor``'s."""
    record = incidents.report_record(payload, state=state, reporter_id=actor.id)
    _counts, (incident,) = _store(session, [record], existing={}, now=now,  # a new id
                                  registry=intel.registry(session))
    obligations.evaluate_incidents(session, [incident], pact_ids=pact_ids, actor=actor, now=now,
                                   new=True)
    audit.record(session, actor=actor, action="incident.create", target_type="incident",
                 target_id=incident.id, now=now, after=incidents.snapshot(incident))
    return incident


def record_batch(session: Session, records: Sequence[EventRecord], *, actor: audit.Actor,
                 now: dt.datetime, pact_ids: Sequence[str] = ()) -> ImportCounts:
    """Record one batch of a source's events: new ones inserted, changed ones updated with
    their earlier version kept, unchanged or older ones left alone; the inserted and updated
    ones evaluated against ``pact_ids`` in the same transaction, so that no stored event is
    ever without its determinations."""
    counts = ImportCounts()
    changed: list[Incident] = []
    registry = intel.registry(session)  # with the names analysts added
    for run in _unique_runs(records):
        run_counts, run_changed = _store(session, run, existing=_stored(session, run), now=now,
                                         registry=registry)
        counts.add(run_counts)
        changed += run_changed
    counts.read = len(records)
    obligations.evaluate_incidents(session, changed, pact_ids=pact_ids, actor=actor, now=now)
    if records:
        audit.record(session, actor=actor, action="incident.import", target_type="import",
                     target_id=records[0].source, now=now,
                     detail={"first_line": records[0].line, "last_line": records[-1].line,
                             **counts.summary()})
    return counts


def _unique_runs(records: Sequence[EventRecord]) -> Iterator[list[EventRecord]]:
    """Split a batch where an id repeats, so that a later row updates the earlier one."""
    seen: set[str] = set()
    run: list[EventRecord] = []
    for record in records:
        if record.source_id in seen:
            yield run
            run, seen = [], set()
        seen.add(record.source_id)
        run.append(record)
    if run:
        yield run


def _stored(session: Session, records: list[EventRecord]) -> dict[str, Incident]:
    """The stored incidents of records of one source, by their id at the source."""
    return {incident.source_id: incident for incident in session.scalars(
        select(Incident).options(selectinload(Incident.actors))
        .where(Incident.source == records[0].source,
               Incident.source_id.in_([r.source_id for r in records])))}


def _store(session: Session, records: list[EventRecord], *, existing: dict[str, Incident],
           now: dt.datetime, registry: ActorRegistry) -> tuple[ImportCounts, list[Incident]]:
    """Write records of one source with distinct ids, ``existing`` those already stored; the
    incidents inserted or updated."""
    counts = ImportCounts(read=len(records))
    added: list[Incident] = []
    updated: list[Incident] = []
    for record, placement in zip(records, place(records), strict=True):
        counts.outside_country += placement.outside_country_km is not None
        counts.placed_nearest += placement.admin_method == "nearest"
        current = existing.get(record.source_id)
        if current is None:
            added.append(incidents.new_incident(record, placement, _actors(record, registry),
                                                now=now))
        elif current.content_hash == record.content_hash():
            counts.unchanged += 1
        elif is_older(record.source_version, current.source_version):
            counts.unchanged += 1
            counts.stale += 1
        else:
            incidents.new_version(session, current, record, placement, _actors(record, registry),
                                  now=now)
            updated.append(current)
    session.add_all(added)
    session.flush()
    counts.inserted, counts.inserted_ids = len(added), [i.id for i in added]
    counts.updated, counts.updated_ids = len(updated), [i.id for i in updated]
    return counts, added + updated


def _actors(record: EventRecord, registry: ActorRegistry) -> list[IncidentActor]:
    """The record's actors, each linked to the canonical actors its name resolves to (one
    row per match; one unlinked row when none)."""
    return [IncidentActor(role=ref.role, raw=ref.raw[:300], actor_id=actor_id,
                          attribution=attribution, period=period)
            for ref in record.actors
            for actor_id, attribution, period in _matches(ref.raw, record.occurred_on,
                                                          record.source, registry)]


@functools.lru_cache(maxsize=200_000)
def _matches(raw: str, on: dt.date, source: str, registry: ActorRegistry
             ) -> tuple[tuple[str | None, str | None, str | None], ...]:
    """Resolved once per name, day, source and registry in effect: an import repeats the
    same few hundred names."""
    found = normalise(raw, on=on, source=source, registry=registry)
    if not found:
        return ((None, None, None),)
    return tuple((m.actor_id, m.attribution, m.period) for m in found)
