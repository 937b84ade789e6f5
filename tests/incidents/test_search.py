"""The text search over descriptions and place names (issue 18, point 7): case and accents
aside, every word, on SQLite and PostgreSQL alike, through the same query path as the other
filters (so only what the caller may see), in the list and in the stats."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.incidents import NOW, report
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.auth.releasability import Viewer, may_see
from liptako.core import migrate
from liptako.core.config import Settings
from liptako.incidents.models import SEARCHED, Incident
from liptako.incidents.rules import search_text, search_words
from liptako.incidents.schemas import IncidentIn
from liptako.obligations.recording import record_report

# (state, TLP, audience, point, place name, description)
REPORTS = (
    ("MLI", "GREEN", [], (13.43, -6.26), "Dioro", "Attaque d'un poste à l'est de la ville."),
    ("BFA", "RED", [], (14.10, -1.63), "Djibo", "Embuscade contre l'ARMÉE près de Djibo."),
    ("NER", "AMBER", ["SEC"], (14.21, 1.45), "Tillabéri", "Enlèvement de civils."),
    ("NER", "AMBER+STRICT", ["MLI"], (14.21, 1.45), None, "Œuvre d'un groupe armé à Ayorou."),
)


def _seed(session: Session) -> list[Incident]:
    out = []
    for i, (state, tlp, audience, (lat, lon), place, text) in enumerate(REPORTS):
        payload = IncidentIn.model_validate(report(
            location={"lat": lat, "lon": lon}, tlp=tlp, audience=audience, place_name=place,
            description=text, occurred_on=f"2024-03-{i + 1:02d}"))
        out.append(record_report(session, payload, actor=Actor(None, "seed", state),
                                 state=state, pact_ids=(), now=NOW))
    return out


def _found(client: TestClient, headers: dict[str, str], q: str, **more: str) -> set[int]:
    answer = client.get("/api/v1/incidents", params={"q": q, "limit": 5000, **more},
                        headers=headers)
    assert answer.status_code == 200, answer.text
    return {f["id"] for f in answer.json()["features"]}


def test_words_are_folded_alike() -> None:
    assert search_words("Ségou, l'Œuvre  TILLABÉRI") == ["segou", "l", "oeuvre", "tillaberi"]
    assert search_text(None, "Djibo", "", "Soum") == "djibo soum"
    assert search_words("  ,;  ") == []


def test_case_and_accents_aside_on_both_backends(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                                 session: Session) -> None:
    segou, djibo, tillaberi, ayorou = (i.id for i in _seed(session))
    assert session.get(Incident, segou).admin1_name == "Ségou"  # type: ignore[union-attr]
    sec, bfa = auth("sec"), auth("ibrahim_bfa_liaison")
    for q in ("segou", "SÉGOU", "Ségou", "ségou", "SEGOU"):  # our admin-1 name
        assert segou in _found(client, sec, q), q
    assert tillaberi in _found(client, sec, "tillaberi")  # the report's place name
    assert _found(client, sec, "enlevement civils") == {tillaberi}  # every word...
    assert _found(client, sec, "enlèvement djibo") == set()  # ...not any
    assert _found(client, bfa, "armee DJIBO") == {djibo}  # the description's case aside
    assert _found(client, sec, "tillab") >= {tillaberi}  # a word inside a longer one
    assert ayorou in _found(client, auth("amadou_mli_liaison"), "oeuvre ayorou")
    assert _found(client, sec, "segou", country="NER") == set()  # with the other filters
    assert _found(client, sec, "100%") == set() and _found(client, sec, "a_b") == set()


def test_only_what_the_caller_may_see(client: TestClient, auth, session: Session,  # type: ignore[no-untyped-def]
                                      cast: dict[str, User]) -> None:
    seeded = _seed(session)
    for name, user in cast.items():
        viewer = Viewer(user.id, user.state, tuple(user.roles))
        for q in ("djibo", "groupe arme", "civils", "de"):
            words = search_words(q)
            expected = {i.id for i in seeded if may_see(viewer, i.tlp, i.originator, i.audience)
                        and all(w in search_text(*(getattr(i, n) for n in SEARCHED))
                                for w in words)}
            assert _found(client, auth(name), q) & {i.id for i in seeded} == expected, (name, q)
            stats = client.get("/api/v1/stats", params={"q": q, "from": "2024-03-01",
                                                        "to": "2024-03-31"},
                               headers=auth(name)).json()
            assert stats["events"] == len(expected), (name, q)


def test_a_change_through_the_orm_is_searched(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                              session: Session) -> None:
    incident = _seed(session)[0]
    incident.description = "Incendie du marché de Niono."
    session.flush()
    assert _found(client, auth("sec"), "marche niono") == {incident.id}
    assert incident.id not in _found(client, auth("sec"), "attaque")


def test_the_parameter_is_documented(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/incidents", "/api/v1/stats"):
        [q] = [p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == "q"]
        assert "accents" in q["description"] and q["schema"]["anyOf"][0]["maxLength"] == 200


@pytest.fixture
def at_0019(database_url: str, tmp_path: Path, pg_databases: object) -> Settings:
    """An empty database of the test's backend migrated to the revision before the search."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = pg_databases.create()  # type: ignore[attr-defined]
    settings = Settings(env="test", database_url=url)
    migrate.upgrade(settings, "0019")
    return settings


def test_the_migration_fills_incidents_stored_before(at_0019: Settings) -> None:
    texts = [("Attaque près de Ségou", "Dioro", "Ségou", "Barouéli"),
             (None, None, None, None), ("L'Œuvre d'un groupe armé", None, "Tillabéri", None)]
    engine = sa.create_engine(at_0019.database_url)
    with engine.begin() as conn:
        table = sa.Table("incident", sa.MetaData(), autoload_with=conn)
        conn.execute(sa.insert(table), [
            {"source": "acled", "source_id": f"X{i}", "version": 1, "content_hash": "h",
             "occurred_on": NOW.date(), "event_type": "battle", "tlp": "CLEAR",
             "originator": "ACLED", "audience": "", "created_at": NOW, "updated_at": NOW,
             "description": d, "src_location": loc, "admin1_name": a1, "admin2_name": a2}
            for i, (d, loc, a1, a2) in enumerate(texts)])
    migrate.upgrade(at_0019)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT search_text, {', '.join(SEARCHED)} FROM incident "
                                    "ORDER BY id")).all()
    engine.dispose()
    assert [row[0] for row in rows] == [search_text(*row[1:]) for row in rows]
    assert rows[0][0] == "attaque pres de segou dioro segou baroueli" and rows[1][0] == ""
