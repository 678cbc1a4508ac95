"""Links pushed right after a timetable wait for it (and for its groups to reach BEE), then apply."""

from __future__ import annotations

import copy

import pytest

from services.common.demo import DemoSchool
from services.common.formats import edt_sts as edt
from services.common.formats.bee_eleves import read_bee_eleves
from services.common.formats.bee_structures import read_bee_structures
from services.common.formats.edt_sts import write_edt_sts
from services.common.formats.import_eleves import GroupeEleve, write_import_eleves
from tests.push.pushing import push, push_path, wait_final
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")
UAI = "0310102T"
NEW_GROUP = "NVGR1"


def _pupils_of(school: DemoSchool, division: str) -> list[str]:
    return [
        record.eleve_id
        for record in school.eleves.donnees.structures or []
        if any(s.code_structure == division and s.type_structure == "D" for s in record.structures)
    ]


async def test_links_pushed_right_after_a_timetable_wait_then_apply_against_its_new_groups(
    platform: Platform, loaded: DemoSchool
) -> None:
    timetable = copy.deepcopy(loaded.edt_sts)
    division = timetable.divisions[0]
    timetable.groupes.append(
        edt.Groupe(code=NEW_GROUP, divisions=[division.code], services=division.services[:1])
    )
    moved = set(_pupils_of(loaded, division.code)[:5])
    links = copy.deepcopy(loaded.import_eleves)
    for eleve in links.eleves:
        if eleve.eleve_id in moved:
            eleve.groupes.append(GroupeEleve(code_groupe=NEW_GROUP))

    async with platform.editor(f"{UAI}-edt") as edt_editor, platform.editor(f"{UAI}-pronote") as pronote:
        first = (await push(edt_editor, UAI, "emploi-du-temps", write_edt_sts(timetable))).json()
        second = (await push(pronote, UAI, "liens-eleves-groupes", write_import_eleves(links))).json()
        links_final = await wait_final(pronote, second["sync_id"])
        timetable_final = await wait_final(edt_editor, first["sync_id"])
        structures = read_bee_structures((await pronote.get(push_path(UAI, "structures"))).content)
        eleves = read_bee_eleves((await pronote.get(push_path(UAI, "eleves"))).content)

    assert (timetable_final["etat"], links_final["etat"]) == ("applied", "applied"), links_final
    assert links_final["compteurs"]["LIEN.added"] == len(moved)
    assert NEW_GROUP in {g.code_structure for g in structures.donnees.groupes or []}
    in_group = {
        r.eleve_id
        for r in eleves.donnees.structures or []
        if NEW_GROUP in {s.code_structure for s in r.structures}
    }
    assert in_group == moved
    journal = await platform.wait_for_sync(second["sync_id"], "applied")
    waiting = [e for e in journal["events"] if e["state"] == "waiting"]
    assert waiting, journal["events"]
    assert "emploi du temps" in waiting[0]["data"]["message"]
