"""A situation report as an HTTP answer, for the page and the API alike: built for the
caller (what its account may see), audited by :func:`liptako.reports.service.make_sitrep`.

The HTML report is a document of its own, shown in the page's preview frame: it gets a
policy of its own too (its styles are inline, its figures ``data:`` images, no script, no
request anywhere) and may be framed by this site only.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.responses import Response

from liptako.core.clock import utcnow
from liptako.reports.service import Built, make_sitrep
from liptako.reports.sitrep import Reader, SitrepRequest
from liptako.web.security import Principal

DOCUMENT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


def build(session: Session, principal: Principal, *, period: str, country: str, language: str,
          fmt: str) -> Built:
    return make_sitrep(session, SitrepRequest.parse(period, country, language), fmt,
                       reader=Reader.of(principal.user), actor=principal.actor, now=utcnow())


def response(built: Built, *, inline: bool = False) -> Response:
    """The report as an attachment (or, ``inline``, to be shown where it is opened)."""
    disposition = "inline" if inline else "attachment"
    headers = {"content-disposition": f'{disposition}; filename="{built.filename}"',
               "cache-control": "no-store", "x-liptako-tlp": built.report.tlp}
    if built.fmt == "html":
        headers |= {"content-security-policy": DOCUMENT_CSP, "x-frame-options": "SAMEORIGIN"}
    return Response(built.content, media_type=built.media_type, headers=headers)
