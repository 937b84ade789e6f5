"""STIX 2.1 from partners: validated as one bundle by the OASIS validator (any error refuses
the whole of it, nothing stored), each object stored once per version with its provenance
(who sent it, by which channel, when, under which marking), and merged with the actor
registry: a threat-actor or intrusion-set naming a registry actor (by liptako's external
reference, or by its name or an alias) and the sightings and relationships about it carry
that actor's id, so that the registry's pages and the export's actor filter find them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from stix2validator import ValidationOptions, validate_instance
from stix2validator.errors import ValidationError

from liptako.audit import service as audit
from liptako.auth.releasability import Viewer
from liptako.core.errors import RuleViolation
from liptako.intel.actors import ActorRegistry
from liptako.intel.models import StixObject
from liptako.intel.normalise import normalise
from liptako.intel.stix import marking_definition, tlp_of, version_of
from liptako.intel.stix_store import Collection, Marking, put_object, readable, version_key

ACTOR_TYPES = ("threat-actor", "intrusion-set")
SHOWN = 20  # messages named in an error's detail; all are in ``messages``


class InvalidBundle(RuleViolation):
    """The STIX validator refused the objects; ``messages`` are its errors, each naming the
    object it is about."""

    code = "invalid_bundle"

    def __init__(self, messages: Sequence[str]) -> None:
        shown = "; ".join(messages[:SHOWN]) + ("; ..." if len(messages) > SHOWN else "")
        super().__init__(f"bundle: expected valid STIX 2.1, the validator found "
                         f"{len(messages)} error(s): {shown}")
        self.messages = list(messages)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: new versions stored, versions already stored (nothing done),
    objects refused (the rest stored), and partner actors merged with registry actors."""

    stored: list[StixObject]
    duplicates: list[tuple[str, str]]
    failures: list[tuple[str, str]]
    actors: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {"stored": [{"id": r.stix_id, "type": r.type, "version": r.version,
                            "tlp": r.tlp, "actor_id": r.actor_id} for r in self.stored],
                "duplicates": [{"id": i, "version": v} for i, v in self.duplicates],
                "failures": [{"id": i, "message": m} for i, m in self.failures],
                "actors": self.actors}


def validation_errors(objects: Sequence[Any]) -> list[str]:
    """The validator's errors for the objects taken as one bundle ([] when valid)."""
    shapes = [_shape(n, obj) for n, obj in enumerate(objects)]
    if any(shapes):
        return [problem for problem in shapes if problem]
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(objects)}
    try:
        result = validate_instance(bundle, ValidationOptions(version="2.1"))
    except ValidationError as exc:
        return [str(exc)]
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        # the validator trips on some values of the wrong JSON type instead of naming them
        return [f"objects: the validator could not read them ({type(exc).__name__}: {exc})"]
    return [str(error) for error in result.errors]


def _shape(n: int, obj: Any) -> str | None:
    """What makes an object unreadable before any validation: not an object, no type or id."""
    if not isinstance(obj, dict):
        return f"objects[{n}]: expected a STIX object (a JSON object), got {type(obj).__name__}"
    for name in ("type", "id"):
        if not isinstance(obj.get(name), str):
            return f"objects[{n}]: {name}: expected a string, got {obj.get(name)!r}"
    return None


def _named(obj: Mapping[str, Any], registry: ActorRegistry) -> str | None:
    """The registry actor a partner's threat-actor or intrusion-set names, if exactly one."""
    for ref in obj.get("external_references") or ():
        if isinstance(ref, dict) and ref.get("source_name") == "liptako" \
                and registry.has(str(ref.get("external_id", ""))):
            return str(ref["external_id"])
    found = {match.actor_id
             for name in (obj.get("name"), *(obj.get("aliases") or ()))
             if isinstance(name, str)
             for match in normalise(name, registry=registry) if match.attribution == "certain"}
    return found.pop() if len(found) == 1 else None


def _stored_actors(session: Session, viewer: Viewer, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(select(StixObject.stix_id, StixObject.actor_id).where(
        StixObject.stix_id.in_(wanted), StixObject.actor_id.is_not(None),
        readable(viewer, None)))
    return {stix_id: str(actor_id) for stix_id, actor_id in rows}


def _about(obj: Mapping[str, Any]) -> str | None:
    """The object a sighting or relationship is about."""
    ref = obj.get("sighting_of_ref") or obj.get("source_ref")
    return ref if isinstance(ref, str) else None


def _local_ids(session: Session, ids: Iterable[str]) -> set[str]:
    return set(session.scalars(select(StixObject.stix_id).where(
        StixObject.stix_id.in_(sorted(set(ids))), StixObject.origin == "local")))


def import_objects(session: Session, objects: list[dict[str, Any]], *, sender: audit.Actor,
                   viewer: Viewer, registry: ActorRegistry, collection: Collection | None,
                   channel: str, now: dt.datetime) -> ImportResult:
    """Validate the objects as one bundle (any error: InvalidBundle, nothing stored), then
    store each new version under its TLP (its marking refs, else the collection's default)
    with the sender's state as originator; audited once."""
    messages = validation_errors(objects)
    if messages:
        raise InvalidBundle(messages)
    merged = {obj["id"]: actor for obj in objects if obj["type"] in ACTOR_TYPES
              if (actor := _named(obj, registry)) is not None}
    linked = {**_stored_actors(session, viewer, filter(None, map(_about, objects))), **merged}
    ours = _local_ids(session, (obj["id"] for obj in objects))
    stored: list[StixObject] = []
    duplicates: list[tuple[str, str]] = []
    failures: list[tuple[str, str]] = []
    markings: Counter[str] = Counter()
    for obj in objects:
        if marking_definition(obj["id"]) is not None:  # TLP's own: known, never stored
            duplicates.append((obj["id"], version_key(version_of(obj))))
            continue
        tlp = tlp_of(obj.get("object_marking_refs") or ()) \
            or (collection.default_tlp if collection else "AMBER")
        reason = _refusal(obj, tlp, collection, ours)
        if reason is not None:
            failures.append((obj["id"], reason))
            continue
        markings[tlp] += 1
        actor_id = merged.get(obj["id"]) or linked.get(_about(obj) or "")
        row, new = put_object(session, obj, marking=Marking(tlp, sender.state or viewer.state),
                              origin="partner", channel=channel, added_by=sender.id,
                              actor_id=actor_id, now=now)
        if new:
            stored.append(row)
        else:
            duplicates.append((obj["id"], row.version))
    result = ImportResult(stored, duplicates, failures, merged)
    audit.record(session, actor=sender, action="stix.import", target_type="stix_collection",
                 target_id=collection.key if collection else None, now=now,
                 detail={"channel": channel, "received": len(objects), "stored": len(stored),
                         "duplicates": len(duplicates), "failures": len(failures),
                         "markings": dict(sorted(markings.items())),
                         "actors": dict(sorted(merged.items()))})
    return result


def _refusal(obj: Mapping[str, Any], tlp: str, collection: Collection | None,
             ours: set[str]) -> str | None:
    if collection is not None and (reason := collection.accepts(tlp)) is not None:
        return reason
    if obj["id"] in ours:
        return "id: an object liptako publishes; only liptako stores its versions"
    try:
        version_key(version_of(obj))
    except ValueError:
        return "modified: expected a version (modified or created) to store the object by"
    return None


def import_bundle(session: Session, bundle: Any, *, sender: audit.Actor, viewer: Viewer,
                  registry: ActorRegistry, collection: Collection | None = None,
                  channel: str, now: dt.datetime) -> ImportResult:
    """A whole bundle (a page's upload, a file, an API call): its objects, imported."""
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle" \
            or not isinstance(bundle.get("objects", []), list):
        got = bundle.get("type") if isinstance(bundle, dict) else type(bundle).__name__
        raise InvalidBundle([f"type: expected a STIX bundle with a list of objects, got "
                             f"{got!r}"])
    return import_objects(session, list(bundle.get("objects", [])), sender=sender,
                          viewer=viewer, registry=registry, collection=collection,
                          channel=channel, now=now)
