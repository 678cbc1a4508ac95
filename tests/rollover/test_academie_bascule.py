"""The académie's BEE bascule takes its schools one by one: those whose STS bascule is done are done,
the others refused with the reason, each an audited sync."""

from __future__ import annotations

import pytest

from services.common import subjects
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
from tests.rollover.conftest import NEXT, new_school
from tests.rollover.exchanges import operator_bus, refusal, step_syncs
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")


async def test_academie_bascule_does_the_schools_whose_sts_bascule_is_done_and_says_why_not_the_others(
    platform: Platform, nomenclature_data: bytes
) -> None:
    ready, late = [(await new_school(platform, departement="033")).uai for _ in range(2)]  # Bordeaux
    async with operator_bus(platform) as bus:
        name = await put_file(bus, nomenclature_data)
        load = LoadNomenclatures(academie="bordeaux", year=NEXT, object_name=name)
        assert (await ask(bus, subjects.BEE_ROLLOVER_NOMENCLATURES, load, StepOutcome, within=20)).faite
        for uai in (ready, late):
            profile = Profile(uai=uai, year=NEXT, reconduire=True)
            assert (await ask(bus, subjects.STS_ROLLOVER_PROFILE, profile, StepOutcome, within=20)).faite
        bascule = StsBascule(uai=ready, year=NEXT)
        assert (await ask(bus, subjects.STS_ROLLOVER_BASCULE, bascule, StepOutcome, within=20)).faite
        command = BeeBascule(year=NEXT, academie="bordeaux")
        report = await ask(bus, subjects.BEE_ROLLOVER_BASCULE, command, BeeBasculeReport, within=60)

    outcomes = {outcome.uai: (outcome.faite, outcome.code) for outcome in report.etablissements}
    assert outcomes == {ready: (True, None), late: (False, "bascule-sts-requise")}
    assert (await refusal(platform, late, "eleves", NEXT)) == (409, "bascule-bee-requise")
    assert [s["problem_code"] for s in await step_syncs(platform, late, "bascule-bee")] == [
        "bascule-sts-requise"
    ]
    assert [s["state"] for s in await step_syncs(platform, ready, "bascule-bee")] == ["applied"]
