"""No page shows a raw code (`not_engaged`, `open_for_pledges`, `air_support`, `actor1`,
`accept_pledge`, `armed_attack`, an actor id): every status, need, role, step and reason is
in words, in French and in English (issue 18, point 4)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.alerts import seed_matrix
from factories.assistance import seed_assistance
from factories.incidents import seed_events, seed_markings
from factories.obligations import classification
from helpers.web import sign_in
from liptako.auth.models import User

# snake_case codes, ACLED's actor roles, dotted actor ids (state.mli.military)
CODE = re.compile(r"\b(?:[a-z0-9]+(?:_[a-z0-9]+)+|actor[12]|[a-z]+\.[a-z]{3}\.[a-z_]+)\b")


class _Text(HTMLParser):
    """The text a reader sees: no scripts, styles or attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _codes(html: str, names: set[str]) -> set[str]:
    reader = _Text()
    reader.feed(html)
    return {c for c in CODE.findall(" ".join(reader.parts)) if c not in names}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pages_speak_words_not_codes(lang: str, client: TestClient, session: Session,
                                     cast: dict[str, User]) -> None:
    seeded = seed_markings(session)
    ids = seed_assistance(session, cast)
    [event_id, *_] = seed_events(session, 3, pact_ids=("aes-2023",))
    burkina = next(i for i in seeded if i.iso3 == "BFA" and i.tlp == "GREEN")
    classification(session, burkina, value=True, decided_by=cast["bfa_analyst"].id, state="BFA")
    alerts = seed_matrix(session)
    pages = ["/", "/assistance", "/reconciliation", "/classifications", "/admin/users",
             "/incidents/new", f"/incidents/{burkina.id}", f"/incidents/{event_id}",
             f"/incidents/{ids['incident:MLI']}",
             *{f"/assistance/{v}" for k, v in ids.items() if "." not in k and ":" not in k},
             "/alerts", f"/alerts/{alerts['alert']}", "/alerts/rules", "/alerts/subscriptions"]
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
