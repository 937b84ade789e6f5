"""Analysts' edits of the actor registry: names and lineage links stored over the shipped
registry, audited, refused for the wrong roles and for clashing names, and read back in the
registry in effect (``registry(session)``) without touching the shipped one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from liptako.audit.models import AuditEntry
from liptako.audit.service import Actor
from liptako.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from liptako.incidents.models import IncidentActor
from liptako.intel import service
from liptako.intel.actors import ActorRegistry
from liptako.intel.models import ActorAlias
from liptako.intel.schemas import AliasIn, LinkIn

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
AWA = Actor(None, "awa", "MLI")
ANALYST = ("analyst",)


def _alias(**values: Any) -> AliasIn:
    return AliasIn.model_validate({"lang": "fr", **values})


def _link(relation: str, other: str, on: str | None = None) -> LinkIn:
    return LinkIn.model_validate({"relation": relation, "other_id": other, "on": on})


def _actions(session: Session) -> list[tuple[str, str | None]]:
    return [(action, target) for action, target in session.execute(
        select(AuditEntry.action, AuditEntry.target_id)
        .where(AuditEntry.action.like("actor.%")).order_by(AuditEntry.seq))]


def test_an_added_alias_is_in_effect_audited_and_its_removal_kept(session: Session) -> None:
    row = service.add_alias(session, "jnim", _alias(name="Katiba du Gourma"), actor=AWA,
                            roles=ANALYST, now=NOW)
    found = service.registry(session).lookup("katiba du gourma")
    assert [(actor_id, alias.lang) for actor_id, alias in found] == [("jnim", "fr")]
    assert ActorRegistry.load().lookup("Katiba du Gourma") == ()  # the shipped one unchanged
    service.remove_alias(session, "jnim", row.id, actor=AWA, roles=ANALYST, now=NOW)
    assert service.registry(session).lookup("Katiba du Gourma") == ()
    kept = session.get(ActorAlias, row.id)
    assert kept is not None and kept.removed_at == NOW and kept.removed_by_name == "awa"
    assert _actions(session) == [("actor.alias_add", "jnim"), ("actor.alias_remove", "jnim")]
    with pytest.raises(NotFound, match="no alias"):  # removed once, not twice
        service.remove_alias(session, "jnim", row.id, actor=AWA, roles=ANALYST, now=NOW)


@pytest.mark.parametrize(("state", "role", "allowed"), [
    ("MLI", "analyst", True), ("SEC", "secretariat", True), ("SEC", "admin", True),
    ("MLI", "liaison", False), ("MLI", "observer", False), ("MLI", "admin", False),
])
def test_analysts_and_the_secretariat_edit_others_are_refused(
        session: Session, state: str, role: str, allowed: bool) -> None:
    who = Actor(None, "someone", state)
    if allowed:
        service.add_alias(session, "jnim", _alias(name="Nom ajouté"), actor=who,
                          roles=(role,), now=NOW)
        service.add_lineage(session, "jnim", _link("predecessor", "mujao"), actor=who,
                            roles=(role,), now=NOW)
        assert len(_actions(session)) == 2
        return
    with pytest.raises(PermissionDenied, match="expected an analyst or the secretariat"):
        service.add_alias(session, "jnim", _alias(name="Nom ajouté"), actor=who,
                          roles=(role,), now=NOW)
    with pytest.raises(PermissionDenied):
        service.add_lineage(session, "jnim", _link("predecessor", "mujao"), actor=who,
                            roles=(role,), now=NOW)
    assert _actions(session) == []


def test_a_name_another_actor_holds_in_an_overlapping_period_is_refused_naming_it(
        session: Session) -> None:
    # ISGS is Islamic State Sahel's name from May 2015 to March 2022
    with pytest.raises(Conflict, match=r"is_sahel \(Islamic State Sahel Province"):
        service.add_alias(session, "jnim", _alias(name="I.S.G.S.", lang="en"), actor=AWA,
                          roles=ANALYST, now=NOW)
    with pytest.raises(Conflict, match="is_sahel"):
        service.add_alias(session, "jnim", _alias(name="ISGS", valid_from="2021-01-01"),
                          actor=AWA, roles=ANALYST, now=NOW)
    # after its period, the name is free
    service.add_alias(session, "jnim", _alias(name="ISGS", valid_from="2023-01-01"),
                      actor=AWA, roles=ANALYST, now=NOW)
    on = dt.date(2024, 1, 1)
    assert [a for a, alias in service.registry(session).lookup("ISGS")
            if alias.valid_on(on)] == ["jnim"]
    with pytest.raises(Conflict, match="this actor already has the name 'JNIM'"):
        service.add_alias(session, "jnim", _alias(name="jnim"), actor=AWA, roles=ANALYST,
                          now=NOW)


def test_unknown_actors_self_links_and_repeated_links_are_refused(session: Session) -> None:
    with pytest.raises(NotFound, match="actor: no actor has the id 'nobody'"):
        service.add_alias(session, "nobody", _alias(name="X"), actor=AWA, roles=ANALYST,
                          now=NOW)
    with pytest.raises(NotFound, match="other_id: no actor has the id 'nobody'"):
        service.add_lineage(session, "jnim", _link("successor", "nobody"), actor=AWA,
                            roles=ANALYST, now=NOW)
    with pytest.raises(RuleViolation, match="expected another actor than jnim itself"):
        service.add_lineage(session, "jnim", _link("successor", "jnim"), actor=AWA,
                            roles=ANALYST, now=NOW)
    with pytest.raises(Conflict, match="ansar_dine is already its predecessor"):
        service.add_lineage(session, "jnim", _link("predecessor", "ansar_dine"), actor=AWA,
                            roles=ANALYST, now=NOW)
    assert _actions(session) == []


def test_an_added_link_is_in_effect_on_both_sides_until_removed(session: Session) -> None:
    link = service.add_lineage(session, "is_sahel", _link("predecessor", "mujao", "2015-05-15"),
                               actor=AWA, roles=ANALYST, now=NOW)
    current = service.registry(session)
    assert ("predecessor", "mujao", dt.date(2015, 5, 15)) in {
        (x.relation, x.actor_id, x.on) for x in current.lineage("is_sahel")}
    assert ("successor", "is_sahel") in {(x.relation, x.actor_id)
                                         for x in current.lineage("mujao")}
    assert ActorRegistry.load().lineage("is_sahel") == ()
    # removed from the other actor's side
    service.remove_lineage(session, "mujao", link.id, actor=AWA, roles=ANALYST, now=NOW)
    assert service.registry(session).lineage("is_sahel") == ()
    assert [a for a, _ in _actions(session)] == ["actor.lineage_add", "actor.lineage_remove"]


def test_clashing_edits_stored_at_once_leave_the_older_in_effect(session: Session) -> None:
    """Two requests each checked before the other stored its name: the registry in effect
    keeps the older name and stays usable; an edit of an actor no longer shipped is left
    out."""
    for actor_id in ("jnim", "is_sahel", "gone_actor"):
        session.add(ActorAlias(actor_id=actor_id, name="Katiba Hombori", lang="fr",
                               source="press", created_by_name="awa", created_at=NOW))
    session.flush()
    assert [a for a, _ in service.registry(session).lookup("katiba hombori")] == ["jnim"]


def test_imports_match_the_names_analysts_added(session: Session) -> None:
    from factories.incidents import event
    from liptako.incidents.schemas import ActorRef
    from liptako.obligations.recording import record_batch

    raw = "Katiba Serma militants"
    before = record_batch(session, [event(1, source_id="SERMA1",
                                          actors=(ActorRef("actor1", raw),))],
                          actor=AWA, now=NOW)
    service.add_alias(session, "jnim", _alias(name=raw, lang="en"), actor=AWA, roles=ANALYST,
                      now=NOW)
    assert service.registry(session) is service.registry(session)  # the same edits, one registry
    after = record_batch(session, [event(2, source_id="SERMA2",
                                         actors=(ActorRef("actor1", raw),))],
                         actor=AWA, now=NOW)
    got = {}
    for counts in (before, after):
        (incident_id,) = counts.inserted_ids
        got[incident_id] = session.scalars(
            select(IncidentActor.actor_id).where(IncidentActor.incident_id == incident_id)).all()
    assert list(got.values()) == [[None], ["jnim"]]
