import dataclasses
import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.core.geo import BORDER_TOLERANCE_KM, admin_index
from liptako.incidents.models import Incident, IncidentActor, IncidentVersion
from liptako.incidents.schemas import EventRecord
from liptako.ingest.acled import read_acled
from liptako.ingest.service import apply_deletions
from liptako.obligations.recording import ImportCounts
from liptako.obligations.recording import record_batch as load_batch

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def _records(path: Path, limit: int | None = None) -> list[EventRecord]:
    with path.open(encoding="utf-8", newline="") as handle:
        out = [p for p in read_acled(handle, today=TODAY) if isinstance(p, EventRecord)]
    return out[:limit] if limit else out


def _load(session: Session, records: list[EventRecord], size: int = 2000) -> ImportCounts:
    total = ImportCounts()
    for start in range(0, len(records), size):
        total.add(load_batch(session, records[start:start + size], actor=audit.SYSTEM, now=NOW))
    return total


def test_reimport_changes_nothing(session: Session, acled_dyadic: Path) -> None:
    records = _records(acled_dyadic)
    n = len(records)
    first = _load(session, records)
    assert (first.inserted, first.updated, first.unchanged) == (n, 0, 0)
    second = _load(session, records)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, n)
    assert session.scalar(select(func.count()).select_from(Incident)) == n


def test_newer_vintage_updates_in_place_and_keeps_the_old(session: Session,
                                                         acled_dyadic: Path) -> None:
    record = _records(acled_dyadic, 1)[0]
    _load(session, [record])
    newer = dataclasses.replace(record, fatalities=(record.fatalities or 0) + 5,
                                source_version=str(int(record.source_version or 0) + 100))
    counts = _load(session, [newer])
    assert counts.updated == 1
    incident = session.scalars(select(Incident).where(Incident.source_id == record.source_id)
                               ).one()
    assert incident.version == 2 and incident.fatalities == newer.fatalities
    old = session.scalars(select(IncidentVersion).where(IncidentVersion.incident_id ==
                                                        incident.id)).one()
    assert old.version == 1 and old.snapshot["fatalities"] == record.fatalities
    assert old.snapshot["source_version"] == record.source_version
    older = dataclasses.replace(record, fatalities=999)
    assert _load(session, [older]).stale == 1
    session.refresh(incident)
    assert incident.fatalities == newer.fatalities


def test_monadic_after_dyadic_adds_only_new_events(session: Session, acled_dyadic: Path,
                                                  acled_monadic: Path) -> None:
    dyadic = [r for r in _records(acled_dyadic) if r.iso3 == "MLI"]
    _load(session, dyadic)
    monadic = _records(acled_monadic)
    counts = _load(session, monadic)
    new_ids = {r.source_id for r in monadic} - {r.source_id for r in dyadic}
    assert 0 < len(new_ids) < len(monadic)  # the excerpts overlap, as the full files do
    assert counts.inserted == len(new_ids)
    assert counts.updated == len(monadic) - len(new_ids)  # a newer vintage of the same events
    total = session.scalar(select(func.count()).select_from(Incident)
                           .where(Incident.source == "acled"))
    assert total == len(dyadic) + len(new_ids)


def test_points_are_placed_and_border_cases_flagged(session: Session,
                                                   acled_dyadic: Path) -> None:
    records = _records(acled_dyadic)
    counts = _load(session, records)
    # the rows whose point lies in no unit of the country they name, by the plain point test
    index = admin_index()
    stated = index.country_of([r.lat for r in records], [r.lon for r in records])
    across = {r.source_id for r, c in zip(records, stated, strict=True) if c != r.iso3}
    assert 0 < counts.outside_country == len(across) < counts.read
    live = select(Incident).where(Incident.source == "acled")
    placed = session.scalar(select(func.count()).select_from(Incident).where(
        Incident.source == "acled", Incident.admin1_code.is_not(None)))
    assert placed == counts.read
    djibo = session.scalars(live.where(Incident.src_location == "Djibo")).first()
    assert djibo is not None
    assert (djibo.iso3, djibo.admin2_name, djibo.admin1_name) == ("BFA", "Soum", "Sahel")
    assert djibo.in_liptako_gourma is True
    flagged = session.scalars(live.where(Incident.outside_country_km.is_not(None))).all()
    assert {i.source_id for i in flagged} == across
    assert all(i.admin_method == "nearest" for i in flagged)
    assert all(0 < i.outside_country_km <= BORDER_TOLERANCE_KM  # type: ignore[operator]
               for i in flagged)
    assert all(i.admin1_code.startswith(i.iso3) for i in flagged)  # type: ignore[union-attr]


def test_actors_are_normalised(session: Session, acled_dyadic: Path) -> None:
    _load(session, _records(acled_dyadic))
    rows = session.execute(select(IncidentActor.raw, IncidentActor.actor_id,
                                  IncidentActor.attribution)).all()
    mapped = [r for r in rows if r.actor_id]
    assert len(mapped) / len(rows) > 0.9
    compound = [r for r in rows if " and/or " in r.raw]
    assert compound and all(r.attribution == "uncertain" for r in compound)


def test_deletions_mark_without_erasing(session: Session, acled_dyadic: Path) -> None:
    records = _records(acled_dyadic, 10)
    _load(session, records)
    marked = apply_deletions(session, "acled", [records[0].source_id, "MLI999999"],
                             actor=audit.SYSTEM, now=NOW, reason="test")
    assert marked == 1
    incident = session.scalars(select(Incident).where(
        Incident.source_id == records[0].source_id)).one()
    assert incident.deleted_at is not None and incident.description
    assert apply_deletions(session, "acled", [records[0].source_id], actor=audit.SYSTEM,
                           now=NOW, reason="again") == 0


def test_each_batch_is_audited(session: Session, acled_dyadic: Path) -> None:
    before = audit.verify_chain(session).entries
    _load(session, _records(acled_dyadic, 30), size=10)
    report = audit.verify_chain(session)
    assert report.intact and report.entries == before + 3
