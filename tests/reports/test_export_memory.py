"""An export reads and writes in chunks: its peak memory does not grow with the number of
rows (bench/exports.py measures 100,000)."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
from typing import IO, Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from factories.incidents import NOW
from liptako.audit.service import Actor
from liptako.auth.releasability import Viewer
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentFilter
from liptako.reports.exports import export_incidents

START = dt.date(2000, 1, 1)
PER_DAY = 10
SMALL, LARGE = 800, 4_000
CHUNK = 200


def bulk_incidents(session: Session, n: int) -> None:
    """``n`` GREEN Burkina events, ``PER_DAY`` a day from ``START``, in one statement."""
    session.execute(insert(Incident), [
        {"source": "acled", "source_id": f"MEM{i:07d}", "content_hash": f"{i:064x}",
         "occurred_on": START + dt.timedelta(days=i // PER_DAY), "lat": 12.0 + (i % 97) * 0.01,
         "lon": -1.5 + (i % 89) * 0.01, "iso3": "BFA", "admin1_name": "Centre",
         "event_type": "battle", "fatalities": i % 9, "description": f"Clash {i} near Kaya",
         "tlp": "GREEN", "originator": "BFA", "audience": "", "created_at": NOW,
         "updated_at": NOW} for i in range(n)])


def _peak(session: Session, rows: int, fmt: str, out: IO[bytes]) -> int:
    flt = IncidentFilter(date_to=START + dt.timedelta(days=rows // PER_DAY - 1))
    tracemalloc.start()
    try:
        count = export_incidents(session, Viewer(None, "BFA", ("analyst",)), flt, fmt=fmt,
                                 out=out, actor=Actor(None, "bench", "BFA"), now=NOW,
                                 chunk=CHUNK)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == rows
    return peak


class Sink(io.RawIOBase):
    """A binary file that forgets what it is given (only the export's memory is measured)."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return len(data)


def test_peak_memory_does_not_grow_with_the_rows(session: Session) -> None:
    """CSV here (the suite stays fast); bench/exports.py measures the three formats."""
    bulk_incidents(session, LARGE)
    _peak(session, 200, "csv", Sink())  # warm: statements compiled, modules imported
    small = _peak(session, SMALL, "csv", Sink())
    large = _peak(session, LARGE, "csv", Sink())
    # every row held at once would take five times the small export's rows
    assert large < small * 1.25 + 50_000, (small, large)
