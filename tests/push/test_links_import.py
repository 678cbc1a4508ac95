"""IMPORT_ELEVES into BEE: links replaced as a whole, hand-made links included; bad pupils reported."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from services.common.demo import DemoSchool
from services.common.formats.bee_eleves import read_bee_eleves
from services.common.formats.import_eleves import Eleve, GroupeEleve, write_import_eleves
from tests.push.pushing import links_of, push, push_path, wait_final
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")
UAI = "0310107Y"
LINKS = "liens-eleves-groupes"


async def test_links_replace_the_schools_group_links_and_bad_pupils_are_reported(
    platform: Platform, loaded: DemoSchool
) -> None:
    links = copy.deepcopy(loaded.import_eleves)
    renamed, regrouped, dropped = links.eleves[0], links.eleves[1], links.eleves[2]
    renamed.nom_de_famille = "NOM-INCONNU"
    regrouped.groupes.append(GroupeEleve(code_groupe="ZZGR9"))
    links.eleves.remove(dropped)  # a pupil the file does not name loses their group links
    links.eleves.append(
        Eleve(eleve_id="9999999", nom_de_famille="X", prenom="Y", date_naiss=date(2012, 1, 1))
    )
    kept = {e.eleve_id: {g.code_groupe for g in e.groupes} for e in links.eleves[3:-1]}

    async with platform.editor(f"{UAI}-pronote") as editor:
        unchanged = await wait_final(
            editor, (await push(editor, UAI, LINKS, links_of(loaded))).json()["sync_id"]
        )
        final = await wait_final(
            editor, (await push(editor, UAI, LINKS, write_import_eleves(links))).json()["sync_id"]
        )
        eleves = read_bee_eleves((await editor.get(push_path(UAI, "eleves"))).content)

    assert (unchanged["etat"], unchanged["compteurs"]["ELEVE.changed"]) == ("applied", 0)
    assert final["etat"] == "partially_applied"
    report = {entry["code"]: entry for entry in final["rapport"]}
    assert sorted(report) == ["eleve-discordant", "eleve-inconnu", "groupe-inconnu"]
    assert report["eleve-discordant"]["path"] == "/IMPORT_ELEVES/DONNEES/ELEVES/ELEVE[1]"
    assert report["eleve-inconnu"]["path"] == f"/IMPORT_ELEVES/DONNEES/ELEVES/ELEVE[{len(links.eleves)}]"
    assert all(entry["line"] for entry in final["rapport"])
    groups = {
        r.eleve_id: {s.code_structure for s in r.structures if s.type_structure == "G"}
        for r in eleves.donnees.structures or []
    }
    divisions = {
        r.eleve_id: [s.code_structure for s in r.structures if s.type_structure == "D"]
        for r in eleves.donnees.structures or []
    }
    assert all(groups.get(eleve_id, set()) == codes for eleve_id, codes in kept.items())
    refused = (renamed.eleve_id, regrouped.eleve_id, dropped.eleve_id)
    assert all(not groups.get(eleve_id) for eleve_id in refused)  # treated as absent from the file
    assert all(divisions[eleve_id] for eleve_id in refused)  # division links are BEE's own
    removed = sum(len(e.groupes) for e in loaded.import_eleves.eleves[:3])
    assert final["compteurs"]["LIEN.removed"] == removed
