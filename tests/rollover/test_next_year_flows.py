"""Editors meet a next year in rollover: its flows are refused with the missing step, pulls and pushes
alike, and ``GET …/flux`` names it, until each service's bascule opens them; year N is untouched."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from services.common import subjects
from services.common.bus.rpc import ask
from services.common.formats.edt_sts import write_edt_sts
from services.common.formats.import_eleves import write_import_eleves
from services.common.rollover import LoadNomenclatures, Profile, StepOutcome, StsBascule
from services.common.rollover_bus import put_file
from tests.push.pushing import XML, wait_final
from tests.rollover.conftest import NEXT, YEAR, new_school
from tests.rollover.exchanges import operator_bus, path, refusal
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")
EXPORTS = ("eleves", "responsables", "structures", "nomenclatures", "etablissement", "emploi-du-temps")


async def _flows(platform: Platform, uai: str, product: str, year: int) -> dict[tuple[str, str], Any]:
    async with platform.editor(f"{uai}-{product}") as editor:
        response = await editor.get(path(uai, "flux", year))
    assert response.status_code == 200, response.text
    return {(flow["nom"], flow["sens"]): flow for flow in response.json()["flux"]}


async def _pushed(platform: Platform, uai: str, product: str, flow: str, data: bytes) -> dict[str, Any]:
    async with platform.editor(f"{uai}-{product}") as editor:
        response = await editor.post(path(uai, flow, NEXT), content=data, headers=XML)
        assert response.status_code == 202, response.text
        return await wait_final(editor, response.json()["sync_id"])


async def _step(platform: Platform, subject: str, command: Any) -> None:
    async with operator_bus(platform) as bus:
        if isinstance(command, bytes):
            command = LoadNomenclatures(academie="lyon", year=NEXT, object_name=await put_file(bus, command))
        assert (await ask(bus, subject, command, StepOutcome, within=20)).faite


async def test_next_year_flows_wait_for_their_service_bascule_and_say_which_step_is_missing(
    platform: Platform, nomenclature_data: bytes
) -> None:
    school = await new_school(platform, departement="069")  # académie de Lyon: this test's own
    uai = school.uai
    for flow in EXPORTS:
        assert await refusal(platform, uai, flow, NEXT) == (409, "annee-non-ouverte")

    await _step(platform, subjects.BEE_ROLLOVER_NOMENCLATURES, nomenclature_data)
    flows = await _flows(platform, uai, "edt", NEXT)
    assert "profilage des nomenclatures" in flows[("emploi-du-temps", "export")]["raison"]
    await _step(platform, subjects.STS_ROLLOVER_PROFILE, Profile(uai=uai, year=NEXT, reconduire=True))
    flows = await _flows(platform, uai, "edt", NEXT)
    assert "bascule STS-WEB" in flows[("emploi-du-temps", "import")]["raison"]
    timetable = write_edt_sts(replace(school.edt_sts, annee_scolaire=NEXT))
    pushed = await _pushed(platform, uai, "edt", "emploi-du-temps", timetable)
    assert (pushed["etat"], pushed["rapport"][0]["code"]) == ("rejected", "bascule-sts-requise")

    await _step(platform, subjects.STS_ROLLOVER_BASCULE, StsBascule(uai=uai, year=NEXT, groupes=True))
    flows = await _flows(platform, uai, "pronote", NEXT)
    assert flows[("emploi-du-temps", "import")]["autorise"] is False  # Pronote: not its flow
    assert "bascule BEE" in flows[("liens-eleves-groupes", "import")]["raison"]
    assert "bascule BEE" in flows[("eleves", "export")]["raison"]
    assert (await _flows(platform, uai, "edt", NEXT))[("emploi-du-temps", "import")]["autorise"] is True
    links = write_import_eleves(replace(school.import_eleves, annee_scolaire=NEXT))
    pushed = await _pushed(platform, uai, "pronote", "liens-eleves-groupes", links)
    assert (pushed["etat"], pushed["rapport"][0]["code"]) == ("rejected", "bascule-bee-requise")
    assert await refusal(platform, uai, "eleves", NEXT) == (409, "bascule-bee-requise")

    this_year = await _flows(platform, uai, "pronote", YEAR)
    assert all(flow["autorise"] for (name, _), flow in this_year.items() if name != "emploi-du-temps")
