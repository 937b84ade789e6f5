"""A STIX 2.1 bundle of what one reader may see in the store, the same bytes for the same
content: objects sorted, keys sorted, the bundle's id a UUIDv5 over the objects."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from liptako.auth.releasability import Viewer
from liptako.intel.models import StixObject
from liptako.intel.stix import NAMESPACE, TLP2_CREATED, marking_definition, statement_marking
from liptako.intel.stix_store import OPEN_LEVELS, Match, select_objects

REF_FIELDS = ("created_by_ref", "sighting_of_ref", "source_ref", "target_ref")
REF_LISTS = ("where_sighted_refs", "observed_data_refs")


def _refs(body: Mapping[str, Any]) -> Iterator[str]:
    for name in REF_FIELDS:
        if isinstance(body.get(name), str):
            yield body[name]
    for name in REF_LISTS:
        yield from (ref for ref in body.get(name) or () if isinstance(ref, str))


def _markings(body: Mapping[str, Any]) -> Iterator[str]:
    yield from (ref for ref in body.get("object_marking_refs") or () if isinstance(ref, str))
    for granular in body.get("granular_markings") or ():
        if isinstance(granular, dict) and isinstance(granular.get("marking_ref"), str):
            yield granular["marking_ref"]


def _about(objects: Mapping[str, dict[str, Any]], actor_ids: Mapping[str, str | None],
           actor_id: str) -> dict[str, dict[str, Any]]:
    """The objects about one actor, and those they refer to (places, sources, the actor)."""
    chosen = {i for i, about in actor_ids.items() if about == actor_id}
    todo = list(chosen)
    while todo:
        for ref in _refs(objects[todo.pop()]):
            if ref in objects and ref not in chosen:
                chosen.add(ref)
                todo.append(ref)
    return {i: objects[i] for i in chosen}


def _with_markings(session: Session, viewer: Viewer, rows: Sequence[StixObject],
                   objects: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The objects and every marking definition they reference that the reader may read:
    TLP's own, the statement of an object's own audience (whoever reads the object may read
    who it is released to), and those stored that the reader may read."""
    wanted = {ref for body in objects.values() for ref in _markings(body)} - set(objects)
    found = dict(objects)
    for row in rows:
        if row.stix_id in objects and row.tlp not in OPEN_LEVELS:
            statement = statement_marking(row.originator, row.audience, created=TLP2_CREATED)
            if statement["id"] in wanted:
                found[statement["id"]] = statement
    stored = []
    for ref in sorted(wanted - set(found)):
        predefined = marking_definition(ref)
        if predefined is not None:
            found[ref] = predefined
        else:
            stored.append(ref)
    if stored:
        for row in session.scalars(select_objects(viewer, None, Match(ids=stored))):
            found[row.stix_id] = row.body
    return found


def bundle_of(objects: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A bundle of the objects, sorted, with an id that depends on its content only."""
    ordered = sorted(objects, key=lambda o: (o["type"], o["id"], str(o.get("modified", ""))))
    digest = json.dumps(ordered, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {"type": "bundle", "id": f"bundle--{uuid.uuid5(NAMESPACE, digest)}",
            "objects": ordered}


def dumps(bundle: dict[str, Any]) -> str:
    """The bundle's bytes: the same for the same content."""
    return json.dumps(bundle, sort_keys=True, ensure_ascii=False, indent=1)


def read_bundle(session: Session, viewer: Viewer, *, actor_id: str | None = None,
                since: dt.datetime | None = None) -> dict[str, Any]:
    """The latest version of each object the reader may read (added after ``since``; about
    ``actor_id`` and what those objects refer to), with the markings they use."""
    rows = session.scalars(select_objects(viewer, None, Match(added_after=since))).all()
    # marking definitions come with the objects that use them, never alone
    objects = {row.stix_id: row.body for row in rows if row.type != "marking-definition"}
    if actor_id is not None:
        objects = _about(objects, {row.stix_id: row.actor_id for row in rows}, actor_id)
    return bundle_of(_with_markings(session, viewer, rows, objects).values())
