"""The map's default period holds data: the latest twelve months holding incidents, across a
gap, never after today, without deleted incidents or those the viewer may not see."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.incidents import NOW, event
from liptako.audit.service import SYSTEM
from liptako.auth.releasability import Viewer
from liptako.incidents.models import Incident
from liptako.incidents.queries import DataPeriod, data_period
from liptako.obligations.recording import record_batch

SEC = Viewer(None, "SEC", ("secretariat",))
TODAY = dt.date(2026, 12, 5)


def test_the_default_period_reaches_across_a_gap_to_twelve_months_of_data(
        session: Session) -> None:
    assert data_period(session, SEC, today=TODAY) is None
    days = [dt.date(2018 + m // 12, m % 12 + 1, 10) for m in range(24)]  # 2018-01 to 2019-12
    days += [dt.date(2026, 11, 20), dt.date(2026, 10, 15), dt.date(2026, 12, 20)]
    record_batch(session, [event(i, occurred_on=day) for i, day in enumerate(days)],
                 actor=SYSTEM, now=NOW)
    deleted = session.scalars(select(Incident).where(
        Incident.occurred_on == dt.date(2026, 10, 15))).one()
    deleted.deleted_at = NOW
    hidden = session.scalars(select(Incident).where(
        Incident.occurred_on == dt.date(2019, 12, 10))).one()
    hidden.tlp, hidden.originator = "RED", "MLI"
    session.flush()

    # a report of November 2026 after data that ends in 2019: eleven months of 2019 with it,
    # never the deleted incident nor the one dated after today; Mali sees its RED incident
    # of December 2019, the secretariat does not
    assert data_period(session, SEC, today=TODAY) == DataPeriod(
        first=dt.date(2018, 1, 1), last=dt.date(2026, 11, 1), start=dt.date(2019, 1, 1))
    assert data_period(session, Viewer(None, "MLI", ("analyst",)), today=TODAY) == DataPeriod(
        first=dt.date(2018, 1, 1), last=dt.date(2026, 11, 1), start=dt.date(2019, 2, 1))
    assert data_period(session, SEC, today=TODAY, recent=1) == DataPeriod(
        first=dt.date(2018, 1, 1), last=dt.date(2026, 11, 1), start=dt.date(2026, 11, 1))
    assert data_period(session, SEC, today=dt.date(2018, 6, 30), recent=12) == DataPeriod(
        first=dt.date(2018, 1, 1), last=dt.date(2018, 6, 1), start=dt.date(2018, 1, 1))
