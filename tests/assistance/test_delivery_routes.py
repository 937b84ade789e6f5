"""Confirming a delivery through the API and the request page: dated between the pledge and
now, and more than pledged only with the explicit over-delivery flag."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.assistance import HOUR, attacked, delivering
from helpers.web import sign_in
from liptako.auth.models import User

API = "/api/v1/assistance-requests"
Cast = dict[str, User]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_the_api_refuses_implausible_deliveries(client: TestClient, auth: Any,
                                                session: Session, cast: Cast) -> None:
    pledged_at = _now() - HOUR
    made, (bfa, _) = delivering(session, cast, [attacked(session, "MLI", now=pledged_at)],
                                now=pledged_at)
    mli, url = auth("amadou_mli_liaison"), f"{API}/{made.id}/pledges/{bfa.id}/deliver"
    early = client.post(url, json={"delivered_at": (pledged_at - HOUR).isoformat()},
                        headers=mli)
    assert early.status_code == 422
    assert early.json()["detail"].startswith("delivered_at: expected a time not before the "
                                             f"pledge ({pledged_at.isoformat()})")
    more = client.post(url, json={"delivered_quantity": 6}, headers=mli)
    assert (more.status_code, more.json()["detail"]) == (
        422, "delivered_quantity: expected at most the pledged 4 unless over_delivery is set, "
             "got 6")
    done = client.post(url, json={"delivered_quantity": 6, "over_delivery": True}, headers=mli)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["delivered_quantity"]) == ("delivered", 6)


def test_the_page_form_carries_the_over_delivery_flag(client: TestClient, session: Session,
                                                      cast: Cast) -> None:
    pledged_at = _now() - HOUR
    made, (bfa, _) = delivering(session, cast, [attacked(session, "MLI", now=pledged_at)],
                                now=pledged_at)
    sign_in(client, "amadou_mli_liaison")
    page = client.get(f"/assistance/{made.id}").text
    assert 'name="over_delivery"' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    form = {"csrf_token": csrf.group(1), "action": "deliver", "pledge_id": str(bfa.id),
            "delivered_quantity": "6"}
    refused = client.post(f"/assistance/{made.id}/act", data=form, follow_redirects=False)
    assert refused.status_code == 422
    assert "expected at most the pledged 4 unless over_delivery is set, got 6" in refused.text
    assert bfa.status == "accepted"
    taken = client.post(f"/assistance/{made.id}/act", data={**form, "over_delivery": "on"},
                        follow_redirects=False)
    assert taken.status_code == 303
    assert (bfa.status, bfa.delivered_quantity) == ("delivered", 6)
