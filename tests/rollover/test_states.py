"""The rollover's state machine as both services' facts fold into it (pure, no I/O)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common.errors import InvalidInput
from services.common.events import SyncState
from services.common.rollover import (
    BeeFacts,
    RolloverState,
    Step,
    StepOutcome,
    StsFacts,
    flow_blocker,
    missing_step_error,
    rollover_status,
)
from services.sts.bascule import read_profile

UAI, YEAR = "0310053P", 2027


def _facts(
    *, loaded: bool = False, profiled: bool = False, sts: bool = False, bee: bool = False
) -> tuple[BeeFacts, StsFacts]:
    return (
        BeeFacts(
            uai=UAI,
            year=YEAR,
            academie="toulouse",
            annee_precedente=True,
            nomenclatures_chargees=loaded,
            bascule_faite=bee,
        ),
        StsFacts(uai=UAI, year=YEAR, annee_precedente=True, profilee=profiled, bascule_faite=sts),
    )


@pytest.mark.parametrize(
    ("done", "state", "missing"),
    [
        ({}, RolloverState.NON_COMMENCEE, Step.CHARGEMENT_NOMENCLATURES),
        ({"loaded": True}, RolloverState.NOMENCLATURES_CHARGEES, Step.PROFILAGE),
        ({"loaded": True, "profiled": True}, RolloverState.PROFILEE, Step.BASCULE_STS),
        ({"loaded": True, "profiled": True, "sts": True}, RolloverState.BASCULE_STS_FAITE, Step.BASCULE_BEE),
        ({"loaded": True, "profiled": True, "sts": True, "bee": True}, RolloverState.BASCULE_BEE_FAITE, None),
    ],
)
def test_each_step_done_moves_the_state_on_and_names_the_next(
    done: dict[str, bool], state: RolloverState, missing: Step | None
) -> None:
    status = rollover_status(*_facts(**done))
    assert (status.etat, status.etape_manquante, status.en_bascule) == (state, missing, True)


def test_sts_flows_open_at_sts_bascule_and_bee_flows_at_bee_bascule() -> None:
    after_sts = rollover_status(*_facts(loaded=True, profiled=True, sts=True))
    assert flow_blocker(after_sts, "sts") is None
    assert "bascule BEE" in str(flow_blocker(after_sts, "bee"))
    profiled = rollover_status(*_facts(loaded=True, profiled=True))
    assert "bascule STS-WEB" in str(flow_blocker(profiled, "sts"))


def test_a_year_loaded_as_is_is_not_in_rollover_and_blocks_nothing() -> None:
    bee, sts = _facts()
    status = rollover_status(
        bee.model_copy(update={"annee_precedente": False}), sts.model_copy(update={"annee_precedente": False})
    )
    assert status.en_bascule is False
    assert flow_blocker(status, "bee") is None


def test_missing_steps_have_stable_codes_and_french_titles() -> None:
    codes = {step: missing_step_error(step, UAI, YEAR) for step in Step}
    assert {step: error.code for step, error in codes.items()} == {
        Step.CHARGEMENT_NOMENCLATURES: "nomenclatures-non-chargees",
        Step.PROFILAGE: "nomenclatures-non-profilees",
        Step.BASCULE_STS: "bascule-sts-requise",
        Step.BASCULE_BEE: "bascule-bee-requise",
    }
    assert all(error.status == 409 and "2027-2028" in error.title for error in codes.values())


def test_a_refused_step_is_a_refused_sync_and_a_silent_service_a_failed_one() -> None:
    refused = StepOutcome.refused(Step.PROFILAGE, UAI, YEAR, missing_step_error(Step.PROFILAGE, UAI, YEAR))
    assert (refused.event().state, refused.event().problem_code) == (
        SyncState.REFUSED,
        "nomenclatures-non-profilees",
    )
    silent = refused.model_copy(update={"statut": 503})
    assert silent.event().state is SyncState.FAILED
    done = StepOutcome(etape=Step.BASCULE_STS, uai=UAI, annee=YEAR, faite=True, message="ok")
    assert (done.event().state, done.event().flow, done.event().direction) == (
        SyncState.APPLIED,
        "bascule-sts",
        "none",
    )


def test_profile_file_lists_mefs_and_subjects_and_refuses_anything_else(tmp_path: Path) -> None:
    good = tmp_path / "profil.txt"
    good.write_text("# 6e\nMEF 10010012110\nmatiere 030201  # allemand\n\n", encoding="utf-8")
    assert read_profile(good) == (["10010012110"], ["030201"])
    bad = tmp_path / "bad.txt"
    bad.write_text("DIVISION 6A\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"bad\.txt:1"):
        read_profile(bad)
