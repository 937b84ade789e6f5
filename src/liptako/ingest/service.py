"""Loading validated records into the registry: insert, update in place with history, or skip.

Each call handles one batch and flushes; the caller commits per batch, so a crash or a kill
leaves every earlier batch stored and the interrupted one not at all.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, cast

from sqlalchemy import CursorResult, Table, select, update
from sqlalchemy.orm import Session, selectinload

from liptako.audit import service as audit
from liptako.core.db import insert_numbered, insert_rows
from liptako.incidents.models import Incident, IncidentActor, IncidentVersion
from liptako.incidents.rules import actor_ids_text, with_derived
from liptako.incidents.service import snapshot
from liptako.ingest.place import Placement, place
from liptako.ingest.records import EventRecord
from liptako.intel.normalise import normalise
from liptako.obligations import service as obligations


@dataclass
class ImportCounts:
    """What an import did; added up over batches."""

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


@functools.lru_cache(maxsize=200_000)
def _actor_matches(raw: str, on: dt.date, source: str) -> tuple[tuple[str | None, str | None,
                                                                      str | None], ...]:
    matches = normalise(raw, on=on, source=source)
    if not matches:
        return ((None, None, None),)
    return tuple((m.actor_id, m.attribution, m.period) for m in matches)


def _unique_runs(records: list[EventRecord]) -> Iterator[list[EventRecord]]:
    """Split a batch where an id repeats, so a later row updates the earlier one."""
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


def load_batch(session: Session, records: list[EventRecord], *, actor: audit.Actor,
               now: dt.datetime, pact_ids: Sequence[str] = ()) -> ImportCounts:
    """Store one batch of records of one source; returns what happened to each.

    With ``pact_ids``, the inserted and updated incidents are evaluated against those pacts in
    the same transaction, so no stored event is ever without its determinations.
    """
    counts = ImportCounts(read=len(records))
    for run in _unique_runs(records):
        counts.add(_load_run(session, run, now=now))
    counts.read = len(records)
    changed = counts.inserted_ids + counts.updated_ids
    if pact_ids and changed:
        obligations.evaluate_incidents(session, obligations.load_incidents(session, changed),
                                       pact_ids=pact_ids, actor=actor, now=now)
    if records:
        audit.record(session, actor=actor, action="incident.import", target_type="import",
                     target_id=records[0].source, now=now,
                     detail={"first_line": records[0].line, "last_line": records[-1].line,
                             **counts.summary()})
    return counts


def _load_run(session: Session, records: list[EventRecord], *, now: dt.datetime) -> ImportCounts:
    counts = ImportCounts()
    source = records[0].source
    placements = place(records)
    existing = {
        inc.source_id: inc for inc in session.scalars(
            select(Incident).options(selectinload(Incident.actors))
            .where(Incident.source == source,
                   Incident.source_id.in_([r.source_id for r in records])))
    }
    new_rows: list[tuple[EventRecord, Placement, str]] = []
    for record, placement in zip(records, placements, strict=True):
        counts.outside_country += placement.outside_country_km is not None
        counts.placed_nearest += placement.admin_method == "nearest"
        digest = record.content_hash()
        current = existing.get(record.source_id)
        if current is None:
            new_rows.append((record, placement, digest))
        elif current.content_hash == digest:
            counts.unchanged += 1
        elif _is_older(record.source_version, current.source_version):
            counts.unchanged += 1
            counts.stale += 1
        else:
            _update(session, current, record, placement, digest, now)
            counts.updated += 1
            counts.updated_ids.append(current.id)
    counts.inserted_ids = _insert(session, new_rows, now)
    counts.inserted = len(new_rows)
    session.flush()
    return counts


def _is_older(incoming: str | None, stored: str | None) -> bool:
    """A vintage older than the stored one never overwrites it (ACLED timestamps are numbers)."""
    if incoming is None or stored is None:
        return False
    try:
        return float(incoming) < float(stored)
    except ValueError:
        return incoming < stored


def _columns(record: EventRecord, placement: Placement, digest: str) -> dict[str, Any]:
    return {
        "source": record.source, "source_id": record.source_id,
        "source_version": record.source_version, "content_hash": digest,
        "occurred_on": record.occurred_on, "occurred_until": record.occurred_until,
        "date_precision": record.date_precision, "lat": record.lat, "lon": record.lon,
        "geo_precision": record.geo_precision, "iso3": record.iso3,
        "admin1_code": placement.admin1_code, "admin1_name": placement.admin1_name,
        "admin2_code": placement.admin2_code, "admin2_name": placement.admin2_name,
        "admin_method": placement.admin_method,
        "outside_country_km": placement.outside_country_km,
        "priogrid_gid": placement.priogrid_gid, "in_liptako_gourma": placement.in_liptako_gourma,
        "src_admin1": record.src_admin[0], "src_admin2": record.src_admin[1],
        "src_admin3": record.src_admin[2], "src_location": record.src_location,
        "event_type": record.event_type, "src_event_type": record.src_event_type,
        "src_sub_event_type": record.src_sub_event_type, "fatalities": record.fatalities,
        "fatalities_low": record.fatalities_low, "fatalities_high": record.fatalities_high,
        "civilian_targeting": record.civilian_targeting, "description": record.description,
        "sources": record.sources, "extra": record.extra or None,
    }


def _actor_rows(incident_id: int | None, record: EventRecord) -> list[dict[str, Any]]:
    rows = []
    for ref in record.actors:
        for actor_id, attribution, period in _actor_matches(ref.raw, record.occurred_on,
                                                            record.source):
            rows.append({"incident_id": incident_id, "role": ref.role, "raw": ref.raw[:300],
                         "actor_id": actor_id, "attribution": attribution, "period": period})
    return rows


def _insert(session: Session, rows: list[tuple[EventRecord, Placement, str]],
            now: dt.datetime) -> list[int]:
    if not rows:
        return []
    actors = [_actor_rows(None, r) for r, _p, _d in rows]
    values = [with_derived({**_columns(r, p, d), "version": 1, "tlp": "CLEAR", "audience": "",
                            "originator": r.source.upper(), "created_at": now,
                            "updated_at": now}, (a["actor_id"] for a in acts))
              for (r, p, d), acts in zip(rows, actors, strict=True)]
    ids = insert_numbered(session, Incident, values)
    actor_rows = [{**a, "incident_id": iid} for acts, iid in zip(actors, ids, strict=True)
                  for a in acts]
    insert_rows(session, cast(Table, IncidentActor.__table__), actor_rows)
    return ids


def _update(session: Session, incident: Incident, record: EventRecord, placement: Placement,
            digest: str, now: dt.datetime) -> None:
    session.add(IncidentVersion(incident_id=incident.id, version=incident.version,
                                source_version=incident.source_version, superseded_at=now,
                                snapshot=snapshot(incident)))
    for name, value in _columns(record, placement, digest).items():
        setattr(incident, name, value)
    incident.version += 1
    incident.updated_at = now
    incident.actors.clear()
    session.flush()
    actor_rows = _actor_rows(incident.id, record)
    insert_rows(session, cast(Table, IncidentActor.__table__), actor_rows)
    incident.actor_ids = actor_ids_text(a["actor_id"] for a in actor_rows)
    session.expire(incident, ["actors"])


def apply_deletions(session: Session, source: str, source_ids: Iterable[str], *,
                    actor: audit.Actor, now: dt.datetime, reason: str) -> int:
    """Mark events deleted by their source; nothing is erased and history stays."""
    ids = sorted(set(source_ids))
    marked = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        result = session.execute(
            update(Incident)
            .where(Incident.source == source, Incident.source_id.in_(chunk),
                   Incident.deleted_at.is_(None))
            .values(deleted_at=now, deleted_reason=reason[:200], updated_at=now)
            .execution_options(synchronize_session=False))
        marked += cast(CursorResult[Any], result).rowcount or 0
    if ids:
        audit.record(session, actor=actor, action="incident.delete", target_type="import",
                     target_id=source, now=now, detail={"listed": len(ids), "marked": marked,
                                                        "reason": reason})
    return marked
