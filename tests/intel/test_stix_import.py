"""STIX from partners: validated whole, merged with the registry, stored once with its
provenance."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories.auth import seed_cast
from liptako.audit.models import AuditEntry
from liptako.audit.service import Actor
from liptako.auth.releasability import Viewer
from liptako.intel.actors import ActorRegistry
from liptako.intel.models import StixObject
from liptako.intel.stix import TLP1_IDS, TLP2_IDS, stix_id, tlp_marking
from liptako.intel.stix_import import InvalidBundle, import_bundle, import_objects
from liptako.intel.stix_store import COLLECTIONS, Marking, put_object

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
REGISTRY = ActorRegistry.load()
T0 = "2026-11-01T00:00:00.000Z"
TLP1_AMBER = next(ref for ref, level in TLP1_IDS.items() if level == "AMBER")
AES, NER_COLLECTION = COLLECTIONS[0], next(c for c in COLLECTIONS if c.key == "ner")


def partner(kind: str, key: str, **props: Any) -> dict[str, Any]:
    return {"type": kind, "spec_version": "2.1", "id": stix_id(kind, "partner", key),
            "created": T0, "modified": T0, **props}


GSIM = partner("threat-actor", "gsim", name="GSIM", aliases=["Groupe de soutien"],
               object_marking_refs=[TLP2_IDS["GREEN"]])
BY_REF = partner("intrusion-set", "macina", name="Front de libération du Macina",
                 external_references=[{"source_name": "liptako", "external_id": "jnim.macina"}])
BY_NAME = partner("threat-actor", "jnim-long", name="Jama'at Nusrat al-Islam wal-Muslimin")
UNKNOWN = partner("threat-actor", "nobody", name="A group nobody has heard of")
SEEN = partner("sighting", "seen", sighting_of_ref=GSIM["id"], count=2,
               object_marking_refs=[TLP1_AMBER])


@pytest.fixture
def ner(session: Session) -> tuple[Actor, Viewer]:
    user = seed_cast(session)["moussa_ner_liaison"]
    return Actor(user.id, user.username, user.state), Viewer(user.id, user.state, ("liaison",))


def run(session: Session, ner: tuple[Actor, Viewer], objects: list[dict[str, Any]],
        collection: Any = None, channel: str = "api") -> Any:
    sender, viewer = ner
    return import_objects(session, objects, sender=sender, viewer=viewer, registry=REGISTRY,
                          collection=collection, channel=channel, now=NOW)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StixObject)) or 0


def test_actors_are_merged_by_reference_alias_and_name_and_sightings_follow(
        session: Session, ner: tuple[Actor, Viewer]) -> None:
    result = run(session, ner, [GSIM, BY_REF, BY_NAME, UNKNOWN, SEEN])
    assert result.actors == {GSIM["id"]: "jnim", BY_REF["id"]: "jnim.macina",
                             BY_NAME["id"]: "jnim"}
    rows = {r.stix_id: r for r in result.stored}
    assert rows[SEEN["id"]].actor_id == "jnim" and rows[UNKNOWN["id"]].actor_id is None
    # provenance: who sent it, how, under which marking (TLP 1.0 AMBER read as AMBER)
    seen = rows[SEEN["id"]]
    assert (seen.origin, seen.channel, seen.added_by, seen.tlp, seen.originator,
            seen.audience) == ("partner", "api", ner[0].id, "AMBER", "NER", "")
    assert rows[GSIM["id"]].tlp == "GREEN" and rows[BY_REF["id"]].tlp == "AMBER"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "stix.import")).one()
    assert entry.actor_name == "moussa_ner_liaison" and entry.detail is not None
    assert entry.detail["markings"] == {"AMBER": 4, "GREEN": 1}
    assert entry.detail["channel"] == "api" and entry.detail["stored"] == 5


def test_a_sighting_of_an_actor_stored_earlier_is_linked(session: Session,
                                                         ner: tuple[Actor, Viewer]) -> None:
    run(session, ner, [GSIM])
    later = partner("sighting", "later", sighting_of_ref=GSIM["id"])
    assert run(session, ner, [later]).stored[0].actor_id == "jnim"


def test_reimport_stores_nothing(session: Session, ner: tuple[Actor, Viewer]) -> None:
    assert run(session, ner, [GSIM, SEEN, tlp_marking("GREEN")]).duplicates == [
        (TLP2_IDS["GREEN"], "2022-10-01T00:00:00.000000Z")]  # TLP's own: never stored
    before = count(session)
    again = run(session, ner, [GSIM, SEEN])
    assert again.stored == [] and count(session) == before
    assert again.duplicates == [(GSIM["id"], "2026-11-01T00:00:00.000000Z"),
                                (SEEN["id"], "2026-11-01T00:00:00.000000Z")]


def test_an_invalid_bundle_is_refused_whole_with_the_validators_messages(
        session: Session, ner: tuple[Actor, Viewer]) -> None:
    nameless = partner("threat-actor", "nameless")
    bad_id = {**partner("threat-actor", "bad"), "id": "threat-actor--not-a-uuid",
              "name": "Bad"}
    with pytest.raises(InvalidBundle) as refused:
        run(session, ner, [GSIM, nameless, bad_id])
    messages = refused.value.messages
    assert any(nameless["id"] in m and "'name' is a required property" in m for m in messages)
    assert any("threat-actor--not-a-uuid" in m for m in messages)
    assert count(session) == 0
    assert refused.value.code == "invalid_bundle" and nameless["id"] in refused.value.detail
    for unreadable, message in (([{"type": 5, "id": 3}], "objects[0]: type: expected a string"),
                                ([{**GSIM, "modified": None}], "the validator could not read")):
        with pytest.raises(InvalidBundle, match=re.escape(message)):
            run(session, ner, unreadable)


def test_a_marking_the_collection_does_not_take_fails_and_the_rest_is_stored(
        session: Session, ner: tuple[Actor, Viewer]) -> None:
    red = partner("threat-actor", "red", name="Red group",
                  object_marking_refs=[TLP2_IDS["RED"]])
    result = run(session, ner, [GSIM, red], collection=AES, channel="taxii")
    assert [r.stix_id for r in result.stored] == [GSIM["id"]]
    assert result.failures == [(red["id"], "marking: collection aes takes CLEAR or GREEN, "
                                           "got TLP:RED")]
    unmarked = run(session, ner, [UNKNOWN], collection=NER_COLLECTION)
    assert unmarked.stored[0].tlp == "AMBER"


def test_liptakos_own_objects_are_not_overwritten_by_a_partner(
        session: Session, ner: tuple[Actor, Viewer]) -> None:
    ours = {**GSIM, "id": stix_id("threat-actor", "jnim")}
    put_object(session, ours, marking=Marking("CLEAR", "SEC"), origin="local",
               channel="publish", added_by=None, actor_id="jnim", now=NOW)
    newer = {**ours, "modified": "2026-11-02T00:00:00.000Z", "name": "Spoofed"}
    result = run(session, ner, [newer])
    assert result.stored == [] and result.failures[0][0] == ours["id"]


def test_a_whole_bundle_and_something_else(session: Session, ner: tuple[Actor, Viewer]) -> None:
    sender, viewer = ner
    bundle = {"type": "bundle", "id": "bundle--6b0f2a54-3d1e-4c1a-9c7e-1b2a3c4d5e6f",
              "objects": [GSIM]}
    done = import_bundle(session, bundle, sender=sender, viewer=viewer, registry=REGISTRY,
                         channel="page", now=NOW)
    assert done.actors == {GSIM["id"]: "jnim"}
    with pytest.raises(InvalidBundle, match="expected a STIX bundle"):
        import_bundle(session, GSIM, sender=sender, viewer=viewer, registry=REGISTRY,
                      channel="page", now=NOW)
