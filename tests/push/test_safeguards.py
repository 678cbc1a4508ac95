"""Idempotency, simulation, the safety valve with a supervisor's decision, and "what can I run now"."""

from __future__ import annotations

import asyncio
import copy

import httpx
import pytest
from sqlmodel import col, func, select

from services.common.demo import DemoSchool
from services.common.formats import edt_sts as edt
from services.common.formats.edt_sts import write_edt_sts
from services.sts.models import StsImportJob
from tests.push.pushing import FINAL, push, push_path, timetable_of, wait_final
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")
UAI = "0310103U"
TIMETABLE = "emploi-du-temps"


async def _etag(editor: httpx.AsyncClient) -> str:
    return (await editor.get(push_path(UAI, TIMETABLE))).headers["ETag"]


async def _imports_run(platform: Platform) -> int:
    async with platform.sts_app.state.runtime.sessions() as session:
        query = select(func.count()).select_from(StsImportJob).where(col(StsImportJob.uai) == UAI)
        return int((await session.exec(query)).one())


def _truncated(school: DemoSchool) -> bytes:
    """A timetable cut short: two divisions, no group (what a failed export from EDT looks like)."""
    model = copy.deepcopy(school.edt_sts)
    model.divisions, model.groupes = model.divisions[:2], []
    return write_edt_sts(model)


async def test_retries_with_one_idempotency_key_make_one_sync_and_one_import(
    platform: Platform, loaded: DemoSchool
) -> None:
    data, key = timetable_of(loaded), {"Idempotency-Key": "emploi-du-temps-du-20-septembre"}
    async with platform.editor(f"{UAI}-edt") as editor:
        racing = await asyncio.gather(*(push(editor, UAI, TIMETABLE, data, **key) for _ in range(4)))
        first = racing[0].json()["sync_id"]
        final = await wait_final(editor, first)
        retry = await push(editor, UAI, TIMETABLE, data, **key)
        other_file = await push(editor, UAI, TIMETABLE, _truncated(loaded), **key)

    assert {r.status_code for r in racing} == {202}
    assert {r.json()["sync_id"] for r in racing} == {first}
    assert final["etat"] == "applied"
    assert (retry.status_code, retry.json()["sync_id"], retry.json()["etat"]) == (202, first, "applied")
    assert (other_file.status_code, other_file.json()["code"]) == (409, "idempotence-conflit")
    assert await _imports_run(platform) == 1


async def test_a_simulation_answers_the_full_verdict_and_changes_nothing(
    platform: Platform, loaded: DemoSchool
) -> None:
    model = copy.deepcopy(loaded.edt_sts)
    model.divisions.append(edt.Division(code="9 Z"))
    async with platform.editor(f"{UAI}-edt") as editor:
        before = await _etag(editor)
        response = await editor.post(
            push_path(UAI, TIMETABLE),
            content=write_edt_sts(model),
            params={"simulation": "1"},
            headers={"Content-Type": "application/xml"},
        )
        status = (await editor.get(response.json()["statut_url"])).json()
        after = await _etag(editor)

    verdict = response.json()
    assert (response.status_code, verdict["etat"], verdict["simulation"]) == (200, "partially_applied", True)
    assert [entry["code"] for entry in verdict["rapport"]] == ["division-inconnue"]
    assert verdict["compteurs"]["rejected"] == 1
    assert (status["etat"], status["simulation"]) == ("partially_applied", True)
    assert before == after


async def test_an_import_removing_most_services_is_held_until_a_supervisor_decides(
    platform: Platform, loaded: DemoSchool
) -> None:
    async with platform.editor(f"{UAI}-edt") as editor, platform.supervision() as supervisor:
        await wait_final(editor, (await push(editor, UAI, TIMETABLE, timetable_of(loaded))).json()["sync_id"])
        before = await _etag(editor)
        held = await wait_final(
            editor, (await push(editor, UAI, TIMETABLE, _truncated(loaded))).json()["sync_id"]
        )
        unchanged = await _etag(editor)
        await platform.wait_for_sync(held["sync_id"], "held")
        approval = await supervisor.post(f"/api/syncs/{held['sync_id']}/decision", json={"approuver": True})
        approved = await wait_final(editor, held["sync_id"], states=FINAL)
        await wait_final(editor, (await push(editor, UAI, TIMETABLE, timetable_of(loaded))).json()["sync_id"])
        again = await wait_final(
            editor, (await push(editor, UAI, TIMETABLE, _truncated(loaded))).json()["sync_id"]
        )
        await platform.wait_for_sync(again["sync_id"], "held")
        refusal = await supervisor.post(f"/api/syncs/{again['sync_id']}/decision", json={"approuver": False})
        refused = await wait_final(editor, again["sync_id"], states=FINAL)
        too_late = await supervisor.post(f"/api/syncs/{held['sync_id']}/decision", json={"approuver": False})

    assert (held["etat"], before) == ("held", unchanged)
    assert "superviseur" in held["raison"]
    assert approval.status_code == 202
    assert approved["etat"] == "applied"
    assert approved["compteurs"]["SERVICE.removed"] > approved["compteurs"]["SERVICE.changed"]
    assert (again["etat"], refusal.status_code, refused["etat"]) == ("held", 202, "rejected")
    assert "refusé" in refused["raison"]
    assert (too_late.status_code, too_late.json()["code"]) == (409, "import-non-retenu")


async def test_can_run_says_links_would_wait_while_a_timetable_is_running(
    platform: Platform, loaded: DemoSchool
) -> None:
    async with platform.editor(f"{UAI}-edt") as editor, platform.editor(f"{UAI}-pronote") as pronote:
        pushed = (await push(editor, UAI, TIMETABLE, timetable_of(loaded))).json()
        during = (await pronote.get(push_path(UAI, "flux"))).json()["flux"]
        await wait_final(editor, pushed["sync_id"])
        await asyncio.sleep(2.5)  # the structure feed's next round, at the latest
        after = (await pronote.get(push_path(UAI, "flux"))).json()["flux"]

    def verdict(flows: list[dict[str, object]], name: str, direction: str) -> dict[str, object]:
        return next(f for f in flows if (f["nom"], f["sens"]) == (name, direction))

    links = verdict(during, "liens-eleves-groupes", "import")
    assert (links["autorise"], "emploi du temps" in str(links["raison"])) == (False, True)
    assert verdict(after, "liens-eleves-groupes", "import")["autorise"] is True
    assert verdict(after, "eleves", "export")["autorise"] is True
    refused = verdict(after, TIMETABLE, "import")
    assert (refused["autorise"], "habilité" in str(refused["raison"])) == (False, True)  # Pronote: no EDT
