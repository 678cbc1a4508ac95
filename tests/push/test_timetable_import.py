"""EDT_STS through the gateway into STS: replaced as a whole, exported back, refused records reported."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from services.common.demo import DemoSchool
from services.common.formats import edt_sts as edt
from services.common.formats.sts_edt import StsEdt, read_sts_edt
from services.common.formats.sts_services import Cours, Enseignant, Service
from services.common.formats.xmlwrite import serialize
from services.common.records import to_data
from tests.push.pushing import push, push_path, timetable_of, wait_final
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")
UAI = "0310101S"


async def _export(editor: httpx.AsyncClient) -> StsEdt:
    response = await editor.get(push_path(UAI, "emploi-du-temps"))
    return read_sts_edt(response.content, filename="sts_emp.xml")


def _services(structures: Sequence[Any]) -> dict[str, list[Any]]:
    """Each structure's services (JSON form), in subject and mode order, by structure code."""
    return {s.code: sorted(to_data(s.services), key=_service_key) for s in structures}


def _service_key(service: dict[str, Any]) -> tuple[str, str]:
    return service["code_matiere"], service["code_mod_cours"]


async def test_timetable_push_replaces_services_and_the_export_shows_it(
    platform: Platform, loaded: DemoSchool
) -> None:
    timetable = loaded.edt_sts
    services = sum(len(d.services) for d in timetable.divisions) + sum(
        len(g.services) for g in timetable.groupes
    )
    async with platform.editor(f"{UAI}-edt") as editor:
        response = await push(editor, UAI, "emploi-du-temps", timetable_of(loaded))
        receipt = response.json()
        final = await wait_final(editor, receipt["sync_id"])
        exported = await _export(editor)

    assert (response.status_code, receipt["etat"]) == (202, "queued")
    assert response.headers["Location"] == receipt["statut_url"] == f"/v1/syncs/{receipt['sync_id']}"
    assert final["etat"] == "applied", final
    assert final["compteurs"]["SERVICE.changed"] == services  # each service gained its courses
    assert (final["compteurs"]["SERVICE.added"], final["compteurs"]["SERVICE.removed"]) == (0, 0)
    assert final["compteurs"]["ALTERNANCE.added"] == len(loaded.edt_sts.alternances)
    assert final["rapport"] == []
    assert _services(exported.divisions) == _services(loaded.edt_sts.divisions)
    assert _services(exported.groupes) == _services(loaded.edt_sts.groupes)
    journal = await platform.wait_for_sync(receipt["sync_id"], "applied")
    assert [e["state"] for e in journal["events"]] == ["received", "queued", "validated", "applied"]


async def test_records_with_errors_are_skipped_and_reported_with_path_and_line(
    platform: Platform, loaded: DemoSchool
) -> None:
    model = copy.deepcopy(loaded.edt_sts)
    first, second = model.divisions[0], model.divisions[1]
    teacher = first.services[0].enseignants[0]
    unknown_subject = Service(
        code_matiere="999999", code_mod_cours="CG", enseignants=[copy.deepcopy(teacher)]
    )
    new_group = edt.Groupe(
        code="NOUVGR1", divisions=[first.code], services=[copy.deepcopy(first.services[0])]
    )
    first.services.append(unknown_subject)
    second.services[0].enseignants.append(Enseignant(individu_id="99999999", individu_type="epp"))
    teacher.cours.append(
        Cours(jour=9, heure_debut=teacher.cours[0].heure_debut, duree=teacher.cours[0].duree)
    )
    model.divisions.append(edt.Division(code="9 Z", services=[]))
    model.groupes += [edt.Groupe(code="9ZGR1", divisions=["9 Z"]), new_group]
    data = serialize(edt.build_edt_sts(model))  # unchecked: the writer would refuse the bad course

    async with platform.editor(f"{UAI}-edt") as editor:
        receipt = (await push(editor, UAI, "emploi-du-temps", data)).json()
        final = await wait_final(editor, receipt["sync_id"])
        exported = await _export(editor)

    assert final["etat"] == "partially_applied", final
    codes = sorted((entry["code"], entry["path"]) for entry in final["rapport"])
    base = "/EDT_STS/DONNEES/STRUCTURE"
    count = len(model.divisions)
    assert codes == sorted(
        [
            ("division-inconnue", f"{base}/DIVISIONS/DIVISION[{count}]"),
            ("division-inconnue", f"{base}/GROUPES/GROUPE[{len(model.groupes) - 1}]"),
            ("enseignant-inconnu", f"{base}/DIVISIONS/DIVISION[2]/SERVICES/SERVICE[1]"),
            ("matiere-inconnue", f"{base}/DIVISIONS/DIVISION[1]/SERVICES/SERVICE[{len(first.services)}]"),
            (
                "valeur-invalide",
                f"{base}/DIVISIONS/DIVISION[1]/SERVICES/SERVICE[1]/ENSEIGNANTS/ENSEIGNANT"
                f"/COURS_RATTACHES/COURS[{len(teacher.cours)}]",
            ),
        ]
    )
    assert all(entry["line"] and entry["title"] for entry in final["rapport"])
    assert final["compteurs"]["rejected"] == 5
    assert final["compteurs"]["SERVICE.removed"] == 1  # the service with an unknown teacher
    assert final["compteurs"]["GROUPE.added"] == 1
    assert "NOUVGR1" in {g.code for g in exported.groupes}
    assert "9 Z" not in {d.code for d in exported.divisions}
