"""Every rollover step attempted out of order is refused with its reason, changes nothing in either
service, and shows in supervision as a refused sync with its problem code."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

from services.common import subjects
from services.common.bus import Bus
from services.common.bus.rpc import ask
from services.common.rollover import (
    BeeBascule,
    BeeBasculeReport,
    LoadNomenclatures,
    Profile,
    StepOutcome,
    StsBascule,
)
from services.common.rollover_bus import put_file
from tests.rollover.conftest import NEXT, fresh_uai, new_school
from tests.rollover.exchanges import footprint, operator_bus, step_syncs
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")


async def _step(bus: Bus, subject: str, command: Profile | StsBascule) -> StepOutcome:
    return await ask(bus, subject, command, StepOutcome, within=20)


async def _bee_bascule(bus: Bus, uai: str) -> StepOutcome:
    report = await ask(
        bus, subjects.BEE_ROLLOVER_BASCULE, BeeBascule(year=NEXT, uai=uai), BeeBasculeReport, within=20
    )
    (outcome,) = report.etablissements
    return outcome


async def _load(bus: Bus, academie: str, nomenclature_data: bytes) -> StepOutcome:
    name = await put_file(bus, nomenclature_data)
    command = LoadNomenclatures(academie=academie, year=NEXT, object_name=name)
    return await ask(bus, subjects.BEE_ROLLOVER_NOMENCLATURES, command, StepOutcome, within=20)


async def _refused(platform: Platform, uai: str, attempt: Awaitable[StepOutcome], code: str) -> None:
    """``attempt`` (awaited here) is refused with ``code`` and leaves both services as they were."""
    before = await footprint(platform, uai)
    outcome = await attempt
    assert (outcome.faite, outcome.code) == (False, code), outcome.message
    assert await footprint(platform, uai) == before


async def test_each_step_out_of_order_is_refused_with_its_reason_and_changes_nothing(
    platform: Platform, nomenclature_data: bytes
) -> None:
    uai = (await new_school(platform, departement="075")).uai  # académie de Paris: this test's own
    profile = Profile(uai=uai, year=NEXT, reconduire=True)
    sts_bascule = StsBascule(uai=uai, year=NEXT)
    async with operator_bus(platform) as bus:
        await _refused(
            platform, uai, _step(bus, subjects.STS_ROLLOVER_PROFILE, profile), "nomenclatures-non-chargees"
        )
        await _refused(
            platform,
            uai,
            _step(bus, subjects.STS_ROLLOVER_BASCULE, sts_bascule),
            "nomenclatures-non-profilees",
        )
        await _refused(platform, uai, _bee_bascule(bus, uai), "nomenclatures-non-chargees")
        assert (await _load(bus, "paris", nomenclature_data)).faite
        await _refused(platform, uai, _bee_bascule(bus, uai), "nomenclatures-non-profilees")
        unknown = Profile(uai=uai, year=NEXT, mefs=["99999999999"], matieres=["030201"])
        await _refused(platform, uai, _step(bus, subjects.STS_ROLLOVER_PROFILE, unknown), "codes-inconnus")
        assert (await _step(bus, subjects.STS_ROLLOVER_PROFILE, profile)).faite
        await _refused(platform, uai, _bee_bascule(bus, uai), "bascule-sts-requise")
        assert (await _step(bus, subjects.STS_ROLLOVER_BASCULE, sts_bascule)).faite
        await _refused(
            platform, uai, _step(bus, subjects.STS_ROLLOVER_BASCULE, sts_bascule), "bascule-deja-faite"
        )
        await _refused(
            platform, uai, _step(bus, subjects.STS_ROLLOVER_PROFILE, profile), "bascule-deja-faite"
        )
        assert (await _bee_bascule(bus, uai)).faite
        await _refused(platform, uai, _bee_bascule(bus, uai), "bascule-deja-faite")

    profiling = await step_syncs(platform, uai, "profilage", count=4)
    assert sorted((s["state"], s["problem_code"]) for s in profiling) == [
        ("applied", None),
        ("refused", "bascule-deja-faite"),
        ("refused", "codes-inconnus"),
        ("refused", "nomenclatures-non-chargees"),
    ]
    assert {s["problem_code"] for s in await step_syncs(platform, uai, "bascule-bee", count=5)} == {
        None,
        "nomenclatures-non-chargees",
        "nomenclatures-non-profilees",
        "bascule-sts-requise",
        "bascule-deja-faite",
    }


async def test_a_step_for_an_unknown_academie_or_a_school_without_its_year_is_refused(
    platform: Platform, nomenclature_data: bytes
) -> None:
    async with operator_bus(platform) as bus:
        assert (await _load(bus, "atlantide", nomenclature_data)).code == "academie-inconnue"
        assert (await _load(bus, "bordeaux", nomenclature_data)).faite
        outcome = await _bee_bascule(bus, fresh_uai("033"))  # a Bordeaux school no service holds
    assert (outcome.faite, outcome.code) == (False, "annee-precedente-inconnue")
