"""The read side of early warning: the latest hotspot scan a reader may see."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liptako.auth.releasability import Viewer, visible_clause
from liptako.warning.models import ScanRun


def latest_scan(session: Session, viewer: Viewer) -> ScanRun | None:
    """The newest stored scan whose marking lets the viewer see it, with its clusters."""
    return session.scalar(
        select(ScanRun).where(visible_clause(viewer, ScanRun))
        .order_by(ScanRun.ran_at.desc(), ScanRun.id.desc()).limit(1)
        .options(selectinload(ScanRun.clusters)))
