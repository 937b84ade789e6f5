"""Read side of the registry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liptako.incidents.models import Incident


def registry_stats(session: Session) -> dict[str, Any]:
    """Counts over live (not deleted) events, plus the number of deleted ones."""
    live = Incident.deleted_at.is_(None)
    events, fatalities, with_admin1 = session.execute(
        select(func.count(), func.coalesce(func.sum(Incident.fatalities), 0),
               func.count(Incident.admin1_code)).where(live)
    ).one()
    by_country = dict(session.execute(
        select(Incident.iso3, func.count()).where(live).group_by(Incident.iso3)
        .order_by(Incident.iso3)
    ).all())
    by_source = dict(session.execute(
        select(Incident.source, func.count()).where(live).group_by(Incident.source)
    ).all())
    deleted = session.scalar(select(func.count()).where(Incident.deleted_at.is_not(None))) or 0
    outside = session.scalar(select(func.count()).where(
        live, Incident.outside_country_km.is_not(None)))
    return {
        "events": int(events or 0), "fatalities": int(fatalities or 0),
        "by_country": {(k or "unknown"): int(v) for k, v in by_country.items()},
        "by_source": {k: int(v) for k, v in by_source.items()},
        "with_admin1": int(with_admin1), "outside_country": int(outside or 0),
        "deleted": int(deleted or 0),
    }
