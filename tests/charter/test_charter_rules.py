"""The default policy of CHARTER_CONTRACT.md for aes-2023, rule by rule, and unknown facts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from liptako.charter import Determination

Run = Callable[..., Determination]

NIAMEY = {"lat": 13.51, "lon": 2.11}  # NER, outside the Liptako-Gourma zone
DJIBO = {"lat": 14.1, "lon": -1.63}  # BFA, inside the zone
KIDAL = {"lat": 18.44, "lon": 1.41}  # MLI, outside the zone
COTONOU = {"lat": 6.37, "lon": 2.39}  # Benin: on no party's territory
AT_SEA = {"lat": 3.5, "lon": 3.0}
IO = {"kind": "international_organization"}
JIHADISTS = {"kind": "non_state_armed_group", "group_type": "jihadist"}
REBELS = {"kind": "non_state_armed_group", "group_type": "separatist_rebel"}


def statuses(det: Determination) -> dict[str, str]:
    return {p.article: p.status for p in det.provisions}


NOTHING = {a: "not_engaged" for a in "45678"}


# --- rule 1: in force from 2023-09-16 -----------------------------------------------------


def test_the_day_before_entry_into_force_nothing_is_engaged(run: Run) -> None:
    det = run(occurred_on="2023-09-15", location=NIAMEY, perpetrator=IO)
    assert det.in_force is False
    assert statuses(det) == NOTHING
    assert "not in force on 2023-09-15" in det.provision("6").reasons[0]
    assert all(p.owed_by == () and p.missing == () for p in det.provisions)


def test_on_the_day_of_signature_the_charter_binds(run: Run) -> None:
    det = run(occurred_on="2023-09-16", location=NIAMEY, perpetrator=IO)
    assert det.in_force is True
    assert det.provision("6").status == "engaged"


# --- rule 2: the common space -------------------------------------------------------------


def test_common_space_is_the_union_of_territories_by_default(run: Run) -> None:
    assert run(location=NIAMEY).in_common_space is True
    assert run(location=COTONOU).in_common_space is False
    assert run().in_common_space is None


def test_common_space_narrowed_to_liptako_gourma(run: Run) -> None:
    narrow = {"common_space": "liptako_gourma"}
    inside = run(policy=narrow, location=DJIBO, perpetrator=JIHADISTS)
    outside = run(policy=narrow, location=NIAMEY, perpetrator=JIHADISTS)
    country_only = run(policy=narrow, location={"country": "MLI"}, perpetrator=JIHADISTS)
    assert (inside.in_common_space, inside.provision("4").status) == (True, "engaged")
    assert (outside.in_common_space, outside.provision("4").status) == (False, "not_engaged")
    assert "common_space = liptako_gourma" in outside.provision("4").reasons[0]
    assert country_only.in_common_space is None
    assert country_only.provision("4").status == "undetermined"
    assert country_only.provision("4").missing == ("location",)
    # the setting narrows Art. 4 only: Art. 6 still covers all of NER
    assert run(policy=narrow, location=NIAMEY, perpetrator=IO).provision("6").status == "engaged"


# --- rule 3: Art. 4 -----------------------------------------------------------------------


@pytest.mark.parametrize("perpetrator", [JIHADISTS, {"kind": "criminal_group"}])
def test_art4_terrorism_or_crime_on_a_party_is_owed_by_all(run: Run, perpetrator: dict) -> None:
    p = run(location=KIDAL, perpetrator=perpetrator).provision("4")
    assert (p.status, p.owed_by, p.beneficiary) == ("engaged", ("BFA", "MLI", "NER"), None)


@pytest.mark.parametrize("perpetrator", [
    REBELS, IO, {"kind": "non_state_armed_group", "group_type": "militia"},
    {"kind": "state", "state": "FRA"}])
def test_art4_other_perpetrators_are_not_covered(run: Run, perpetrator: dict) -> None:
    assert run(location=KIDAL, perpetrator=perpetrator).provision("4").status == "not_engaged"


def test_art4_outside_the_parties_is_not_engaged(run: Run) -> None:
    det = run(location=COTONOU, perpetrator=JIHADISTS)
    assert det.territory is None
    assert det.provision("4").status == "not_engaged"


def test_art4_group_type_unknown_is_named(run: Run) -> None:
    det = run(location=KIDAL, perpetrator={"kind": "non_state_armed_group"})
    for article in ("4", "5"):
        assert det.provision(article).status == "undetermined"
        assert det.provision(article).missing == ("perpetrator.group_type",)


# --- rule 4: Art. 5 -----------------------------------------------------------------------


def test_art5_rebellion_is_owed_by_the_others_peaceful_means_first(run: Run) -> None:
    p = run(location=KIDAL, perpetrator=REBELS, target={"kind": "state_forces"}).provision("5")
    assert (p.status, p.owed_by, p.beneficiary) == ("engaged", ("BFA", "NER"), "MLI")
    assert any("peaceful and diplomatic means come first" in r for r in p.reasons)


def test_art5_beneficiary_is_the_territory_not_the_target(run: Run) -> None:
    p = run(location=KIDAL, perpetrator=REBELS,
            target={"kind": "state_forces", "party": "NER"}).provision("5")
    assert (p.beneficiary, p.owed_by) == ("MLI", ("BFA", "NER"))


def test_art5_rebels_outside_the_parties(run: Run) -> None:
    assert run(location=COTONOU, perpetrator=REBELS).provision("5").status == "not_engaged"


# --- rule 5: Art. 6 -----------------------------------------------------------------------


@pytest.mark.parametrize("act", ["armed_attack", "blockade", "threat_of_force"])
def test_art6_hostile_state_against_a_party(run: Run, act: str) -> None:
    p = run(location=KIDAL, perpetrator={"kind": "state", "state": "FRA"},
            target={"kind": "territory"}, acts=[act]).provision("6")
    assert (p.status, p.owed_by, p.beneficiary) == ("engaged", ("BFA", "NER"), "MLI")
    assert any("FRA, a state that is not a party" in r for r in p.reasons)


def test_art6_forces_of_a_party_inside_the_alliance_area(run: Run) -> None:
    p = run(location=KIDAL, perpetrator=IO, target={"kind": "state_forces", "party": "BFA"})
    assert (p.provision("6").status, p.provision("6").beneficiary) == ("engaged", "BFA")
    assert p.provision("6").owed_by == ("MLI", "NER")


def test_art6_a_party_forces_are_not_aggression_but_art8(run: Run) -> None:
    det = run(location=NIAMEY, perpetrator={"kind": "state", "state": "MLI"})
    assert det.provision("6").status == "not_engaged"
    assert det.provision("8").status == "engaged"


@pytest.mark.parametrize(("classification", "expected"), [
    (None, "undetermined"), (True, "engaged"), (False, "not_engaged")])
def test_art6_non_state_needs_the_classification(run: Run, classification: bool | None,
                                                 expected: str) -> None:
    p = run(location=DJIBO, perpetrator={"kind": "criminal_group"},
            classification={"attack_on_sovereignty": classification}).provision("6")
    assert p.status == expected
    assert p.missing == (("classification.attack_on_sovereignty",) if classification is None
                         else ())


def test_art6_unknown_state_is_named(run: Run) -> None:
    det = run(location=NIAMEY, perpetrator={"kind": "state"})
    assert det.provision("6").missing == ("perpetrator.state",)
    assert det.provision("8").missing == ("perpetrator.state",)


def test_art6_no_act_engages_nothing(run: Run) -> None:
    assert run(location=NIAMEY, perpetrator=IO, acts=[]).provision("6").status == "not_engaged"


# --- rule 6: Art. 7 -----------------------------------------------------------------------


def test_art7_vessel_or_aircraft_anywhere(run: Run) -> None:
    det = run(location=AT_SEA, perpetrator={"kind": "state", "state": "FRA"},
              target={"kind": "vessel_or_aircraft", "party": "NER"})
    p = det.provision("7")
    assert (p.status, p.owed_by, p.beneficiary) == ("engaged", ("BFA", "MLI"), "NER")
    assert statuses(det) == {**NOTHING, "7": "engaged"}


def test_art7_forces_outside_flagged_with_unknown_place(run: Run) -> None:
    det = run(perpetrator=IO, target={"kind": "state_forces", "party": "NER",
                                      "outside_alliance_area": True})
    assert det.provision("7").status == "engaged"
    assert det.provision("6").missing == ("location",)


def test_art7_forces_attacked_outside_every_party_territory(run: Run) -> None:
    p = run(location=COTONOU, perpetrator=IO,
            target={"kind": "state_forces", "party": "MLI"}).provision("7")
    assert (p.status, p.beneficiary) == ("engaged", "MLI")


def test_art7_forces_inside_the_area_are_art6(run: Run) -> None:
    det = run(location=KIDAL, perpetrator=IO, target={"kind": "state_forces", "party": "MLI"})
    assert statuses(det)["7"] == "not_engaged"
    assert statuses(det)["6"] == "engaged"


def test_art7_classification_as_under_art6(run: Run) -> None:
    p = run(location=COTONOU, perpetrator=JIHADISTS,
            target={"kind": "state_forces", "party": "MLI"}).provision("7")
    assert (p.status, p.missing) == ("undetermined", ("classification.attack_on_sovereignty",))


def test_art7_unknown_target_and_unknown_deployment(run: Run) -> None:
    unknown_kind = run(location=COTONOU, perpetrator=IO, target={"party": "MLI"})
    assert unknown_kind.provision("7").missing == ("target.kind",)
    unknown_place = run(perpetrator=IO, target={"kind": "state_forces", "party": "MLI"})
    assert unknown_place.provision("7").missing == ("location", "target.outside_alliance_area")


@pytest.mark.parametrize("kind", ["civilians", "infrastructure", "territory"])
def test_art7_other_targets(run: Run, kind: str) -> None:
    p = run(location=COTONOU, perpetrator=IO, target={"kind": kind, "party": "MLI"})
    assert p.provision("7").status == "not_engaged"


# --- rule 7: Art. 8 -----------------------------------------------------------------------


@pytest.mark.parametrize("act", ["armed_attack", "blockade", "threat_of_force"])
def test_art8_a_party_forces_against_another(run: Run, act: str) -> None:
    p = run(location=NIAMEY, perpetrator={"kind": "state", "state": "MLI"},
            acts=[act]).provision("8")
    assert (p.status, p.respondent, p.beneficiary, p.owed_by) == ("engaged", "MLI", "NER", ())


@pytest.mark.parametrize(("permitted", "expected"), [
    (True, "engaged"), (None, "undetermined"), (False, "not_engaged")])
def test_art8_attack_launched_from_another_party(run: Run, permitted: bool | None,
                                                 expected: str) -> None:
    p = run(location=NIAMEY, perpetrator=JIHADISTS, launched_from="MLI",
            host_permitted=permitted).provision("8")
    assert p.status == expected
    if expected == "engaged":
        assert (p.respondent, p.beneficiary) == ("MLI", "NER")
    if expected == "undetermined":  # who would answer for it, once host_permitted is known
        assert (p.missing, p.respondent, p.beneficiary) == (("host_permitted",), "MLI", "NER")


def test_art8_launched_from_a_non_party_or_own_forces(run: Run) -> None:
    assert run(location=NIAMEY, perpetrator=JIHADISTS, launched_from="DZA",
               host_permitted=True).provision("8").status == "not_engaged"
    assert run(location=KIDAL, perpetrator={"kind": "state", "state": "MLI"}
               ).provision("8").status == "not_engaged"


# --- rule 8: non-parties are never beneficiaries; outside, only Art. 7 --------------------


def test_non_party_is_never_a_beneficiary(run: Run) -> None:
    det = run(location=KIDAL, perpetrator=IO, target={"kind": "state_forces", "party": "FRA"})
    assert statuses(det) == NOTHING
    at_sea = run(location=AT_SEA, perpetrator=IO, target={"kind": "vessel_or_aircraft",
                                                          "party": "FRA"})
    assert at_sea.provision("7").status == "not_engaged"


def test_outside_every_party_territory_only_art7(run: Run) -> None:
    det = run(location=COTONOU, perpetrator={"kind": "state", "state": "MLI"},
              target={"kind": "state_forces", "party": "NER"}, launched_from="BFA",
              host_permitted=True)
    assert det.territory is None
    assert statuses(det) == NOTHING


# --- unknown facts ------------------------------------------------------------------------


def test_nothing_known_but_the_date(run: Run) -> None:
    det = run()
    assert {p.article: p.missing for p in det.provisions} == {
        "4": ("location", "perpetrator.kind"),
        "5": ("location", "perpetrator.kind"),
        "6": ("location", "perpetrator.kind"),
        "7": ("location", "perpetrator.kind", "target.kind"),
        "8": ("location", "perpetrator.kind"),
    }
    assert all(p.status == "undetermined" for p in det.provisions)
    assert det.territory is None and det.in_common_space is None


def test_decided_whatever_the_unknown_location(run: Run) -> None:
    det = run(perpetrator=IO, target={"kind": "civilians"})
    assert {a: s for a, s in statuses(det).items() if a != "6"} == {
        "4": "not_engaged", "5": "not_engaged", "7": "not_engaged", "8": "not_engaged"}
    assert det.provision("6").missing == ("location",)


def test_unknown_kind_is_named_before_its_dependents(run: Run) -> None:
    det = run(location=NIAMEY, perpetrator={"kind": "unknown"})
    assert {p.article: p.missing for p in det.provisions if p.missing} == {
        "4": ("perpetrator.kind",), "5": ("perpetrator.kind",), "6": ("perpetrator.kind",),
        "7": ("perpetrator.kind", "target.kind"), "8": ("perpetrator.kind",)}


def test_undetermined_shows_who_would_owe(run: Run) -> None:
    p = run(location=DJIBO, perpetrator=JIHADISTS, target={"kind": "state_forces"}).provision("6")
    assert (p.status, p.owed_by, p.beneficiary) == ("undetermined", ("MLI", "NER"), "BFA")


# --- policy settings ----------------------------------------------------------------------


def test_non_state_reading_engaged(run: Run) -> None:
    policy = {"non_state_attack_on_sovereignty": "engaged"}
    p = run(policy=policy, location=DJIBO, perpetrator=JIHADISTS).provision("6")
    assert (p.status, p.owed_by, p.beneficiary) == ("engaged", ("MLI", "NER"), "BFA")
    assert any("counts as aggression (the pact's policy on non-state attacks" in r
               for r in p.reasons)
    overruled = run(policy=policy, location=DJIBO, perpetrator=JIHADISTS,
                    classification={"attack_on_sovereignty": False})
    assert overruled.provision("6").status == "not_engaged"


def test_non_state_reading_not_engaged(run: Run) -> None:
    policy = {"non_state_attack_on_sovereignty": "not_engaged"}
    assert run(policy=policy, location=DJIBO, perpetrator=REBELS
               ).provision("6").status == "not_engaged"
    assert run(policy=policy, location=DJIBO, perpetrator=REBELS,
               classification={"attack_on_sovereignty": True}).provision("6").status == "engaged"


def test_reasons_in_french(run: Run) -> None:
    det = run(location=NIAMEY, perpetrator=IO, lang="fr")
    assert det.provision("6").reasons[-1].startswith("Art. 6: les autres parties doivent")
    assert "NER" in det.provision("6").reasons[-1]
