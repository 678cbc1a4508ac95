"""Deltas through the gateway: what changed since a cursor, deletions as tombstones, and the promise that
an earlier full export plus the delta is the later full export. Only this module changes SCHOOL_B."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest

from services.bee import pupils, tables
from services.common.db import transaction
from services.common.demo import DemoSchool
from services.common.formats.bee_eleves import Structure, StructuresEleve
from services.common.formats.bee_structures import DivisionAppartenance, Groupe
from services.common.pull.content import read_tombstones
from services.common.pull.journal import Scope
from services.sts.service import load_sts_edt
from tests.pull.conftest import YEAR, export_path
from tests.pull.files import BY_NAME, FlowFile, apply_delta, content
from tests.support.pki import SCHOOL_B
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")

SCOPE = Scope(SCHOOL_B, YEAR)
NEW_GROUP = "3TEST1"


async def pull(
    platform: Platform, file: FlowFile, client: str = "school-b-pronote", **params: str
) -> httpx.Response:
    async with platform.editor(client) as editor:
        response = await editor.get(export_path(SCHOOL_B, file.flow), params={**file.query, **params})
    assert response.status_code == 200, response.text
    return response


def records_of(file: FlowFile, response: httpx.Response) -> set[tuple[str, tuple[str, ...]]]:
    """(TYPE, key) of every record a delta carries."""
    found = content(file, file.read(response.content))
    tag_of = {path: tag for tag, path in file.tags.items()}
    return {(tag_of[path], key) for path in file.sections for key in _section(found, path)}


def tombstones_of(response: httpx.Response) -> set[tuple[str, tuple[str, ...]]]:
    return {
        (t["TYPE"], tuple(v for k, v in t.items() if k != "TYPE")) for t in read_tombstones(response.content)
    }


def _section(data: dict[str, Any], path: tuple[str, ...]) -> dict[Any, Any]:
    for step in path:
        data = data.get(step, {})
    return data


async def change_school(platform: Platform, school: DemoSchool) -> tuple[str, str]:
    """Rename one pupil and put it in a new group; delete another. Returns (changed, deleted) ids."""
    eleves = school.eleves.donnees.eleves or []
    changed, deleted = eleves[0], eleves[1]
    links = {s.eleve_id: s for s in school.eleves.donnees.structures or []}[changed.eleve_id]
    division = next(s.code_structure for s in links.structures if s.type_structure == "D")
    group = Groupe(
        code_structure=NEW_GROUP,
        libelle_long="GROUPE DE TEST",
        code_rne=SCHOOL_B,
        divisions_appartenance=[DivisionAppartenance(code_structure=division)],
    )
    grouped = [*links.structures, Structure(code_structure=NEW_GROUP, type_structure="G")]
    bee = platform.bee_app.state
    async with transaction(bee.runtime.sessions) as session:
        await pupils.put_eleves(session, bee.journal, SCOPE, [replace(changed, nom_usage="NOUVEAU NOM")])
        await pupils.delete_eleves(session, bee.journal, SCOPE, [deleted.eleve_id])
        await pupils.put_groupes(session, bee.journal, SCOPE, [group])
        record = StructuresEleve(eleve_id=changed.eleve_id, elenoet=changed.elenoet, structures=grouped)
        await pupils.put_structures_eleves(session, bee.journal, SCOPE, [record])
    return changed.eleve_id, deleted.eleve_id


async def test_delta_holds_exactly_the_changes_and_rebuilds_the_later_export(
    platform: Platform, school_b: DemoSchool
) -> None:
    eleves, structures = BY_NAME["eleves-1"], BY_NAME["structures"]
    before = {file.flow: await pull(platform, file) for file in (eleves, structures)}
    cursor = before["eleves"].headers["Curseur-Suivant"]

    changed, deleted = await change_school(platform, school_b)
    delta = await pull(platform, eleves, depuis=cursor)
    after = await pull(platform, eleves)

    assert delta.headers["Type-Export"] == "differentiel"
    assert records_of(eleves, delta) == {("ELEVE", (changed,)), ("STRUCTURES_ELEVE", (changed,))}
    gone = content(eleves, eleves.read(before["eleves"].content))
    shared = {e["adresse_id"] for k, e in gone["donnees"]["eleves"].items() if k != (deleted,)}
    expected = {(tag, (deleted,)) for tag, path in eleves.tags.items() if (deleted,) in _section(gone, path)}
    address = gone["donnees"]["eleves"][(deleted,)].get("adresse_id")
    if address and address not in shared:
        expected.add(("ADRESSE", (address,)))
    assert tombstones_of(delta) == expected
    rebuilt = apply_delta(
        eleves, gone, content(eleves, eleves.read(delta.content)), read_tombstones(delta.content)
    )
    assert rebuilt == content(eleves, eleves.read(after.content))
    assert delta.headers["Curseur-Suivant"] == after.headers["Curseur-Suivant"]

    structures_delta = await pull(
        platform, structures, depuis=before["structures"].headers["Curseur-Suivant"]
    )
    assert records_of(structures, structures_delta) == {("GROUPE", (NEW_GROUP,))}
    assert tombstones_of(structures_delta) == set()


async def test_json_delta_agrees_with_xml_delta(platform: Platform) -> None:
    eleves = BY_NAME["eleves-1"]
    first = await pull(platform, eleves)
    bee = platform.bee_app.state
    async with transaction(bee.runtime.sessions) as session:
        victim = (await tables.ELEVES.keys(session, SCOPE))[-1][0]
        await pupils.delete_eleves(session, bee.journal, SCOPE, [victim])

    cursor = first.headers["Curseur-Suivant"]
    xml = await pull(platform, eleves, depuis=cursor)
    as_json = (await pull(platform, eleves, depuis=cursor, format="json")).json()

    assert as_json["export"] == "differentiel"
    json_tombstones = {(t["type"], (t["eleve_id"],)) for t in as_json["suppressions"] if "eleve_id" in t}
    assert json_tombstones == {t for t in tombstones_of(xml) if t[0] != "ADRESSE"}
    assert ("ELEVE", (victim,)) in json_tombstones


async def test_delta_from_the_latest_cursor_is_empty(platform: Platform) -> None:
    eleves = BY_NAME["eleves-1"]
    latest = await pull(platform, eleves)
    delta = await pull(platform, eleves, depuis=latest.headers["Curseur-Suivant"])

    assert records_of(eleves, delta) == set()
    assert tombstones_of(delta) == set()
    assert b"<DONNEES/>" in delta.content


async def test_timetable_delta_holds_the_changed_teacher_and_structure(
    platform: Platform, school_b: DemoSchool
) -> None:
    timetable = BY_NAME["emploi-du-temps"]
    before = await pull(platform, timetable, client="school-b-edt")
    teacher = school_b.sts_edt.individus[0]
    division = school_b.sts_edt.divisions[0]
    edited = replace(
        school_b.sts_edt,
        individus=[replace(teacher, grade="AGREGE"), *school_b.sts_edt.individus[1:]],
        divisions=[replace(division, services=division.services[1:]), *school_b.sts_edt.divisions[1:]],
    )
    sts = platform.sts_app.state
    async with transaction(sts.runtime.sessions) as session:
        await load_sts_edt(session, sts.journal, SCOPE, edited)

    delta = await pull(platform, timetable, client="school-b-edt", depuis=before.headers["Curseur-Suivant"])
    after = await pull(platform, timetable, client="school-b-edt")

    expected = {("INDIVIDU", (teacher.individu_id,)), ("DIVISION", (division.code,))}
    assert records_of(timetable, delta) == expected
    base = content(timetable, timetable.read(before.content))
    rebuilt = apply_delta(timetable, base, content(timetable, timetable.read(delta.content)), [])
    assert rebuilt == content(timetable, timetable.read(after.content))


async def test_stale_etag_gets_the_new_export(platform: Platform) -> None:
    structures = BY_NAME["structures"]
    first = await pull(platform, structures)
    bee = platform.bee_app.state
    async with transaction(bee.runtime.sessions) as session:
        await pupils.delete_structures(session, bee.journal, SCOPE, [NEW_GROUP])

    async with platform.editor("school-b-pronote") as editor:
        again = await editor.get(
            export_path(SCHOOL_B, "structures"), headers={"If-None-Match": first.headers["ETag"]}
        )

    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
