"""Requests refused before any file is read, and the one rule for the UAJ's case (issue 15, items 5, 8
and 12): each answer names a sync that supervision records with the answer's code."""

from __future__ import annotations

import httpx
import pytest

from services.common.demo import DemoSchool
from tests.push.pushing import XML, push, push_path, timetable_of
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")
UAI = "0310114F"
TIMETABLE = "emploi-du-temps"


async def _journaled(
    platform: Platform, response: httpx.Response, status: int, code: str, state: str
) -> None:
    problem = response.json()
    assert (response.status_code, problem["code"]) == (status, code), response.text
    assert response.headers["Sync-Id"] == problem["sync_id"]
    sync = await platform.wait_for_sync(problem["sync_id"], state)
    assert (sync["problem_code"], sync["http_status"]) == (code, status)


async def test_an_empty_idempotency_key_is_refused_not_taken_as_a_key(
    platform: Platform, loaded: DemoSchool
) -> None:
    file = timetable_of(loaded)
    async with platform.editor(f"{UAI}-edt") as edt:
        for _ in range(2):  # the second is no 409: nothing was claimed under an empty key
            response = await push(edt, UAI, TIMETABLE, file, **{"Idempotency-Key": ""})
            await _journaled(platform, response, 400, "idempotence-cle-vide", "refused")
        dry_run = await edt.post(
            push_path(UAI, TIMETABLE), params={"simulation": "1"}, content=file, headers=XML
        )
        assert dry_run.status_code == 200, dry_run.text


@pytest.mark.parametrize(
    ("method", "flow", "params", "headers"),
    [
        ("POST", TIMETABLE, {"simulation": "maybe"}, {}),
        ("POST", TIMETABLE, {}, {"Idempotency-Key": "k" * 201}),
        ("GET", "structures", {"format": "pdf"}, {}),
    ],
    ids=["simulation-maybe", "key-201-characters", "format-pdf"],
)
async def test_a_request_the_framework_refuses_is_journaled_under_the_sync_it_names(
    platform: Platform,
    loaded: DemoSchool,
    method: str,
    flow: str,
    params: dict[str, str],
    headers: dict[str, str],
) -> None:
    async with platform.editor(f"{UAI}-edt") as edt:
        response = await edt.request(
            method,
            push_path(UAI, flow),
            params=params,
            headers={**XML, **headers},
            content=timetable_of(loaded) if method == "POST" else None,
        )
    await _journaled(platform, response, 400, "requete-invalide", "refused")


async def test_a_lower_case_uaj_is_refused_at_intake_with_its_code(
    platform: Platform, loaded: DemoSchool
) -> None:
    file = timetable_of(loaded).replace(f"<UAJ>{UAI}</UAJ>".encode(), f"<UAJ>{UAI.lower()}</UAJ>".encode())
    assert UAI.lower().encode() in file
    async with platform.editor(f"{UAI}-edt") as edt:
        response = await push(edt, UAI, TIMETABLE, file)
        await _journaled(platform, response, 400, "uai-invalide", "rejected")
        assert response.json()["path"] == "/EDT_STS/PARAMETRES/UAJ"
