"""Publishing the registry and the incidents as STIX 2.1, and each reader's bundle."""

from __future__ import annotations

import datetime as dt
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from stix2validator import ValidationOptions, validate_instance

from factories.incidents import event, report, seed_events
from liptako.audit.models import AuditEntry
from liptako.audit.service import SYSTEM, Actor
from liptako.auth.releasability import Viewer
from liptako.core.db import make_engine, make_session_factory, transaction
from liptako.incidents.models import Incident
from liptako.incidents.schemas import ActorRef, IncidentIn
from liptako.intel.actors import ActorRegistry
from liptako.intel.models import StixObject
from liptako.intel.stix import TLP2_IDS, stix_id
from liptako.intel.stix_export import dumps
from liptako.obligations.recording import record_batch, record_report
from liptako.obligations.stix_publish import export_bundle, publish

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
REGISTRY = ActorRegistry.load()
MLI = Viewer(1, "MLI", ("analyst",))
NER = Viewer(2, "NER", ("analyst",))
MLI_OBSERVER = Viewer(3, "MLI", ("observer",))
SEC = Viewer(4, "SEC", ("secretariat",))
GAO = {"lat": 16.27, "lon": -0.04}


# the registry's armed groups less most: the same objects, fewer to build and validate
REGISTRY = replace(REGISTRY, actors={k: v for k, v in REGISTRY.actors.items() if k in (
    "aqim", "jnim", "jnim.macina", "ansar_dine", "is_sahel", "cma", "mnla")})
REPORTS = (("MLI", "GREEN", [], "jnim"), ("BFA", "AMBER", ["NER"], "jnim"),
           ("NER", "CLEAR", [], "jnim"), ("BFA", "AMBER+STRICT", [], "jnim"))


def reported(session: Session, state: str, tlp: str, audience: list[str], actor: str,
             **where: Any) -> Incident:
    payload = IncidentIn.model_validate(report(
        tlp=tlp, audience=audience, description=f"{actor} seen, {tlp} from {state}",
        perpetrator={"kind": "non_state_armed_group", "group_type": "jihadist",
                     "actor": actor}, **where))
    return record_report(session, payload, actor=Actor(None, "seed", state), state=state,
                         pact_ids=(), now=NOW)


@pytest.fixture
def incidents(session: Session) -> list[Incident]:
    """National reports of JNIM under several markings (against Burkina's forces), three
    ACLED events, and last one RED report of IS Sahel in Gao, Mali's own."""
    seeded = [reported(session, *row) for row in REPORTS]
    seed_events(session, 3)
    seeded.append(reported(session, "MLI", "RED", [], "is_sahel", location=GAO))
    return seeded


def test_exercises_are_never_published_and_a_group_on_both_sides_is_sighted_once(
        session: Session) -> None:
    drill = IncidentIn.model_validate(report(
        tlp="GREEN", audience=[], exercise=True, description="drill",
        perpetrator={"kind": "non_state_armed_group", "group_type": "jihadist",
                     "actor": "jnim"}))
    record_report(session, drill, actor=Actor(None, "seed", "MLI"), state="MLI", pact_ids=(),
                  now=NOW)
    jnim = "JNIM: Group for Support of Islam and Muslims"
    record_batch(session, [event(0, actors=(ActorRef("actor1", jnim),
                                            ActorRef("actor2", jnim)))],
                 actor=SYSTEM, now=NOW, pact_ids=())
    done = publish(session, registry=REGISTRY, actor=SYSTEM, now=NOW)
    assert done.stored["sighting"] == 1
    sighting = next(o for o in export(session, SEC)["objects"] if o["type"] == "sighting")
    assert sighting["external_references"][0]["source_name"] == "acled"


def export(session: Session, viewer: Viewer, **filters: Any) -> dict[str, Any]:
    return export_bundle(session, viewer, registry=REGISTRY, by=SYSTEM, now=NOW, **filters)


def of_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [o for o in bundle["objects"] if o["type"] == kind]


def is_sahel_sightings(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    actor = stix_id("threat-actor", "is_sahel")
    return [o for o in of_type(bundle, "sighting") if o["sighting_of_ref"] == actor]


def test_every_readers_bundle_validates_and_is_the_same_when_nothing_changed(
        session: Session, incidents: list[Incident]) -> None:
    for viewer in (MLI, MLI_OBSERVER, SEC):
        bundle = export(session, viewer)
        result = validate_instance(bundle, ValidationOptions(version="2.1"))
        assert result.is_valid and result.errors == []
        # the only warning: ids are UUIDv5 (deterministic), not UUIDv4
        assert {code for w in result.warnings for code in re.findall(r"\{(\d+)\}", w)} \
            == {"103"}
        assert dumps(export(session, viewer)) == dumps(bundle)
    jnim = next(o for o in of_type(bundle, "threat-actor") if o["name"].startswith("Jama"))
    assert "GSIM" in jnim["aliases"] and jnim["threat_actor_types"] == ["terrorist"]
    assert jnim["external_references"] == [{"source_name": "liptako", "external_id": "jnim"}]
    macina = next(o for o in of_type(bundle, "intrusion-set")
                  if o["id"] == stix_id("intrusion-set", "jnim.macina"))
    assert any(r["relationship_type"] == "attributed-to" and r["source_ref"] == macina["id"]
               and r["target_ref"] == jnim["id"] for r in of_type(bundle, "relationship"))


def test_a_red_sighting_reaches_its_state_only_with_its_markings(
        session: Session, incidents: list[Incident]) -> None:
    mine = is_sahel_sightings(export(session, MLI))
    assert len(mine) == 1
    refs = mine[0]["object_marking_refs"]
    assert refs[0] == TLP2_IDS["RED"] and len(refs) == 2
    statement = next(o for o in export(session, MLI)["objects"] if o["id"] == refs[1])
    assert statement["definition"]["statement"].startswith("AES: releasable to MLI only")
    assert mine[0]["created_by_ref"] == stix_id("identity", "MLI")
    assert is_sahel_sightings(export(session, NER)) == []
    assert is_sahel_sightings(export(session, MLI_OBSERVER)) == []
    assert is_sahel_sightings(export(session, SEC)) == []


def test_a_restricted_incident_changes_nothing_for_those_it_is_not_released_to(
        session: Session) -> None:
    for row in REPORTS:
        reported(session, *row)
    readers = (NER, MLI_OBSERVER, SEC)
    before = {viewer: dumps(export(session, viewer)) for viewer in readers}
    reported(session, "MLI", "RED", [], "is_sahel", location=GAO)
    later = NOW + dt.timedelta(hours=1)
    assert publish(session, registry=REGISTRY, actor=SYSTEM, now=later).total == 2
    for viewer in readers:  # not even its place or its statement marking
        assert dumps(export_bundle(session, viewer, registry=REGISTRY, by=SYSTEM,
                                   now=later)) == before[viewer]


def test_the_secretariat_reads_an_amber_sighting_with_its_statement(
        session: Session) -> None:
    reported(session, "BFA", "AMBER", ["NER"], "jnim")
    bundle = export(session, SEC)
    sighting = of_type(bundle, "sighting")[0]
    statement = sighting["object_marking_refs"][1]
    assert [o["name"] for o in bundle["objects"] if o["id"] == statement] == [
        "AES releasable to BFA, NER"]
    assert validate_instance(bundle, ValidationOptions(version="2.1")).is_valid


def test_relationships_come_from_incidents_everyone_may_read_only(
        session: Session, incidents: list[Incident]) -> None:
    bundle = export(session, MLI)
    derived = [r for r in of_type(bundle, "relationship")
               if r["relationship_type"] in ("located-at", "targets")]
    assert derived and all(r["object_marking_refs"][0] in (TLP2_IDS["CLEAR"], TLP2_IDS["GREEN"])
                           for r in derived)
    # IS Sahel is seen only in a RED report: no area of operations, no target is derived
    assert not [r for r in derived if r["source_ref"] == stix_id("threat-actor", "is_sahel")]
    reports = of_type(bundle, "report")
    listed = {ref for r in reports for ref in r["object_refs"]}
    assert reports and not {s["id"] for s in is_sahel_sightings(bundle)} & listed


def test_the_actor_filter_keeps_the_actor_and_what_its_objects_refer_to(
        session: Session, incidents: list[Incident]) -> None:
    bundle = export(session, MLI, actor_id="is_sahel")
    assert {o["type"] for o in bundle["objects"]} == {"threat-actor", "sighting", "location",
                                                      "identity", "marking-definition"}
    assert validate_instance(bundle, ValidationOptions(version="2.1")).is_valid


def stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StixObject)) or 0


def test_publish_is_incremental_idempotent_and_audited(
        session: Session, incidents: list[Incident]) -> None:
    first = publish(session, registry=REGISTRY, actor=SYSTEM, now=NOW)
    total = stored(session)
    assert first.total == total and first.stored["sighting"] == 8
    assert publish(session, registry=REGISTRY, actor=SYSTEM, now=NOW).total == 0
    assert stored(session) == total
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "stix.publish"))
    assert len(entries.all()) == 1

    red = incidents[-1]
    red.tlp, red.updated_at = "GREEN", NOW + dt.timedelta(hours=1)
    session.flush()
    changed = publish(session, registry=REGISTRY, actor=SYSTEM, now=NOW + dt.timedelta(hours=1))
    assert changed.stored["sighting"] == 1 and changed.revoked == 0
    seen = is_sahel_sightings(export(session, NER))  # now everyone's
    assert seen[0]["modified"] == "2026-12-05T11:00:00.000Z"
    assert seen[0]["object_marking_refs"] == [TLP2_IDS["GREEN"]]

    red.deleted_at = NOW + dt.timedelta(hours=2)
    session.flush()
    gone = publish(session, registry=REGISTRY, actor=SYSTEM, now=NOW + dt.timedelta(hours=2))
    assert gone.stored["sighting"] == 1 and gone.revoked >= 1
    assert is_sahel_sightings(export(session, NER))[0]["revoked"] is True


def test_two_publications_at_once_store_each_version_once(fresh_database_url: str) -> None:
    """Two readers' exports at once on PostgreSQL: the second publication waits for the
    first to commit, then finds nothing left to store (it would otherwise insert the same
    versions and fail). SQLite's transactions are serial already."""
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writing transaction at a time")
    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        seed_events(session, 2)
    first = factory()
    try:
        assert publish(first, registry=REGISTRY, actor=SYSTEM, now=NOW).total > 0
        with ThreadPoolExecutor(1) as pool:
            second = pool.submit(_publish_in, factory)
            deadline = time.monotonic() + 10
            with engine.connect() as watcher:  # until the second waits for the first
                while not watcher.execute(text(
                        "SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar():
                    watcher.rollback()
                    assert time.monotonic() < deadline, "the second publication never waited"
            first.commit()
            assert second.result(timeout=10) == 0
    finally:
        first.close()
        engine.dispose()


def _publish_in(factory: Any) -> int:
    with transaction(factory) as session:
        return publish(session, registry=REGISTRY, actor=SYSTEM, now=NOW).total
