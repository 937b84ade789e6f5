"""No page shows a raw code (`not_engaged`, `open_for_pledges`, `air_support`, `actor1`,
`accept_pledge`, `armed_attack`, an actor id): every status, need, role, step and reason is
in words, in French and in English (issue 18, point 4)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.alerts import seed_matrix
from factories.assistance import seed_assistance
from factories.incidents import NOW, report, seed_events, seed_markings
from factories.obligations import classification
from helpers.web import sign_in
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.charter.logic import FIELDS
from liptako.incidents.rules import EVENT_TYPES, SOURCES
from liptako.incidents.schemas import IncidentIn
from liptako.obligations.queries import determinations_of
from liptako.obligations.recording import record_report
from liptako.web.messages import MISSING_FACTS

# snake_case codes, ACLED's actor roles, dotted actor ids (state.mli.military)
CODE = re.compile(r"\b(?:[a-z0-9]+(?:_[a-z0-9]+)+|actor[12]|[a-z]+\.[a-z]{3}\.[a-z_]+)\b")


class _Text(HTMLParser):
    """The text a reader sees: no scripts, styles or attribute values, but the words a page
    hands its script to write (the values of its JSON data, such as the map's labels)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.data: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")
        if tag == "script" and ("type", "application/json") in attrs:
            self.data = []

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")
        if tag == "script" and self.data is not None:
            self.parts += _values(json.loads("".join(self.data)))
            self.data = None

    def handle_data(self, data: str) -> None:
        if self.data is not None:
            self.data.append(data)
        elif not self.hidden:
            self.parts.append(data)


def _values(data: object) -> list[str]:
    """The strings of a JSON value, not its keys (codes that name what the words are for)."""
    if isinstance(data, dict):
        return [v for value in data.values() for v in _values(value)]
    if isinstance(data, list):
        return [v for value in data for v in _values(value)]
    return [data] if isinstance(data, str) else []


def _codes(html: str, names: set[str]) -> set[str]:
    reader = _Text()
    reader.feed(html)
    assert reader.parts, "no text read"
    text = " ".join(reader.parts)
    paths = {f for f in FIELDS if "." in f and f in text}  # the charter's missing facts
    return paths | {c for c in CODE.findall(text) if c not in names}


def _undetermined(session: Session) -> list[int]:
    """Reports under the Charter that leave Art. 6 undetermined: a jihadist attack on forces
    (a classification is missing) and an attack by an actor of unknown kind."""
    made = []
    for perpetrator in ({"kind": "non_state_armed_group", "group_type": "jihadist"},
                        {"actor": "unknown gunmen"}):
        payload = IncidentIn.model_validate(report(occurred_on="2024-05-11", tlp="CLEAR",
                                                   perpetrator=perpetrator))
        made.append(record_report(session, payload, actor=Actor(None, "seed", "BFA"),
                                  state="BFA", pact_ids=("aes-2023",), now=NOW))
    article_6 = [p for i in made for d in determinations_of(session, i.id)
                 for p in d["provisions"] if p["article"] == "6"]
    assert len(article_6) == 2 and all(p["missing"] for p in article_6), article_6
    return [i.id for i in made]


def test_the_map_hands_its_script_words() -> None:
    reader = _Text()
    reader.feed('<p>Carte</p><script type="application/json">{"labels": {"types": '
                '{"battle": "Bataille"}, "x": ["open_for_pledges"]}}</script><script>a_b</script>')
    assert reader.parts == ["Carte", "Bataille", "open_for_pledges"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pages_speak_words_not_codes(lang: str, client: TestClient, session: Session,
                                     cast: dict[str, User]) -> None:
    seeded = seed_markings(session)
    ids = seed_assistance(session, cast)
    [event_id, *_] = seed_events(session, 3, pact_ids=("aes-2023",))
    burkina = next(i for i in seeded if i.iso3 == "BFA" and i.tlp == "GREEN")
    classification(session, burkina, value=True, decided_by=cast["bfa_analyst"].id, state="BFA")
    undetermined = _undetermined(session)
    alerts = seed_matrix(session)
    pages = ["/", "/?country=MLI&q=attaque", "/assistance", "/assistance/new",
             "/reconciliation", "/reconciliation?state=NER", "/classifications", "/admin/users",
             "/incidents/new", f"/incidents/{burkina.id}", f"/incidents/{event_id}",
             f"/incidents/{ids['incident:MLI']}", *(f"/incidents/{i}" for i in undetermined),
             *{f"/assistance/{v}" for k, v in ids.items() if "." not in k and ":" not in k},
             "/alerts", f"/alerts/{alerts['alert']}", "/alerts/rules", "/alerts/subscriptions",
             f"/units/{burkina.admin2_code or burkina.admin1_code}",
             "/actors", "/actors?family=militia", "/actors/jnim", "/actors/fla",
             "/actors/state.mli.military"]
    names = set(cast) | {"made_by_admin"}
    found: dict[str, set[str]] = {}
    for user in ("sec", "amadou_mli_liaison", "admin"):
        sign_in(client, user)
        for path in pages:
            got = client.get(path, params={"lang": lang})
            if got.status_code == 403:  # a page the role does not open
                continue
            assert got.status_code == 200, (user, path, got.status_code)
            for code in _codes(got.text, names):
                found.setdefault(code, set()).add(f"{user} {path}")
    assert not found, found


def test_every_code_a_page_may_meet_has_its_words(client: TestClient,
                                                  cast: dict[str, User]) -> None:
    assert set(MISSING_FACTS) == set(FIELDS)
    sign_in(client, "sec")
    for lang in ("fr", "en"):
        page = client.get("/", params={"lang": lang}).text
        found = re.search(r'<script type="application/json" id="map-config">(.*?)</script>',
                          page, re.S)
        assert found is not None
        labels = json.loads(found.group(1))["labels"]
        # the map's script finds a word for every event type and source it may be sent
        assert set(labels["types"]) == set(EVENT_TYPES)
        assert set(labels["sources"]) == set(SOURCES)
        assert {"one", "other"} <= set(labels["events"]) and "other" in labels["fatalities"]
