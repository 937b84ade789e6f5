"""Situation reports as use cases: build one for a reader, as PDF or HTML, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.core.errors import RuleViolation
from liptako.reports import sitrep_context, sitrep_doc
from liptako.reports.sitrep import Reader, Sitrep, SitrepRequest, gather


@dataclass(frozen=True)
class Built:
    report: Sitrep
    fmt: str
    content: bytes

    @property
    def filename(self) -> str:
        req = self.report.request
        return f"liptako-sitrep-{req.country.lower()}-{req.slug}-{req.lang}.{self.fmt}"

    @property
    def media_type(self) -> str:
        return sitrep_doc.MEDIA_TYPES[self.fmt]


def build_sitrep(session: Session, request: SitrepRequest, *, reader: Reader,
                 now: dt.datetime) -> Sitrep:
    """A situation report's content, as ``reader`` may see it."""
    report = gather(session, request, reader, now=now)
    sitrep_context.fill(session, report)
    return report


STEPS = ("incidents", "context", "typesetting")


def make_sitrep(session: Session, request: SitrepRequest, fmt: str, *, reader: Reader,
                actor: audit.Actor, now: dt.datetime,
                step: Callable[[str], None] = lambda _: None) -> Built:
    """Build and typeset a situation report for ``reader``; the audit records who asked,
    for whom, what and the marking printed on it. ``step`` hears each of ``STEPS`` done."""
    if fmt not in sitrep_doc.FORMATS:
        raise RuleViolation(f"format: expected one of {', '.join(sitrep_doc.FORMATS)}, "
                            f"got {fmt!r}")
    report = gather(session, request, reader, now=now)
    step(STEPS[0])
    sitrep_context.fill(session, report)
    step(STEPS[1])
    content = sitrep_doc.render(report, fmt)
    step(STEPS[2])
    audit.record(session, actor=actor, action="report.sitrep", target_type="report",
                 target_id=None, now=now,
                 detail={"period": str(request.period), "country": request.country,
                         "lang": request.lang, "format": fmt, "built_for": reader.username,
                         "built_for_state": reader.state, "tlp": report.tlp,
                         "events": report.headline[0].now, "bytes": len(content)})
    return Built(report, fmt, content)
