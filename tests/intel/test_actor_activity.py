"""An actor's activity counts only the events its reader may see (not deleted, not made in an
exercise, releasable to the reader), with its components' and in a fixed number of
statements; the list's counts follow the same rule."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from factories.incidents import NOW, event
from factories.warning import national_report, unit_point
from incidents.test_statements import counted
from liptako.audit.service import Actor
from liptako.auth.releasability import Viewer
from liptako.incidents.activity import MONTHS, actor_activity, events_by_actor
from liptako.incidents.schemas import ActorRef
from liptako.obligations.recording import record_batch

TIMBUKTU, SOUM = "MLI-2688", "BFA-2826"
NIGER = Viewer(None, "NER", ("liaison",))
BURKINA = Viewer(None, "BFA", ("liaison",))


def _imported(session: Session) -> None:
    """Public events (CLEAR): JNIM against Mali's army in Timbuktu each month of 2019 (2 dead
    each), and Katiba Macina (a JNIM component) against civilians in Soum once."""
    records = []
    for k in range(12):
        lat, lon = unit_point(TIMBUKTU)
        records.append(event(k, source_id=f"ACT{k:04d}", occurred_on=dt.date(2019, k + 1, 3),
                             lat=lat, lon=lon, iso3="MLI", fatalities=2, actors=(
                                 ActorRef("actor1", "JNIM: Group for Support of Islam and "
                                                    "Muslims"),
                                 ActorRef("actor2", "Military Forces of Mali (2013-2020)"))))
    lat, lon = unit_point(SOUM)
    records.append(event(99, source_id="ACT0099", occurred_on=dt.date(2019, 6, 9), lat=lat,
                         lon=lon, iso3="BFA", fatalities=5, actors=(
                             ActorRef("actor1", "Katiba Macina"),
                             ActorRef("actor2", "Civilians (Burkina Faso)"))))
    record_batch(session, records, actor=Actor(None, "seed", None), now=NOW, pact_ids=())
    session.flush()


def test_a_red_report_of_another_state_is_counted_only_for_who_may_see_it(
        session: Session) -> None:
    _imported(session)
    red = national_report(session, SOUM, dt.date(2019, 12, 20), tlp="RED", state="BFA")
    national_report(session, SOUM, dt.date(2019, 12, 21), tlp="CLEAR", state="BFA",
                    exercise=True)
    niger = actor_activity(session, NIGER, ["jnim"])
    burkina = actor_activity(session, BURKINA, ["jnim"])
    assert (niger.events, niger.fatalities) == (12, 24)
    assert (burkina.events, burkina.fatalities) == (13, 24 + 12)  # the report: 12 dead
    assert red.id not in [i.id for i in niger.latest]
    assert burkina.latest[0].id == red.id
    assert events_by_actor(session, NIGER)["jnim"] == 12
    assert events_by_actor(session, BURKINA)["jnim"] == 13
    # the months: 36 up to the newest event each may see, the same month here
    assert len(niger.months) == MONTHS and niger.months[-1].month == dt.date(2019, 12, 1)
    assert (niger.months[-1].events, burkina.months[-1].events) == (1, 2)
    assert niger.months[0].month == dt.date(2017, 1, 1)
    assert sum(m.events for m in burkina.months) == 13


def test_components_areas_and_the_other_side(session: Session) -> None:
    _imported(session)
    alone = actor_activity(session, NIGER, ["jnim"])
    whole = actor_activity(session, NIGER, ["jnim", "jnim.macina"])
    assert (alone.events, whole.events) == (12, 13)
    assert [(a.iso3, a.events, a.fatalities) for a in whole.areas] == [("MLI", 12, 24),
                                                                       ("BFA", 1, 5)]
    assert whole.areas[0].admin1_name == "Timbuktu"
    assert whole.targets == [("state.mli.military", 12), ("civilians.bfa", 1)]
    assert actor_activity(session, NIGER, ["fla"]).events == 0


def test_the_activity_costs_the_same_statements_whatever_the_events(
        session: Session, engine: Engine) -> None:
    _imported(session)
    with counted(engine) as statements:
        actor_activity(session, NIGER, ["jnim", "jnim.macina"])
    assert len(statements) == 5
