"""The migration path to an incident table partitioned by month (deploy/postgres/
partition_incidents.sql, docs/scale.md), applied inside the test's transaction on PostgreSQL:
every row and reference kept, the map's list unchanged, the app's writes still working."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from conftest import REPO_ROOT
from factories.assistance import attacked, opened
from factories.incidents import event, report
from liptako.audit.service import SYSTEM, Actor
from liptako.auth.models import User
from liptako.auth.releasability import Viewer
from liptako.incidents import queries
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentFilter, IncidentIn
from liptako.obligations.recording import record_batch, record_report

SQL = REPO_ROOT / "deploy" / "postgres" / "partition_incidents.sql"
NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
SEC = Viewer(user_id=None, state="SEC", roles=("analyst",))
# every table with a foreign key to an incident, and the column
REFERRING = """
    SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    WHERE c.contype = 'f' AND c.confrelid = CAST(:target AS regclass) ORDER BY 1"""


@pytest.fixture
def pg(session: Session) -> Session:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("partitioning is PostgreSQL's")
    return session


def _seed(session: Session, cast: dict[str, User]) -> None:
    """Events over several months (with actors, and a later version of one), an attack with
    its determinations and duties, and an assistance request naming it."""
    events = [event(i, occurred_on=dt.date(2025, 6, 15) + dt.timedelta(days=37 * i))
              for i in range(8)]
    record_batch(session, events, actor=SYSTEM, now=NOW, pact_ids=("aes-2023",))
    record_batch(session, [dataclasses.replace(events[0], fatalities=99,
                                               source_version="1700000000")],
                 actor=SYSTEM, now=NOW)
    opened(session, cast, [attacked(session, "MLI")])
    session.flush()


def _references(session: Session, target: str) -> dict[str, list[int]]:
    tables = session.execute(text(REFERRING), {"target": target}).all()
    return {table: list(session.scalars(text(f"SELECT {column} FROM {table} ORDER BY 1")))
            for table, column in tables}


def _map_pages(session: Session, flt: IncidentFilter) -> list[dict[str, Any]]:
    pages, cursor = [], None
    while True:
        page = queries.feature_collection(session, SEC, flt, limit=3, cursor=cursor)
        pages.append(page)
        cursor = page.get("next")
        if cursor is None:
            return pages


def _partition(session: Session) -> None:
    # the driver's own cursor, without parameters: the file's format() calls hold % signs
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(SQL.read_text())
    finally:
        cursor.close()
    session.expire_all()


FILTERS = (IncidentFilter(), IncidentFilter(event_type=["battle"], bbox=(-6.0, 13.0, 3.0, 16.0),
                                            date_from=dt.date(2025, 8, 1),
                                            date_to=dt.date(2026, 3, 31)))


def test_rows_references_and_the_map_list_survive(pg: Session, cast: dict[str, User]) -> None:
    _seed(pg, cast)
    rows = pg.execute(text("SELECT * FROM incident ORDER BY id")).all()
    references = _references(pg, "incident")
    before = [_map_pages(pg, flt) for flt in FILTERS]
    assert {t for t, ids in references.items() if ids} >= {
        "incident_actor", "incident_version", "determination", "duty",
        "assistance_request_incident"}

    _partition(pg)

    kind = pg.scalar(text("SELECT relkind FROM pg_class WHERE oid = 'incident'::regclass"))
    assert kind == "p"
    months = pg.scalar(text("SELECT count(DISTINCT tableoid) FROM incident"))
    assert months == len({r.occurred_on.replace(day=1) for r in rows}) > 1
    assert pg.execute(text("SELECT * FROM incident ORDER BY id")).all() == rows
    assert _references(pg, "incident_key") == references
    assert [_map_pages(pg, flt) for flt in FILTERS] == before
    assert len(before[1]) > 1  # the filtered list spans pages, so the cursor was used


def test_the_app_writes_after_partitioning(pg: Session, cast: dict[str, User]) -> None:
    _seed(pg, cast)
    _partition(pg)

    made = record_report(pg, IncidentIn.model_validate(report(occurred_on="2026-11-02")),
                         actor=Actor(None, "seed", "BFA"), state="BFA", pact_ids=("aes-2023",),
                         now=NOW)
    key = pg.execute(text("SELECT source, source_id, occurred_on FROM incident_key "
                          "WHERE id = :id"), {"id": made.id}).one()
    assert key == (made.source, made.source_id, dt.date(2026, 11, 2))
    assert made.id in _references(pg, "incident_key")["determination"]

    # a new version dated another month moves the row to that month's partition: its key and
    # the rows that refer to it stay
    moved = event(3, occurred_on=dt.date(2025, 1, 1), fatalities=7, source_version="1800000000")
    ident = pg.scalar(select(Incident.id).where(Incident.source_id == moved.source_id))
    referring = {t: ids.count(ident) for t, ids in _references(pg, "incident_key").items()}
    record_batch(pg, [moved], actor=SYSTEM, now=NOW)
    pg.flush()
    assert pg.scalar(text("SELECT occurred_on FROM incident_key WHERE id = :id"),
                     {"id": ident}) == dt.date(2025, 1, 1)
    assert {t: ids.count(ident) for t, ids in _references(pg, "incident_key").items()} == {
        t: n + (t == "incident_version") for t, n in referring.items()}

    # a source's event id, and an incident id, stay unique across months
    with pytest.raises(IntegrityError, match="uq_incident_source"), pg.begin_nested():
        pg.add(Incident(**_copy(pg, made, occurred_on=dt.date(2030, 1, 1))))
        pg.flush()
    with pytest.raises(IntegrityError, match="already taken"), pg.begin_nested():
        pg.execute(text(
            "INSERT INTO incident SELECT (jsonb_populate_record(NULL::incident, to_jsonb(i) || "
            "'{\"occurred_on\": \"2030-01-01\", \"source_id\": \"other\"}')).* "
            "FROM incident i WHERE id = :id"), {"id": made.id})

    pg.execute(delete(Incident).where(Incident.id == ident))
    assert all(ident not in ids for ids in _references(pg, "incident_key").values())
    assert pg.scalar(text("SELECT count(*) FROM incident_key WHERE id = :id"), {"id": ident}) == 0


def _copy(session: Session, incident: Incident, **changes: Any) -> dict[str, Any]:
    """The columns of a stored incident but its id, with ``changes``."""
    row = session.execute(select(Incident.__table__).where(
        Incident.id == incident.id)).mappings().one()
    return {**{k: v for k, v in row.items() if k != "id"}, **changes}
