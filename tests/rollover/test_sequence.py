"""A school's whole rollover: the académie loads N+1's nomenclatures, the school profiles and does its STS
bascule, the académie does BEE's; N+1 then takes a timetable and links, while N serves its exports
unchanged throughout."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from services.common.demo import DemoSchool
from services.common.formats.edt_sts import write_edt_sts
from services.common.formats.import_eleves import write_import_eleves
from tests.push.pushing import XML, wait_final
from tests.rollover.conftest import NEXT, YEAR, bee_command, new_school, sts_command
from tests.rollover.exchanges import path, pull, refusal, step_syncs, year_exports
from tests.support.platform import Platform

pytestmark = [pytest.mark.asyncio(loop_scope="package"), pytest.mark.usefixtures("cli_env")]


async def test_profiling_then_both_bascules_open_next_year_while_this_year_serves_unchanged(
    platform: Platform, nomenclature_file: Path
) -> None:
    school = await new_school(platform)
    uai, year = school.uai, str(NEXT)
    before = await year_exports(platform, uai, YEAR)

    assert (
        await bee_command(
            "load-nomenclatures", "--academie", "toulouse", "--year", year, str(nomenclature_file)
        )
        == 0
    )
    assert await sts_command("profile", "--uai", uai, "--year", year, "--reconduire") == 0
    assert await refusal(platform, uai, "emploi-du-temps", NEXT) == (409, "bascule-sts-requise")
    assert await sts_command("bascule", "--uai", uai, "--year", year, "--groupes") == 0
    assert await refusal(platform, uai, "eleves", NEXT) == (409, "bascule-bee-requise")
    assert await bee_command("bascule", "--uai", uai, "--year", year) == 0

    await _next_year_serves_what_the_bascules_carried(platform, school)
    await _next_year_takes_a_timetable_then_links(platform, school)
    assert await year_exports(platform, uai, YEAR) == before
    for step in ("profilage", "bascule-sts", "bascule-bee"):
        assert [sync["state"] for sync in await step_syncs(platform, uai, step)] == ["applied"]


async def _next_year_serves_what_the_bascules_carried(platform: Platform, school: DemoSchool) -> None:
    timetable = (await pull(platform, school.uai, "emploi-du-temps", NEXT)).content
    assert f'ANNEE="{NEXT}"'.encode() in timetable
    for division in school.sts_edt.divisions:
        assert f'<DIVISION CODE="{division.code}">'.encode() in timetable
    assert b"<SERVICE " not in timetable  # N+1's services come from its timetable import
    pupils = (await pull(platform, school.uai, "eleves", NEXT)).content
    staying = [p for p in school.eleves.donnees.eleves or [] if p.date_sortie is None]  # not who left
    assert pupils.count(b"<ELEVE ") == len(staying)
    assert b"<STRUCTURES_ELEVE " not in pupils  # placed at the rentrée, not carried over
    structures = (await pull(platform, school.uai, "structures", NEXT)).content
    assert structures.count(b"<GROUPE ") == len(school.sts_edt.groupes)


async def _next_year_takes_a_timetable_then_links(platform: Platform, school: DemoSchool) -> None:
    timetable = write_edt_sts(replace(school.edt_sts, annee_scolaire=NEXT))
    left = {p.eleve_id for p in school.eleves.donnees.eleves or [] if p.date_sortie is not None}
    carried = [eleve for eleve in school.import_eleves.eleves if eleve.eleve_id not in left]  # as the bascule
    links = write_import_eleves(replace(school.import_eleves, annee_scolaire=NEXT, eleves=carried))
    for product, flow, data in (
        ("edt", "emploi-du-temps", timetable),
        ("pronote", "liens-eleves-groupes", links),
    ):
        async with platform.editor(f"{school.uai}-{product}") as editor:
            response = await editor.post(path(school.uai, flow, NEXT), content=data, headers=XML)
            assert response.status_code == 202, response.text
            assert (await wait_final(editor, response.json()["sync_id"]))["etat"] == "applied"
    services = (await pull(platform, school.uai, "emploi-du-temps", NEXT)).content
    edt = school.edt_sts
    taught = sum(len(d.services) for d in edt.divisions) + sum(len(g.services) for g in edt.groupes)
    assert services.count(b"<SERVICE ") == taught
    pupils = (await pull(platform, school.uai, "eleves", NEXT)).content
    placed = sum(len(eleve.groupes) for eleve in carried)
    assert pupils.count(b"<TYPE_STRUCTURE>G</TYPE_STRUCTURE>") == placed
