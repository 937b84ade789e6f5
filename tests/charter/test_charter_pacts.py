"""Pact files: membership as of a date, the ECOWAS and NATO instruments, validation errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest

from liptako.charter import (
    Determination,
    InvalidPact,
    Pact,
    available_pacts,
    load_pact,
)
from liptako.charter.pacts import add_months

Run = Callable[..., Determination]
NIAMEY = {"lat": 13.51, "lon": 2.11}
KIDAL = {"lat": 18.44, "lon": 1.41}
IO = {"kind": "international_organization"}
RUSSIA = {"kind": "state", "state": "RUS"}
AES_TEXT = files("liptako.charter").joinpath("pacts", "aes-2023.yaml").read_text("utf-8")


def test_shipped_pacts_load() -> None:
    assert available_pacts() == ("aes-2023", "ecowas-1981", "nato-1949")
    aes = load_pact("aes-2023")
    assert [p.article for p in aes.provisions] == [str(k) for k in range(1, 18)]
    assert [p.article for p in aes.operative_provisions] == ["4", "5", "6", "7", "8"]
    assert all(p.verified_numbering for p in aes.provisions[:8])
    assert not any(p.verified_numbering for p in aes.provisions[8:16])
    assert aes.decision_rule.kind == "unanimity"
    assert len(load_pact("nato-1949").parties) == 32


# --- membership ---------------------------------------------------------------------------


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 28), 12) == dt.date(2025, 1, 28)


@pytest.fixture
def aes_with_niger_leaving(tmp_path: Path) -> Pact:
    """aes-2023 where Niger notified its withdrawal on 2025-03-01 (effective 2025-09-01)."""
    niger = '{iso3: NER, name: {en: Niger, fr: Niger}, joined_on: "2023-09-16"'
    assert niger in AES_TEXT
    path = tmp_path / "aes-leaving.yaml"
    path.write_text(AES_TEXT.replace(niger, niger + ', withdrawal_notified_on: "2025-03-01"'),
                    "utf-8")
    return load_pact(path)


def test_withdrawal_takes_effect_after_six_months(run: Run, aes_with_niger_leaving: Pact) -> None:
    pact = aes_with_niger_leaving
    assert pact.members_on(dt.date(2025, 8, 31)) == ("BFA", "MLI", "NER")
    assert pact.members_on(dt.date(2025, 9, 1)) == ("BFA", "MLI")
    before = run(pact=pact, occurred_on="2025-08-31", location=NIAMEY, perpetrator=IO)
    after = run(pact=pact, occurred_on="2025-09-01", location=NIAMEY, perpetrator=IO)
    assert (before.territory, before.provision("6").status) == ("NER", "engaged")
    assert (after.territory, after.provision("6").status) == (None, "not_engaged")
    on_mali = run(pact=pact, occurred_on="2025-09-01", location=KIDAL, perpetrator=IO)
    assert on_mali.provision("6").owed_by == ("BFA",)


def test_a_former_party_becomes_a_hostile_state(run: Run, aes_with_niger_leaving: Pact) -> None:
    det = run(pact=aes_with_niger_leaving, occurred_on="2025-10-01", location=KIDAL,
              perpetrator={"kind": "state", "state": "NER"})
    assert det.provision("6").status == "engaged"
    assert det.provision("8").status == "not_engaged"


# --- ECOWAS 1981 --------------------------------------------------------------------------


def test_ecowas_mali_is_a_party_until_its_exit(run: Run, ecowas: Pact) -> None:
    in_2024 = run(pact=ecowas, occurred_on="2024-06-01", location=KIDAL, perpetrator=IO)
    in_2025 = run(pact=ecowas, occurred_on="2025-03-01", location=KIDAL, perpetrator=IO)
    assert (in_2024.territory, in_2024.provision("3").status) == ("MLI", "engaged")
    assert len(in_2024.provision("3").owed_by) == 14
    assert "MLI" not in in_2024.provision("3").owed_by
    assert in_2025.in_force is True
    assert in_2025.territory is None
    assert {p.status for p in in_2025.provisions} == {"not_engaged"}


def test_ecowas_exit_day_is_2025_01_29(ecowas: Pact) -> None:
    assert "MLI" in ecowas.members_on(dt.date(2025, 1, 28))
    assert not {"BFA", "MLI", "NER"} & set(ecowas.members_on(dt.date(2025, 1, 29)))
    assert "MRT" in ecowas.members_on(dt.date(2000, 12, 25))
    assert "MRT" not in ecowas.members_on(dt.date(2000, 12, 26))


def test_ecowas_conflict_between_members_then_aggression(run: Run, ecowas: Pact) -> None:
    mali = {"kind": "state", "state": "MLI"}
    member = run(pact=ecowas, occurred_on="2024-06-01", location={"country": "NGA"},
                 perpetrator=mali)
    assert member.provision("3").status == "not_engaged"
    assert (member.provision("4(a)").status, member.provision("4(a)").respondent) == (
        "engaged", "MLI")
    former = run(pact=ecowas, occurred_on="2025-06-01", location={"country": "NGA"},
                 perpetrator=mali)
    assert former.provision("3").status == "engaged"
    assert former.provision("3").beneficiary == "NGA"


@pytest.mark.parametrize(("launched", "host", "expected"), [
    ("DZA", True, "engaged"), ("DZA", None, "undetermined"), (None, None, "not_engaged")])
def test_ecowas_internal_conflict_supported_from_outside(run: Run, ecowas: Pact,
                                                         launched: str | None,
                                                         host: bool | None,
                                                         expected: str) -> None:
    det = run(pact=ecowas, occurred_on="2024-06-01", location=KIDAL,
              perpetrator={"kind": "non_state_armed_group"}, launched_from=launched,
              host_permitted=host)
    assert det.provision("4(b)").status == expected
    assert det.provision("3").status == "not_engaged"  # the default reading of Art. 1
    if expected == "engaged":
        assert det.provision("4(b)").beneficiary == "MLI"


# --- NATO 1949 ----------------------------------------------------------------------------


def test_nato_art5_attack_on_a_party_in_europe(run: Run, nato: Pact) -> None:
    det = run(pact=nato, occurred_on="2024-06-01", location={"country": "POL"},
              perpetrator=RUSSIA, target={"kind": "territory"})
    art5, art4 = det.provision("5"), det.provision("4")
    assert (art5.status, art5.beneficiary, len(art5.owed_by)) == ("engaged", "POL", 31)
    assert (art4.status, len(art4.owed_by)) == ("engaged", 32)


def test_nato_art5_not_south_of_the_tropic_of_cancer(run: Run, nato: Pact) -> None:
    hawaii = run(pact=nato, occurred_on="2024-06-01", perpetrator=RUSSIA,
                 location={"country": "USA", "lat": 21.3, "lon": -157.8})
    assert hawaii.territory == "USA"
    assert hawaii.provision("5").status == "not_engaged"
    assert hawaii.provision("4").status == "engaged"
    ship_south = run(pact=nato, occurred_on="2024-06-01", perpetrator=RUSSIA,
                     location={"lat": 10.0, "lon": -40.0},
                     target={"kind": "vessel_or_aircraft", "party": "GBR"})
    ship_north = run(pact=nato, occurred_on="2024-06-01", perpetrator=RUSSIA,
                     location={"lat": 50.0, "lon": -30.0},
                     target={"kind": "vessel_or_aircraft", "party": "GBR"})
    assert ship_south.provision("5").status == "not_engaged"
    assert (ship_north.provision("5").status, ship_north.provision("5").beneficiary) == (
        "engaged", "GBR")


def test_nato_accession_date_and_armed_attack_only(run: Run, nato: Pact) -> None:
    sweden = {"country": "SWE"}
    assert run(pact=nato, occurred_on="2024-03-06", location=sweden,
               perpetrator=RUSSIA).provision("5").status == "not_engaged"
    assert run(pact=nato, occurred_on="2024-03-07", location=sweden,
               perpetrator=RUSSIA).provision("5").status == "engaged"
    blockade = run(pact=nato, occurred_on="2024-06-01", location=sweden, perpetrator=RUSSIA,
                   acts=["blockade"])
    assert (blockade.provision("5").status, blockade.provision("4").status) == (
        "not_engaged", "engaged")


def test_nato_non_state_attack_needs_a_classification(run: Run, nato: Pact) -> None:
    det = run(pact=nato, occurred_on="2001-09-11", location={"country": "USA"},
              perpetrator={"kind": "non_state_armed_group", "group_type": "jihadist"})
    assert det.provision("5").missing == ("classification.attack_on_sovereignty",)


# --- invalid pact files -------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(("change", "expected"), [
    (("family: T-AGG-EXT", "family: T-FOO"),
     '$.provisions[6].rule.family: expected one of "T-TERR", "T-REB", "T-AGG", "T-AGG-EXT", '
     '"T-NONAGG", got "T-FOO"'),
    (('in_force_from: "2023-09-16"', 'in_force_from: "16/09/2023"'),
     '$.in_force_from: expected a date YYYY-MM-DD, got "16/09/2023"'),
    (("{iso3: BFA,", "{iso3: bf,"), '$.parties[0].iso3: expected an ISO3 country code'),
    (("      area: alliance_area\n      acts", "      area: sahara\n      acts"),
     "$.provisions[5].rule.area: expected an area declared under areas (alliance_area), "
     "got 'sahara'"),
    (('joined_on: "2023-09-16"}\n  - {iso3: MLI', 'joined_on: "2023-02-30"}\n  - {iso3: MLI'),
     '$.parties[0].joined_on: expected a real calendar date, got "2023-02-30"'),
    (("{iso3: MLI,", "{iso3: BFA,"), "$.parties[1].iso3: expected each party once, got BFA"),
    (("    default: ask\n", "    default: maybe\n"),
     '$.policy.non_state_attack_on_sovereignty.default: expected one of "ask", "engaged", '
     '"not_engaged", got "maybe"'),
    (("    operative: true\n    verified_numbering: true\n    rule:\n      family: T-TERR",
      "    operative: true\n    verified_numbering: true\n    rules:\n      family: T-TERR"),
     "$.provisions[3]: "),
])
def test_invalid_pact_names_file_path_and_expectation(tmp_path: Path, change: tuple[str, str],
                                                      expected: str) -> None:
    old, new = change
    assert old in AES_TEXT
    path = _write(tmp_path, AES_TEXT.replace(old, new, 1))
    with pytest.raises(InvalidPact) as err:
        load_pact(path)
    assert any(p.startswith(f"{path}: ") and expected in p for p in err.value.problems), \
        err.value.problems


def test_unused_setting_and_yaml_syntax(tmp_path: Path) -> None:
    extra = AES_TEXT.replace("policy:\n", "policy:\n  spare:\n    default: a\n    choices: [a]\n"
                             "    description: {en: x, fr: y}\n", 1)
    with pytest.raises(InvalidPact, match=r"\$\.policy\.spare: expected a setting some rule"):
        load_pact(_write(tmp_path, extra))
    with pytest.raises(InvalidPact, match=r"bad\.yaml: expected YAML or JSON"):
        load_pact(_write(tmp_path, "id: [unclosed"))


def test_unknown_pact_id() -> None:
    with pytest.raises(InvalidPact, match="expected one of aes-2023, ecowas-1981, nato-1949"):
        load_pact("warsaw-1955")
