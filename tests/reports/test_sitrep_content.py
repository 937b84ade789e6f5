"""The situation report's content (issue 22, point 1): figures and their change on the
previous period with the trend test, weeks, types, the most serious incidents with their
determinations, the Charter and assistance, alerts, hotspots and forecasts, and only what
the reader may see."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.assistance import attacked, opened
from factories.auth import seed_cast
from factories.reports import NOW, reader, seed_months
from factories.warning import import_events, national_report
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.core.errors import RuleViolation
from liptako.obligations.models import StoredDetermination
from liptako.reports.service import build_sitrep
from liptako.reports.sitrep import Sitrep, SitrepRequest
from liptako.warning.analytics.trends import Period
from liptako.warning.forecast import run_forecast
from liptako.warning.schemas import ForecastParameters


def build(session: Session, user: User, period: str = "2019-07", country: str = "all",
          lang: str = "fr") -> Sitrep:
    return build_sitrep(session, SitrepRequest.parse(period, country, lang),
                        reader=reader(user), now=NOW)


def test_a_month_is_compared_with_the_month_before_and_other_spans_with_as_long() -> None:
    assert SitrepRequest.parse("2019-03").previous == Period(dt.date(2019, 2, 1),
                                                             dt.date(2019, 2, 28))
    assert SitrepRequest.parse("2019").previous == Period(dt.date(2018, 1, 1),
                                                          dt.date(2018, 12, 31))
    week = SitrepRequest.parse("2019-07-08:2019-07-14")
    assert week.previous == Period(dt.date(2019, 7, 1), dt.date(2019, 7, 7))
    assert (SitrepRequest.parse("2019-07").slug, SitrepRequest.parse("2019").slug,
            week.slug) == ("2019-07", "2019", "2019-07-08_2019-07-14")


@pytest.mark.parametrize(("args", "field"), [
    (("July", "all", "fr"), "period"), (("2019-07", "SEN", "fr"), "country"),
    (("2019-07", "all", "de"), "lang")])
def test_bad_requests_name_the_field_and_what_was_expected(args: tuple[str, str, str],
                                                           field: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        SitrepRequest.parse(*args)
    assert caught.value.detail.startswith(f"{field}: expected")


def test_figures_weeks_and_types_count_the_period_and_test_the_change(session: Session) -> None:
    cast = seed_cast(session)
    seed_months(session, before=6, after=62)
    report = build(session, cast["sec"])
    events, fatalities = report.headline
    assert (events.now, events.before) == (62, 6)
    # ten times as many events in about as many days: the trend test calls it a rise
    assert events.verdict == "rose" and events.p_value is not None and events.p_value < 0.05
    july = [3 * k % 11 for k in range(6, 68)]
    assert fatalities.now == sum(july)
    # July 2019 starts on a Monday: weeks of 1, 8, 15, 22 and 29 July (the last cut short)
    assert [w.monday.day for w in report.weeks] == [1, 8, 15, 22, 29]
    assert sum(w.events for w in report.weeks) == 62
    assert sum(w.fatalities for w in report.weeks) == fatalities.now
    assert [(t.event_type, t.events, t.before) for t in report.types] == [("battle", 62, 6)]
    assert len(report.points) == 62 and report.sources == {"acled": 62}


def test_an_area_keeps_to_its_country(session: Session) -> None:
    cast = seed_cast(session)
    seed_months(session, before=0, after=9)  # the factory's events go round MLI, BFA, NER
    assert build(session, cast["sec"], country="MLI").headline[0].now == 9
    assert build(session, cast["sec"], country="NER").headline[0].now == 0


def test_the_top_ten_are_the_deadliest_with_their_determinations(session: Session) -> None:
    cast = seed_cast(session)
    seed_months(session, before=0, after=30, year=2026, month=11)
    attack = attacked(session, "MLI", fatalities=500)  # on 20 November 2026
    report = build(session, cast["sec"], period="2026-11")
    assert len(report.top) == 10
    kills = [t.fatalities for t in report.top]
    assert kills == sorted(kills, reverse=True) and report.top[0].id == attack.id
    stored = session.scalars(select(StoredDetermination).where(
        StoredDetermination.incident_id == attack.id)).all()
    expected = [f"{d.pact_id}:{a}" for d in stored for a in d.engaged.split(",") if a]
    assert expected and list(report.top[0].engaged) == expected
    assert report.top[0].place.endswith("MLI")


def test_the_charter_and_assistance_in_the_period(session: Session) -> None:
    cast = seed_cast(session)
    incident = attacked(session, "MLI", now=NOW - dt.timedelta(days=10))
    opened(session, cast, [incident], now=NOW - dt.timedelta(days=9))
    drill = attacked(session, "BFA", now=NOW - dt.timedelta(days=10))
    drill.exercise = True  # an exercise's attack opens duties too, which never count
    session.flush()
    report = build(session, cast["sec"], period="2026-11")
    articles = report.context["articles"]
    assert [a["engaged"] for a in articles if "Art. 6" in str(a["article"])] == [1]
    duties = report.context["duties"]
    assert {(d["owed_by"], d["beneficiary"]) for d in duties} == {("BFA", "MLI"),
                                                                    ("NER", "MLI")}
    assert [(r["requesting"], r["status"]) for r in report.context["requests"]] == [
        ("MLI", "ouverte aux engagements")]
    assert report.tlp == "AMBER"  # the attack and the request are AMBER
    # Niger's own report: the request is Mali's, the duties Niger's and Burkina Faso's
    niger = build(session, cast["sec"], period="2026-11", country="NER")
    assert niger.context["requests"] == [] and len(niger.context["duties"]) == 1


def test_only_what_the_reader_may_see_goes_in(session: Session) -> None:
    cast = seed_cast(session)
    secret = national_report(session, "MLI-2688", dt.date(2019, 7, 3), tlp="RED",
                             state="MLI")
    national_report(session, "MLI-2688", dt.date(2019, 7, 4), tlp="GREEN", state="MLI")
    drill = national_report(session, "MLI-2688", dt.date(2019, 7, 5), tlp="GREEN",
                            state="MLI", exercise=True)
    mali = build(session, cast["awa_mli_analyst"])
    burkina = build(session, cast["bfa_analyst"])
    assert mali.headline[0].now == 2 and mali.tlp == "RED"
    assert secret.id in {t.id for t in mali.top}
    assert burkina.headline[0].now == 1 and burkina.tlp == "GREEN"
    assert secret.id not in {t.id for t in burkina.top}
    # an exercise's report never counts
    assert drill.id not in {t.id for t in mali.top + burkina.top}


def test_a_forecast_shows_only_for_the_months_it_speaks_of(session: Session) -> None:
    cast = seed_cast(session)
    months = [dt.date(2018 + k // 12, k % 12 + 1, 10) for k in range(24)]
    import_events(session, [("MLI-2688", day, 3) for day in months])
    run_forecast(session, ForecastParameters(months=3, samples=200, seed=5),
                 actor=Actor(None, "seed", None), now=NOW)  # for January to March 2020
    near = build(session, cast["sec"], period="2019-12", lang="en")
    assert near.context["forecasts"] and {f["month"] for f in near.context["forecasts"]} == {
        "January 2020"}
    assert near.notes["forecast"]["threshold"] == 25
    assert build(session, cast["sec"], period="2022-01").context["forecasts"] == []
