"""The STIX object store: one row per version, read through the releasability predicate.

Collections are audiences (DOMAIN.md 4.3: "one collection per releasability audience"):
``aes`` holds what the whole community may read (TLP:CLEAR and TLP:GREEN); each member
state and the secretariat has a collection of the restricted objects released to it
(AMBER, AMBER+STRICT, RED), exactly those the one predicate lets that state see. A user
reads the community collection and the collection of their own state, and in each only
the objects they may see themselves (an observer never reads RED).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from liptako.auth.releasability import Viewer, visible_clause
from liptako.auth.rules import MEMBER_STATES, SECRETARIAT
from liptako.auth.rules import STATE_NAMES as MEMBER_NAMES
from liptako.core.errors import NotFound, PermissionDenied
from liptako.intel.models import StixObject
from liptako.intel.stix import NAMESPACE, parse_timestamp, version_of

OPEN_LEVELS = ("CLEAR", "GREEN")
RESTRICTED_LEVELS = ("AMBER", "AMBER+STRICT", "RED")
WRITER_ROLES = ("admin", "secretariat", "liaison", "analyst")
STATE_NAMES = {**MEMBER_NAMES, SECRETARIAT: "Secretariat"}


@dataclass(frozen=True)
class Collection:
    """One audience: ``state`` None for the whole community, else the state it releases to."""

    key: str
    state: str | None

    @property
    def id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, f"taxii-collection|{self.key}"))

    @property
    def title(self) -> str:
        if self.state is None:
            return "AES community (TLP:CLEAR, TLP:GREEN)"
        return f"Released to {STATE_NAMES[self.state]} (TLP:AMBER, AMBER+STRICT, RED)"

    @property
    def default_tlp(self) -> str:
        """The marking of an object sent here without a TLP marking."""
        return "GREEN" if self.state is None else "AMBER"

    def can_read(self, viewer: Viewer) -> bool:
        return self.state is None or self.state == viewer.state

    def can_write(self, viewer: Viewer) -> bool:
        return self.can_read(viewer) and bool(set(viewer.roles) & set(WRITER_ROLES))

    def clause(self, model: Any = StixObject) -> ColumnElement[bool]:
        """The objects this audience holds (before the reader's own predicate)."""
        if self.state is None:
            return model.tlp.in_(OPEN_LEVELS)  # type: ignore[no-any-return]
        member = Viewer(None, self.state, ("analyst",))
        return and_(model.tlp.in_(RESTRICTED_LEVELS), visible_clause(member, model))

    def accepts(self, tlp: str) -> str | None:
        """Why an object marked ``tlp`` may not be sent here (None when it may)."""
        wanted = OPEN_LEVELS if self.state is None else RESTRICTED_LEVELS
        if tlp in wanted:
            return None
        return f"marking: collection {self.key} takes {' or '.join(wanted)}, got TLP:{tlp}"


COLLECTIONS: tuple[Collection, ...] = (
    Collection("aes", None),
    *(Collection(code.lower(), code) for code in (*MEMBER_STATES, SECRETARIAT)),
)


def collection(key_or_id: str, viewer: Viewer) -> Collection:
    """The collection with this key or id, if the viewer may read it.

    Unknown: NotFound. Another audience's collection: PermissionDenied.
    """
    for found in COLLECTIONS:
        if key_or_id in (found.key, found.id):
            if not found.can_read(viewer):
                raise PermissionDenied(f"collection {found.key}: readable by users of "
                                       f"{found.state} only")
            return found
    raise NotFound(f"no collection has the id {key_or_id!r}")


def readable_collections(viewer: Viewer) -> list[Collection]:
    return [c for c in COLLECTIONS if c.can_read(viewer)]


def version_key(text: str) -> str:
    """A version's sortable form: microsecond precision in UTC, whatever the sender wrote."""
    return parse_timestamp(text).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Marking:
    """Who may read a stored object: as on an incident."""

    tlp: str
    originator: str
    audience: str = ""


def put_object(
    session: Session,
    obj: Mapping[str, Any],
    *,
    marking: Marking,
    origin: str,
    channel: str,
    added_by: int | None,
    actor_id: str | None,
    now: dt.datetime,
) -> tuple[StixObject, bool]:
    """Store one version of ``obj``; (row, True) when new, (existing row, False) when this
    id and version are already stored (nothing changes then)."""
    version = version_key(version_of(obj))
    existing = session.scalars(select(StixObject).where(
        StixObject.stix_id == obj["id"], StixObject.version == version)).first()
    if existing is not None:
        return existing, False
    row = StixObject(
        stix_id=obj["id"], type=obj["type"], version=version,
        spec_version=obj.get("spec_version", "2.1"), added_at=now, added_by=added_by,
        channel=channel, origin=origin, actor_id=actor_id, tlp=marking.tlp,
        originator=marking.originator, audience=marking.audience, body=dict(obj),
    )
    session.add(row)
    session.flush()
    return row, True


@dataclass(frozen=True)
class Match:
    """The filters of a TAXII read (all optional)."""

    added_after: dt.datetime | None = None
    ids: Sequence[str] = ()
    types: Sequence[str] = ()
    versions: Sequence[str] = ("last",)  # "last", "first", "all" or version timestamps
    spec_versions: Sequence[str] = ()
    after: tuple[dt.datetime, int] | None = None  # a page's cursor: the last (added_at, id)


def readable(viewer: Viewer, where: Collection | None, model: Any = StixObject
             ) -> ColumnElement[bool]:
    """What the viewer may read: in one collection, or anywhere (``where`` None)."""
    mine = visible_clause(viewer, model)
    return mine if where is None else and_(where.clause(model), mine)


def select_objects(viewer: Viewer, where: Collection | None, match: Match) -> Select[Any]:
    """The rows a read returns, oldest added first."""
    query = select(StixObject).where(readable(viewer, where))
    if match.ids:
        query = query.where(StixObject.stix_id.in_(match.ids))
    if match.types:
        query = query.where(StixObject.type.in_(match.types))
    if match.spec_versions:
        query = query.where(StixObject.spec_version.in_(match.spec_versions))
    query = query.where(_version_clause(viewer, where, match.versions))
    if match.added_after is not None:
        query = query.where(StixObject.added_at > match.added_after)
    if match.after is not None:
        at, last = match.after
        query = query.where(or_(StixObject.added_at > at,
                                and_(StixObject.added_at == at, StixObject.id > last)))
    return query.order_by(StixObject.added_at, StixObject.id)


def _version_clause(viewer: Viewer, where: Collection | None, versions: Sequence[str]
                    ) -> ColumnElement[bool]:
    """The versions asked for, among those the reader may read in this collection."""
    if "all" in versions:
        return true()
    parts = []
    other = aliased(StixObject)
    for wanted, pick in (("last", func.max), ("first", func.min)):
        if wanted in versions:
            chosen = (select(pick(other.version))
                      .where(other.stix_id == StixObject.stix_id, readable(viewer, where, other))
                      .scalar_subquery())
            parts.append(StixObject.version == chosen)
    exact = [version_key(v) for v in versions if v not in ("last", "first")]
    if exact:
        parts.append(StixObject.version.in_(exact))
    return or_(*parts)


def add_versions(
    session: Session,
    items: Sequence[tuple[Mapping[str, Any], Marking, str | None]],
    *,
    origin: str,
    channel: str,
    added_by: int | None,
    now: dt.datetime,
) -> list[StixObject]:
    """Store versions the caller knows are new ((object, marking, actor id) each), in one
    flush: the publisher stamps every version later than the one it replaces."""
    rows = [StixObject(stix_id=obj["id"], type=obj["type"], version=version_key(version_of(obj)),
                       spec_version=obj.get("spec_version", "2.1"), added_at=now,
                       added_by=added_by, channel=channel, origin=origin, actor_id=actor_id,
                       tlp=marking.tlp, originator=marking.originator,
                       audience=marking.audience, body=dict(obj))
            for obj, marking, actor_id in items]
    session.add_all(rows)
    session.flush()
    return rows
