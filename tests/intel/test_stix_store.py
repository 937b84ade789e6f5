"""The STIX store: versions, collections as audiences, and the reader's own predicate."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from liptako.auth.releasability import Viewer
from liptako.core.errors import NotFound, PermissionDenied
from liptako.intel.stix import stix_id, tlp_of
from liptako.intel.stix_store import Marking, Match, collection, put_object, select_objects

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
MLI = Viewer(1, "MLI", ("analyst",))
NER = Viewer(2, "NER", ("analyst",))
NER_OBSERVER = Viewer(3, "NER", ("observer",))
SEC = Viewer(4, "SEC", ("secretariat",))


def actor(key: str, modified: str) -> dict[str, object]:
    return {"type": "threat-actor", "spec_version": "2.1", "id": stix_id("threat-actor", key),
            "created": "2019-01-01T00:00:00.000Z", "modified": modified, "name": key}


def put(session: Session, obj: dict[str, object], marking: Marking, minutes: int = 0) -> bool:
    return put_object(session, obj, marking=marking, origin="local", channel="publish",
                      added_by=None, actor_id=None, now=NOW + dt.timedelta(minutes=minutes))[1]


def names(session: Session, viewer: Viewer, key: str | None, match: Match = Match()) -> list:
    where = collection(key, viewer) if key else None
    rows = session.scalars(select_objects(viewer, where, match)).all()
    return [(r.body["name"], r.body["modified"]) for r in rows]


@pytest.fixture
def stored(session: Session) -> Session:
    put(session, actor("open", "2019-01-01T00:00:00.000Z"), Marking("GREEN", "SEC"))
    put(session, actor("open", "2019-02-01T00:00:00Z"), Marking("GREEN", "SEC"), 5)
    put(session, actor("mli_ner", "2019-01-01T00:00:00.000Z"), Marking("AMBER", "MLI", ",NER,"), 1)
    put(session, actor("red", "2019-01-01T00:00:00.000Z"), Marking("RED", "NER"), 2)
    return session


def test_a_version_is_stored_once(stored: Session) -> None:
    assert not put(stored, actor("open", "2019-02-01T00:00:00.000000Z"), Marking("GREEN", "SEC"))


def test_the_latest_version_by_default_and_all_on_request(stored: Session) -> None:
    assert names(stored, MLI, "aes") == [("open", "2019-02-01T00:00:00Z")]
    assert len(names(stored, MLI, "aes", Match(versions=("all",)))) == 2
    assert names(stored, MLI, "aes", Match(versions=("first",))) == [
        ("open", "2019-01-01T00:00:00.000Z")]
    assert names(stored, MLI, "aes", Match(versions=("2019-02-01T00:00:00.000Z",))) == [
        ("open", "2019-02-01T00:00:00Z")]


def test_collections_hold_their_audience_and_the_reader_sees_only_their_own(stored: Session
                                                                          ) -> None:
    assert names(stored, MLI, "mli") == [("mli_ner", "2019-01-01T00:00:00.000Z")]
    assert [n for n, _ in names(stored, NER, "ner")] == ["mli_ner", "red"]
    assert [n for n, _ in names(stored, NER_OBSERVER, "ner")] == ["mli_ner"]
    assert [n for n, _ in names(stored, SEC, "sec")] == ["mli_ner"]
    assert [n for n, _ in names(stored, MLI, None)] == ["mli_ner", "open"]
    assert [n for n, _ in names(stored, MLI, None, Match(after=(NOW + dt.timedelta(minutes=1), 0)))
            ] == ["mli_ner", "open"]


def test_another_audience_is_refused_and_an_unknown_one_absent() -> None:
    with pytest.raises(PermissionDenied):
        collection("ner", MLI)
    with pytest.raises(NotFound):
        collection("nowhere", MLI)
    assert collection(collection("mli", MLI).id, MLI).key == "mli"


def test_added_after_types_and_ids(stored: Session) -> None:
    after = Match(added_after=NOW + dt.timedelta(minutes=1))
    assert [n for n, _ in names(stored, NER, None, after)] == ["red", "open"]
    assert names(stored, NER, None, Match(types=("identity",))) == []
    assert [n for n, _ in names(stored, NER, None, Match(ids=(stix_id("threat-actor", "red"),)))
            ] == ["red"]


def test_the_strictest_tlp_of_a_list_of_markings() -> None:
    assert tlp_of(["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
                   "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"]) == "RED"
    assert tlp_of(["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]) == "CLEAR"
    assert tlp_of([]) is None
