"""TAXII 2.1 with a real client: taxii2-client against the app served over HTTP (uvicorn in a
thread, on a database of its own), authenticated with API tokens."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
import uvicorn
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from factories.auth import seed_cast
from liptako.audit.service import SYSTEM
from liptako.auth.tokens import create_api_token
from liptako.core import migrate
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory, transaction
from liptako.intel.stix import stix_id, timestamp
from liptako.intel.stix_store import Marking, put_object
from liptako.web.app import create_app

START = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
TAXII = "application/taxii+json;version=2.1"


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def actor(key: str, modified: str = "2019-01-01T00:00:00.000Z") -> dict[str, object]:
    return {"type": "threat-actor", "spec_version": "2.1", "id": stix_id("threat-actor", key),
            "created": "2019-01-01T00:00:00.000Z", "modified": modified, "name": key}


@dataclass
class Live:
    base: str
    tokens: dict[str, str]

    def root(self, user: str) -> ApiRoot:
        server = Server(f"{self.base}/taxii2/", auth=Bearer(self.tokens[user]))
        return server.api_roots[0]

    def collection(self, user: str, alias: str) -> Collection:
        return next(c for c in self.root(user).collections if c.alias == alias)


def _store(url: str) -> dict[str, str]:
    """The cast, their API tokens, and the objects: twelve open actors (one in two versions),
    an AMBER one released by Mali to Niger, a RED one of Niger's."""
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        cast = seed_cast(session)
        tokens = {name: create_api_token(session, user=cast[name], name="taxii", actor=SYSTEM,
                                         now=START)[1]
                  for name in ("awa_mli_analyst", "ner_analyst", "mli_observer")}
        for i in range(12):
            put_object(session, actor(f"open{i:02}"), marking=Marking("GREEN", "SEC"),
                       origin="local", channel="publish", added_by=None, actor_id=None,
                       now=START + dt.timedelta(minutes=i))
        put_object(session, actor("open00", "2019-06-01T00:00:00.000Z"),
                   marking=Marking("GREEN", "SEC"), origin="local", channel="publish",
                   added_by=None, actor_id=None, now=START + dt.timedelta(hours=1))
        put_object(session, actor("amber"), marking=Marking("AMBER", "MLI", ",NER,"),
                   origin="local", channel="publish", added_by=None, actor_id=None, now=START)
        put_object(session, actor("red"), marking=Marking("RED", "NER"), origin="local",
                   channel="publish", added_by=None, actor_id=None, now=START)
    engine.dispose()
    return tokens


@pytest.fixture(scope="module")
def live(database_url: str, tmp_path_factory: pytest.TempPathFactory,
         pg_databases: object) -> Iterator[Live]:
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('taxii') / 'taxii.db'}"
    else:
        url = pg_databases.create()  # type: ignore[attr-defined]
    settings = Settings(env="test", database_url=url, secret_key="t" * 40)
    migrate.upgrade(settings)
    tokens = _store(url)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield Live(f"http://127.0.0.1:{port}", tokens)
    server.should_exit = True
    thread.join(timeout=10)


def test_discovery_and_the_collections_a_state_may_read(live: Live) -> None:
    server = Server(f"{live.base}/taxii2/", auth=Bearer(live.tokens["awa_mli_analyst"]))
    assert server.title == "liptako TAXII 2.1"
    root = server.default
    assert root is not None and root.url == server.api_roots[0].url
    assert TAXII in root.versions
    mli = {c.alias: c for c in root.collections}
    assert sorted(mli) == ["aes", "mli"]
    assert mli["aes"].can_read and mli["aes"].can_write
    ner = {c.alias for c in live.root("ner_analyst").collections}
    assert ner == {"aes", "ner"}
    observer = next(c for c in live.root("mli_observer").collections
                    if c.alias == "aes")
    assert observer.can_read and not observer.can_write


def test_reading_page_by_page_gives_every_latest_version_once(live: Live) -> None:
    aes = live.collection("awa_mli_analyst", "aes")
    pages = list(as_pages(aes.get_objects, per_request=5))
    assert [len(p.get("objects", [])) for p in pages] == [5, 5, 2]
    assert [p["more"] for p in pages] == [True, True, False]
    got = [o["name"] for p in pages for o in p["objects"]]
    assert sorted(got) == [f"open{i:02}" for i in range(12)]
    latest = next(o for p in pages for o in p["objects"] if o["name"] == "open00")
    assert latest["modified"] == "2019-06-01T00:00:00.000Z"
    manifest = list(as_pages(aes.get_manifest, per_request=7))
    assert sum(len(p["objects"]) for p in manifest) == 12


def test_added_after_and_the_date_headers(live: Live) -> None:
    aes = live.collection("awa_mli_analyst", "aes")
    after = timestamp(START + dt.timedelta(minutes=9, seconds=30))
    got = aes.get_objects(added_after=after)
    assert [o["name"] for o in got["objects"]] == ["open10", "open11", "open00"]
    answer = requests.get(f"{aes.url}objects/", params={"added_after": after},
                          headers={"Accept": TAXII}, auth=Bearer(live.tokens["ner_analyst"]),
                          timeout=10)
    assert answer.headers["content-type"] == TAXII
    assert answer.headers["X-TAXII-Date-Added-First"] == timestamp(START + dt.timedelta(minutes=10))
    assert answer.headers["X-TAXII-Date-Added-Last"] == timestamp(START + dt.timedelta(hours=1))


def test_one_object_its_versions_and_match_filters(live: Live) -> None:
    aes = live.collection("ner_analyst", "aes")
    target = stix_id("threat-actor", "open00")
    assert aes.object_versions(target)["versions"] == ["2019-01-01T00:00:00.000Z",
                                                       "2019-06-01T00:00:00.000Z"]
    first = aes.get_object(target, version="first")["objects"]
    assert [o["modified"] for o in first] == ["2019-01-01T00:00:00.000Z"]
    assert len(aes.get_object(target, version="all")["objects"]) == 2
    assert aes.get_objects(type="identity") == {"more": False}
    assert [o["name"] for o in aes.get_objects(id=target)["objects"]] == ["open00"]


def test_each_state_reads_only_what_is_released_to_it(live: Live) -> None:
    assert [o["name"] for o in live.collection("awa_mli_analyst", "mli").get_objects()["objects"]
            ] == ["amber"]
    ner = live.collection("ner_analyst", "ner").get_objects()["objects"]
    assert sorted(o["name"] for o in ner) == ["amber", "red"]
    observer = live.collection("mli_observer", "mli").get_objects()["objects"]
    assert [o["name"] for o in observer] == ["amber"]


def test_another_audiences_collection_is_refused(live: Live) -> None:
    ner = live.collection("ner_analyst", "ner")
    intruder = Collection(ner.url, auth=Bearer(live.tokens["awa_mli_analyst"]))
    with pytest.raises(requests.HTTPError) as refused:
        intruder.get_objects()
    assert refused.value.response.status_code == 403
    body = refused.value.response.json()
    assert body["http_status"] == "403" and "readable by users of NER" in body["description"]
    # Niger's RED object is not in Mali's view of the community collection: absent
    hidden = (f"{live.collection('awa_mli_analyst', 'aes').url}objects/"
              f"{stix_id('threat-actor', 'red')}/")
    assert requests.get(hidden, headers={"Accept": TAXII},
                        auth=Bearer(live.tokens["awa_mli_analyst"]), timeout=10).status_code == 404


def test_no_token_no_taxii_and_the_media_type_is_required(live: Live) -> None:
    discovery = requests.get(f"{live.base}/taxii2/", headers={"Accept": TAXII}, timeout=10)
    assert discovery.status_code == 200 and discovery.json()["api_roots"]  # an address only
    anonymous = requests.get(f"{live.base}/taxii2/aes/collections/", headers={"Accept": TAXII},
                             timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == TAXII
    assert anonymous.json()["http_status"] == "401"
    html = requests.get(f"{live.base}/taxii2/", headers={"Accept": "text/html"},
                        auth=Bearer(live.tokens["ner_analyst"]), timeout=10)
    assert html.status_code == 406


GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"


def partner_actor(name: str, marking: str = GREEN, **more: object) -> dict[str, object]:
    return {"type": "threat-actor", "spec_version": "2.1",
            "id": f"threat-actor--{uuid.uuid4()}", "created": "2026-11-30T10:00:00.000Z",
            "modified": "2026-11-30T10:00:00.000Z", "name": name,
            "object_marking_refs": [marking], **more}


def test_a_post_completes_and_what_it_stored_is_read_back(live: Live) -> None:
    aes = live.collection("awa_mli_analyst", "aes")
    gsim = partner_actor("GSIM")
    sighting = {"type": "sighting", "spec_version": "2.1", "id": f"sighting--{uuid.uuid4()}",
                "created": "2026-11-30T10:00:00.000Z", "modified": "2026-11-30T10:00:00.000Z",
                "sighting_of_ref": gsim["id"], "count": 1, "object_marking_refs": [GREEN]}
    status = aes.add_objects({"objects": [gsim, sighting]}, poll_interval=0.1, timeout=5)
    assert status.status == "complete"
    assert (status.total_count, status.success_count, status.failure_count) == (2, 2, 0)
    got = aes.get_object(gsim["id"])["objects"]
    assert [o["name"] for o in got] == ["GSIM"]
    again = aes.add_objects({"objects": [gsim]}, poll_interval=0.1, timeout=5)
    assert again.successes[0]["message"] == "already stored"
    assert aes.object_versions(gsim["id"])["versions"] == ["2026-11-30T10:00:00.000Z"]
    # another state's user reads it too: the community collection holds it
    ner = live.collection("ner_analyst", "aes")
    assert [o["id"] for o in ner.get_objects(id=sighting["id"])["objects"]] == [sighting["id"]]


def test_an_invalid_envelope_is_refused_whole_with_the_validators_words(live: Live) -> None:
    aes = live.collection("ner_analyst", "aes")
    good, nameless = partner_actor("Katiba Serma"), partner_actor("x")
    del nameless["name"]
    status = aes.add_objects({"objects": [good, nameless]}, poll_interval=0.1, timeout=5)
    assert status.status == "complete" and status.success_count == 0
    assert status.failure_count == 2
    said = {f["id"]: f["message"] for f in status.failures}
    assert "name" in said[nameless["id"]]
    assert aes.get_objects(id=good["id"]) == {"more": False}


def test_a_marking_the_collection_does_not_take_fails_alone(live: Live) -> None:
    mli = live.collection("awa_mli_analyst", "mli")
    open_one, restricted = partner_actor("open one"), partner_actor("restricted one", AMBER)
    status = mli.add_objects({"objects": [open_one, restricted]}, poll_interval=0.1, timeout=5)
    assert (status.success_count, status.failure_count) == (1, 1)
    assert status.failures[0]["id"] == open_one["id"]
    assert "takes AMBER" in status.failures[0]["message"]
    assert [o["name"] for o in mli.get_objects(id=restricted["id"])["objects"]] == [
        "restricted one"]
    ner = live.collection("ner_analyst", "ner").get_objects(id=restricted["id"])
    assert ner == {"more": False}  # Mali's AMBER object, released to no one else


def test_observers_and_wrong_media_types_may_not_post(live: Live) -> None:
    url = f"{live.collection('mli_observer', 'aes').url}objects/"
    body = {"objects": [partner_actor("observed")]}
    observer = requests.post(url, json=body, auth=Bearer(live.tokens["mli_observer"]),
                             headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=10)
    assert observer.status_code == 403
    text = requests.post(url, data="objects", auth=Bearer(live.tokens["ner_analyst"]),
                         headers={"Accept": TAXII, "Content-Type": "text/plain"}, timeout=10)
    assert text.status_code in (415, 422)
