"""TAXII 2.1 resources (OASIS TAXII 2.1, sections 4-5) built from the STIX store.

No HTTP here: the web layer parses the request into a :class:`~liptako.intel.stix_store.Match`
and a page (``limit``, ``next``), and sends back what these functions return. ``next`` is the
id of the last row of the previous page; the store orders by the time each row was added.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.auth.releasability import Viewer
from liptako.core.errors import NotFound, PermissionDenied, RuleViolation
from liptako.intel.actors import ActorRegistry
from liptako.intel.models import StixObject, TaxiiStatus
from liptako.intel.stix import MEDIA_TYPE_STIX, parse_timestamp, timestamp, version_of
from liptako.intel.stix_import import InvalidBundle, import_objects
from liptako.intel.stix_store import (
    Collection,
    Match,
    readable_collections,
    select_objects,
)

MEDIA_TYPE_TAXII = "application/taxii+json;version=2.1"
API_ROOT = "aes"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def discovery(base_url: str) -> dict[str, Any]:
    root = f"{base_url}/taxii2/{API_ROOT}/"
    return {"title": "liptako TAXII 2.1",
            "description": "Threat-actor intelligence of the Alliance of Sahel States, "
                           "released per audience (TLP 2.0 with named states).",
            "default": root, "api_roots": [root]}


def api_root(max_content_length: int) -> dict[str, Any]:
    return {"title": "AES collective security",
            "description": "One collection per audience: the community, each member state, "
                           "the secretariat.",
            "versions": [MEDIA_TYPE_TAXII], "max_content_length": max_content_length}


def collection_resource(found: Collection, viewer: Viewer) -> dict[str, Any]:
    return {"id": found.id, "title": found.title, "alias": found.key,
            "description": f"Objects released to this audience; what you read is also what "
                           f"your own marking lets you see ({found.key}).",
            "can_read": found.can_read(viewer), "can_write": found.can_write(viewer),
            "media_types": [MEDIA_TYPE_STIX]}


def collections(viewer: Viewer) -> dict[str, Any]:
    return {"collections": [collection_resource(c, viewer) for c in readable_collections(viewer)]}


@dataclass(frozen=True)
class Page:
    """One page of a read: its rows and, when more follow, the cursor of the next."""

    rows: Sequence[StixObject]
    next: str | None

    def headers(self) -> dict[str, str]:
        if not self.rows:
            return {}
        return {"X-TAXII-Date-Added-First": timestamp(self.rows[0].added_at),
                "X-TAXII-Date-Added-Last": timestamp(self.rows[-1].added_at)}


def limit_of(text: str | None) -> int:
    if text is None or text == "":
        return DEFAULT_LIMIT
    if not text.isdigit() or int(text) < 1:
        raise RuleViolation(f"limit: expected a positive whole number, got {text!r}")
    return min(int(text), MAX_LIMIT)


def read_page(session: Session, viewer: Viewer, where: Collection, match: Match, *,
              limit: int, cursor: str | None) -> Page:
    """A page of the rows the viewer may read in ``where`` that ``match`` selects."""
    if cursor:
        match = replace(match, after=_position(session, cursor))
    rows = session.scalars(select_objects(viewer, where, match).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, str(rows[-1].id) if more else None)


def _position(session: Session, cursor: str) -> tuple[dt.datetime, int]:
    row = session.get(StixObject, int(cursor)) if cursor.isdigit() else None
    if row is None:
        raise RuleViolation(f"next: expected the value a previous page gave, got {cursor!r}")
    return row.added_at, row.id


def _paged(page: Page, key: str, items: list[Any]) -> dict[str, Any]:
    """A page's resource: ``more``, the ``next`` cursor when more follow, the items if any
    (TAXII leaves ``objects`` out of an empty envelope)."""
    body: dict[str, Any] = {"more": page.next is not None}
    if page.next is not None:
        body["next"] = page.next
    if items or key == "versions":
        body[key] = items
    return body


def envelope(page: Page) -> dict[str, Any]:
    return _paged(page, "objects", [row.body for row in page.rows])


def manifest(page: Page) -> dict[str, Any]:
    return _paged(page, "objects", [
        {"id": row.stix_id, "date_added": timestamp(row.added_at),
         "version": _version_text(row), "media_type": MEDIA_TYPE_STIX} for row in page.rows])


def versions(session: Session, viewer: Viewer, where: Collection, stix_id: str,
             match: Match, *, limit: int, cursor: str | None) -> tuple[Page, dict[str, Any]]:
    """The versions of one object the viewer may read here; NotFound when there is none."""
    page = read_page(session, viewer, where, replace(match, ids=(stix_id,), versions=("all",)),
                     limit=limit, cursor=cursor)
    if not page.rows:
        raise NotFound(f"no object {stix_id} in collection {where.key}")
    return page, _paged(page, "versions", [_version_text(row) for row in page.rows])


def _version_text(row: StixObject) -> str:
    """A stored version as its object writes it (the store keeps a sortable form)."""
    return version_of(row.body) or row.version


def match_of(*, added_after: str | None, ids: str | None, types: str | None,
             versions: str | None, spec_versions: str | None) -> Match:
    """The filters of a request, from TAXII's comma-separated ``match[...]`` parameters."""
    def split(text: str | None) -> tuple[str, ...]:
        return tuple(part.strip() for part in (text or "").split(",") if part.strip())

    after = None
    if added_after:
        try:
            after = parse_timestamp(added_after)
        except ValueError as exc:
            raise RuleViolation(f"added_after: {exc}") from None
    wanted = split(versions) or ("last",)
    for version in wanted:
        if version not in ("last", "first", "all"):
            try:
                parse_timestamp(version)
            except ValueError as exc:
                raise RuleViolation(f"match[version]: {exc}") from None
    return Match(added_after=after, ids=split(ids), types=split(types), versions=wanted,
                 spec_versions=split(spec_versions))


def status_resource(status: TaxiiStatus) -> dict[str, Any]:
    return {"id": status.id, "status": status.status,
            "request_timestamp": timestamp(status.requested_at),
            "total_count": status.total,
            "success_count": len(status.successes), "successes": status.successes,
            "failure_count": len(status.failures), "failures": status.failures,
            "pending_count": len(status.pendings), "pendings": status.pendings}


def get_status(session: Session, viewer: Viewer, status_id: str) -> TaxiiStatus:
    """A POST's status, for the user who made it (anyone else: NotFound)."""
    status = session.scalars(select(TaxiiStatus).where(TaxiiStatus.id == status_id)).first()
    if status is None or status.user_id != viewer.user_id:
        raise NotFound(f"no status {status_id!r}")
    return status


def add_objects(session: Session, where: Collection, envelope: Any, *, viewer: Viewer,
                sender: audit.Actor, registry: ActorRegistry, now: dt.datetime) -> TaxiiStatus:
    """Store a POSTed envelope's objects in ``where`` through the STIX import (validated as
    one bundle, merged with the registry, marked by the sender's state); the status is
    complete when this returns, with each object's outcome."""
    if not where.can_write(viewer):
        raise PermissionDenied(f"collection {where.key}: your role may read it, not add to it")
    objects = envelope.get("objects") if isinstance(envelope, dict) else None
    if not isinstance(objects, list) or not objects or \
            not all(isinstance(o, dict) for o in objects):
        raise RuleViolation("objects: expected an envelope {\"objects\": [...]} with one or "
                            "more STIX objects")
    try:
        result = import_objects(session, objects, sender=sender, viewer=viewer,
                                registry=registry, collection=where, channel="taxii", now=now)
        successes = [{"id": row.stix_id, "version": _version_text(row)} for row in result.stored]
        sent = {str(o.get("id")): version_of(o) for o in objects}
        successes += [{"id": stix, "version": sent.get(stix, version),
                       "message": "already stored"} for stix, version in result.duplicates]
        failures = [{"id": stix, "message": message} for stix, message in result.failures]
    except InvalidBundle as refused:  # nothing stored; the refusal is kept and audited
        successes = []
        failures = [{"id": str(o.get("id", "")), "message": _naming(refused.messages, o)}
                    for o in objects]
        audit.record(session, actor=sender, action="stix.import_refused",
                     target_type="taxii_collection", target_id=where.key, now=now,
                     detail={"channel": "taxii", "objects": len(objects),
                             "errors": list(refused.messages)[:50]})
    status = TaxiiStatus(id=str(uuid.uuid4()), collection=where.key, user_id=viewer.user_id,
                         requested_at=now, status="complete", total=len(objects),
                         successes=successes, failures=failures, pendings=[])
    session.add(status)
    session.flush()
    return status


def _naming(messages: Sequence[str], obj: dict[str, Any]) -> str:
    """The validator's messages about this object, or all of them when none names it."""
    mine = [m for m in messages if str(obj.get("id", "\\0")) in m]
    return "; ".join(mine or ["not stored: the envelope holds invalid objects", *messages])
