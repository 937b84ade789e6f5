"""A page of the map's list for a box, read band by band (one degree of longitude each, the
bands merged in page order), is exactly the page the one-pass statement gives: the same rows
in the same order, the same cursors, for every kind of reader, on both backends."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.incidents import NOW, report
from liptako.audit.service import Actor
from liptako.auth.releasability import Viewer
from liptako.core import migrate
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory
from liptako.incidents import queries
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentFilter, IncidentIn
from liptako.incidents.service import create_incident

# points on band edges (whole degrees, either side of the meridian) and inside bands
LONS = (-5.0, -4.5, -4.0, -3.999, -1.0, -0.2, 0.0, 0.3, 1.0, 1.7, 2.0, 3.5)
TLPS = ("CLEAR", "GREEN", "AMBER", "RED")
BOXES = [(-5.0, 12.0, 2.0, 16.0), (-4.0, 12.0, -4.0, 16.0), (-4.2, 13.0, 0.0, 15.0),
         (0.0, 12.0, 1.0, 16.0), (-0.5, 12.5, 0.5, 13.5), (-3.999, 12.0, 1.0, 16.0),
         (-1.0, 12.0, 1.7, 16.0)]
READERS = [Viewer(None, "BFA", ("analyst",)), Viewer(None, "SEC", ("secretariat",)),
           Viewer(None, "NER", ("observer",))]


def _seed(session: Session) -> list[Incident]:
    made = []
    for i, (lon, tlp) in enumerate(itertools.product(LONS, TLPS)):
        state = ("BFA", "MLI", "NER")[i % 3]
        body = IncidentIn.model_validate(report(
            location={"lat": 12.2 + (i % 9) * 0.4, "lon": lon}, tlp=tlp,
            audience=["NER"] if i % 5 == 0 else [],
            # a few days, many incidents on each: the page order's ties fall to the id
            occurred_on=(dt.date(2024, 3, 1) + dt.timedelta(days=i % 4)).isoformat()))
        made.append(create_incident(session, body, actor=Actor(None, "seed", state),
                                    state=state, now=NOW))
    session.flush()
    return made


def _walk(session: Session, viewer: Viewer, flt: IncidentFilter) -> list[bytes]:
    pages, cursor = [], None
    while True:
        page = queries.feature_collection(session, viewer, flt, limit=4, cursor=cursor)
        pages.append(page)
        cursor = json.loads(page).get("next")
        if cursor is None:
            return pages


def test_a_box_read_band_by_band_gives_the_one_pass_pages(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    made = _seed(session)
    assert all(i.lon_band == math.floor(i.lon) for i in made if i.lon is not None)
    shown = 0
    for box, viewer in itertools.product(BOXES, READERS):
        flt = IncidentFilter(bbox=box, date_from=dt.date(2024, 3, 1),
                             date_to=dt.date(2024, 3, 3))
        _stmt, params = queries.page_query(viewer, flt, limit=4)
        assert "band_0" in params  # this box is read band by band
        banded = _walk(session, viewer, flt)
        with monkeypatch.context() as patch:
            patch.setattr(queries, "MAX_BANDS", 0)
            assert "band_0" not in queries.page_query(viewer, flt, limit=4)[1]
            plain = _walk(session, viewer, flt)
        assert banded == plain, (box, viewer)
        shown += sum(len(json.loads(p)["features"]) for p in banded)
    assert shown > 100  # the comparison is not between empty pages


def test_a_wide_box_is_read_in_one_pass(session: Session) -> None:
    flt = IncidentFilter(bbox=(-20.0, 0.0, 30.0, 30.0))
    assert "band_0" not in queries.page_query(READERS[0], flt, limit=10)[1]


def test_the_band_is_kept_when_a_point_moves(session: Session) -> None:
    incident = _seed(session)[0]
    incident.lon = 7.25
    session.flush()
    assert incident.lon_band == 7
    incident.lon = -0.01
    session.flush()
    assert incident.lon_band == -1


def test_the_migration_fills_the_band_of_stored_incidents(fresh_database_url: str) -> None:
    from alembic import command

    settings = Settings(env="test", database_url=fresh_database_url)
    engine = make_engine(fresh_database_url)
    try:
        with make_session_factory(engine)() as session:
            _seed(session)
            session.commit()
        cfg = migrate.alembic_config(settings)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0011")
        migrate.upgrade(settings, engine=engine)
        with make_session_factory(engine)() as session:
            rows = session.execute(select(Incident.lon, Incident.lon_band)).all()
    finally:
        engine.dispose()
    assert len(rows) == len(LONS) * len(TLPS)
    assert all(band == math.floor(lon) for lon, band in rows)


def test_a_reversed_box_is_read_in_one_pass(session: Session) -> None:
    """West past east (the API refuses it; a caller of the queries may not): no bands, and
    the page the one-pass statement gives, empty."""
    _seed(session)
    flt = IncidentFilter(bbox=(2.0, 12.0, -5.0, 16.0))
    assert "band_0" not in queries.page_query(READERS[1], flt, limit=10)[1]
    page = json.loads(queries.feature_collection(session, READERS[1], flt, limit=10))
    assert page["features"] == []
