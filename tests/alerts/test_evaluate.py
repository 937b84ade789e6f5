"""Evaluating rules: one alert per situation, updated when it grows, ended when it lapses;
deliveries written in the same transaction; only real incidents; Art. 6/7 engagements."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.alerts import NOW, UNITS, evaluate, incident, rule
from factories.auth import seed_cast
from factories.obligations import classification
from liptako.alerts.models import Alert, Subscription
from liptako.alerts.queries import get_alert
from liptako.audit.models import AuditEntry
from liptako.auth.releasability import Viewer
from liptako.core.outbox import OutboxMessage


def _alerts(session: Session) -> list[Alert]:
    return list(session.scalars(select(Alert).order_by(Alert.id)))


def test_a_threshold_raises_one_alert_then_updates_it_when_it_grows(session: Session) -> None:
    watched = rule(session, "fatalities", threshold=10, days=7)
    first = incident(session, "BFA", days_ago=2, fatalities=6)
    assert evaluate(session).raised == []  # 6 < 10
    second = incident(session, "BFA", days_ago=1, fatalities=4)
    done = evaluate(session)
    assert len(done.raised) == 1
    (alert,) = _alerts(session)
    assert (alert.area_code, alert.status, alert.events, alert.fatalities) == \
        (UNITS["BFA"], "current", 2, 10)
    assert [i.id for i in alert.incidents] == [first.id, second.id]
    assert [m.msg_type for m in alert.messages] == ["Alert"]
    # evaluated again with nothing new: the same alert, no new message
    assert evaluate(session).raised == [] and evaluate(session).updated == []
    third = incident(session, "BFA", days_ago=0, fatalities=3)
    grown = evaluate(session)
    assert grown.raised == [] and grown.updated == [alert.id]
    session.refresh(alert)
    assert [m.msg_type for m in alert.messages] == ["Alert", "Update"]
    update = alert.messages[1]
    assert f"{alert.messages[0].identifier}," in update.cap_xml  # <references>
    assert [i.id for i in alert.incidents] == [first.id, second.id, third.id]
    assert alert.fatalities == 13 and watched.id == alert.rule_id
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "alert")).all()
    assert list(actions) == ["alert.raise", "alert.update"]


def test_the_alert_ends_when_the_window_slides_past_it(session: Session) -> None:
    rule(session, "events", threshold=2, days=3)
    incident(session, "NER", days_ago=2)
    incident(session, "NER", days_ago=1)
    (raised,) = evaluate(session).raised
    later = evaluate(session, now=NOW + dt.timedelta(days=2))
    assert later.ended == [raised]
    alert = session.get(Alert, raised)
    assert alert is not None and alert.status == "ended" and alert.situation is None
    # the situation again later is a new alert
    incident(session, "NER", days_ago=-2, fatalities=1)
    incident(session, "NER", days_ago=-3, fatalities=1)
    assert len(evaluate(session, now=NOW + dt.timedelta(days=3)).raised) == 1


def test_each_unit_is_its_own_situation_and_exercises_never_count(session: Session) -> None:
    rule(session, "events", threshold=1, days=7)
    incident(session, "MLI")
    incident(session, "NER")
    incident(session, "BFA", exercise=True)
    assert len(evaluate(session).raised) == 2
    assert sorted(a.area_code or "" for a in _alerts(session)) == [UNITS["MLI"], UNITS["NER"]]


def test_an_area_rule_watches_its_unit_only(session: Session) -> None:
    rule(session, "events", threshold=1, area=UNITS["NER"])
    incident(session, "MLI")
    incident(session, "NER")
    assert [a.area_code for a in _alerts(session)] == [] and len(evaluate(session).raised) == 1
    assert [a.area_code for a in _alerts(session)] == [UNITS["NER"]]


def test_an_incident_engaging_art_6_raises_an_alert(session: Session) -> None:
    cast = seed_cast(session)
    rule(session, "charter", days=7)
    engaged = incident(session, "BFA", pacts=("aes-2023",))
    old = incident(session, "BFA", pacts=("aes-2023",), days_ago=30)  # outside the window
    assert evaluate(session).raised == []  # Art. 6 undetermined until someone classifies
    for made in (engaged, old):
        classification(session, made, value=True, decided_by=cast["bfa_analyst"].id,
                       state="BFA", confirmed_by=cast["sec"].id)
    (raised,) = evaluate(session).raised
    alert = session.get(Alert, raised)
    assert alert is not None and [i.id for i in alert.incidents] == [engaged.id]
    assert "Art. 6" in alert.messages[0].cap_xml


def test_deliveries_are_written_with_the_alert_for_the_states_that_may_see_it(
        session: Session) -> None:
    for state, channel, target in (("NER", "webhook", "http://127.0.0.1:9/hook"),
                                   ("MLI", "email", "ops@mli.example"),
                                   ("BFA", "webhook", "http://127.0.0.1:9/bfa")):
        session.add(Subscription(state=state, channel=channel, target=target, secret="k",
                                 language="en", active=True, created_at=NOW))
    rule(session, "events", threshold=1)
    # AMBER for Burkina Faso and Niger only: Mali's subscription gets nothing
    incident(session, "BFA", tlp="AMBER", audience=["NER"])
    (raised,) = evaluate(session).raised
    sent = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert sorted(m.destination for m in sent) == ["http://127.0.0.1:9/bfa",
                                                   "http://127.0.0.1:9/hook"]
    alert = session.get(Alert, raised)
    assert alert is not None and all(m.payload == alert.messages[0].cap_xml for m in sent)
    assert all(m.topic == f"alert_message:{alert.messages[0].id}" for m in sent)


def test_an_alert_is_seen_only_by_who_may_see_every_incident(session: Session) -> None:
    rule(session, "events", threshold=2)
    incident(session, "NER", tlp="CLEAR")
    incident(session, "NER", tlp="RED")
    (raised,) = evaluate(session).raised
    niger, mali = Viewer(1, "NER", ("liaison",)), Viewer(2, "MLI", ("liaison",))
    assert get_alert(session, niger, raised).id == raised
    import pytest

    from liptako.core.errors import NotFound
    with pytest.raises(NotFound):
        get_alert(session, mali, raised)
    with pytest.raises(NotFound):  # RED: never observers
        get_alert(session, Viewer(3, "NER", ("observer",)), raised)
