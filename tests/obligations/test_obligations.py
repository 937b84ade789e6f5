import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.obligations import classification, evaluated_report
from liptako.audit import service as audit
from liptako.audit.models import AuditEntry
from liptako.auth.models import User
from liptako.auth.releasability import Viewer
from liptako.incidents.models import Incident, IncidentActor
from liptako.intel.actors import ActorRegistry
from liptako.obligations import queries
from liptako.obligations import service as obligations
from liptako.obligations.facts import derive_facts
from liptako.obligations.models import Duty, StoredDetermination

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
PACTS = ("aes-2023",)


def _national(session: Session, state: str, **overrides: object) -> Incident:
    return evaluated_report(session, state, pact_ids=PACTS, **overrides)


def _article(session: Session, incident: Incident, article: str) -> dict[str, object]:
    stored = session.scalars(select(StoredDetermination).where(
        StoredDetermination.incident_id == incident.id)).one()
    return next(p for p in stored.provisions if p["article"] == article)


def _duties(session: Session, incident: Incident) -> dict[str, str]:
    return {d.owed_by: d.status for d in session.scalars(
        select(Duty).where(Duty.incident_id == incident.id))}


def test_facts_come_from_the_canonical_actors(session: Session) -> None:
    incident = Incident(id=1, occurred_on=dt.date(2019, 7, 29), lat=14.1, lon=-1.63,
                        event_type="battle", reported=None)
    incident.actors = [
        IncidentActor(role="actor1", raw="JNIM", actor_id="jnim"),
        IncidentActor(role="actor2", raw="Military Forces of Burkina Faso (2015-)",
                      actor_id="state.bfa.military")]
    facts = derive_facts(incident, ActorRegistry.load())
    assert facts["perpetrator"]["kind"] == "non_state_armed_group"
    assert facts["perpetrator"]["group_type"] == "jihadist"
    assert facts["target"] == {"kind": "state_forces", "party": "BFA"}
    assert facts["acts"] == ["armed_attack"]
    protest = Incident(id=2, occurred_on=dt.date(2019, 7, 29), lat=12.6, lon=-8.0,
                       event_type="protest", reported=None)
    protest.actors = [IncidentActor(role="actor1", raw="Protesters (Mali)",
                                    actor_id="protesters.mli")]
    assert derive_facts(protest, ActorRegistry.load())["acts"] == []


def test_classification_settles_art_6_and_opens_then_lapses_duties(
        session: Session, cast: dict[str, User]) -> None:
    incident = _national(session, "BFA")
    assert _article(session, incident, "6")["status"] == "undetermined"
    assert _duties(session, incident) == {}
    analyst, sec = cast["bfa_analyst"], cast["sec"]
    yes = classification(session, incident, value=True, decided_by=analyst.id, state="BFA")
    assert yes.status == "pending" and _duties(session, incident) == {}
    obligations.review_classification(
        session, decision=yes, incident=incident, confirm=True, note=None,
        actor=audit.Actor(sec.id, sec.username, sec.state), pact_ids=PACTS, now=NOW)
    engaged = _article(session, incident, "6")
    assert engaged["status"] == "engaged" and engaged["beneficiary"] == "BFA"
    assert _duties(session, incident) == {"MLI": "open", "NER": "open"}
    no = classification(session, incident, value=False, decided_by=analyst.id, state="BFA",
                        confirmed_by=sec.id, now=NOW + dt.timedelta(hours=1))
    assert no.status == "in_force" and no.reviewed_by == sec.id
    assert _article(session, incident, "6")["status"] == "not_engaged"
    assert _duties(session, incident) == {"MLI": "lapsed", "NER": "lapsed"}
    assert [d.value for d in queries.decisions_of(session, incident.id)] == [True, False]


def test_hostile_state_attack_opens_duties_at_once(session: Session) -> None:
    incident = _national(session, "NER", occurred_on="2023-10-01",
                         location={"lat": 13.51, "lon": 2.11},
                         perpetrator={"kind": "international_organization"},
                         target={"kind": "territory"})
    assert _article(session, incident, "6")["status"] == "engaged"
    assert _duties(session, incident) == {"BFA": "open", "MLI": "open"}


def test_art_8_case_is_seen_only_by_those_concerned(session: Session,
                                                    cast: dict[str, User]) -> None:
    incident = _national(session, "BFA", perpetrator={"kind": "state", "state": "MLI"},
                         target={"kind": "state_forces", "party": "BFA"}, tlp="GREEN")
    assert _article(session, incident, "8")["status"] == "engaged"
    for name, sees in (("sec", True), ("amadou_mli_liaison", True),
                       ("ibrahim_bfa_liaison", True), ("moussa_ner_liaison", False)):
        user = cast[name]
        cases = queries.visible_cases(session, Viewer(user.id, user.state, tuple(user.roles)),
                                      incident_id=incident.id)
        assert bool(cases) is sees, name
        if sees:
            assert cases[0].respondent == "MLI"


def test_reevaluation_follows_a_new_pact_version(session: Session) -> None:
    incident = _national(session, "BFA")
    stored = session.scalars(select(StoredDetermination).where(
        StoredDetermination.incident_id == incident.id)).one()
    again = obligations.evaluate_incidents(session, [incident], pact_ids=PACTS,
                                           actor=audit.SYSTEM, now=NOW)
    assert again.changed == 0
    stored.pact_version = "2023-09-16.0"
    session.flush()
    changed = obligations.evaluate_incidents(session, [incident], pact_ids=PACTS,
                                             actor=audit.SYSTEM, now=NOW)
    assert changed.changed == 1
    assert stored.pact_version != "2023-09-16.0"


def test_each_classification_is_audited_with_its_content(session: Session,
                                                          cast: dict[str, User]) -> None:
    incident = _national(session, "BFA")
    classification(session, incident, value=True, decided_by=cast["sec"].id)
    classification(session, incident, value=False, decided_by=cast["sec"].id)
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "classification.record",
        AuditEntry.target_id == str(incident.id))).all()
    assert len(entries) == 2 and len({e.after_digest for e in entries}) == 2
