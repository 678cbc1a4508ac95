"""Requests refused before any file is read, and the one rule for the UAJ's case (issue 15, items 5, 8
and 12): each answer names a sync that supervision records with the answer's code."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from services.common.demo import DemoSchool
from tests.push.conftest import school
from tests.push.pushing import XML, push, push_path, timetable_of
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")
UAI = "0310114F"
UNLOADED = "0310112D"  # a school of no service: its certificate exists, STS holds nothing for it
TIMETABLE = "emploi-du-temps"


async def _journaled(
    platform: Platform, response: httpx.Response, status: int, code: str, state: str
) -> None:
    problem = response.json()
    assert (response.status_code, problem["code"]) == (status, code), response.text
    assert response.headers["Sync-Id"] == problem["sync_id"]
    sync = await platform.wait_for_sync(problem["sync_id"], state, within=30)
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


async def test_a_chunked_upload_stalled_mid_body_is_answered_408_and_journaled(
    platform: Platform, loaded: DemoSchool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The body stops arriving after its first chunk: the gateway's body read timeout (made short here)
    answers ``408 corps-incomplet`` and closes the connection; the sync is recorded refused."""
    settings = platform.gateway_app.state.gateway.settings
    monkeypatch.setattr(settings, "body_read_timeout_seconds", 0.5)
    host, port = platform.gateway_url.removeprefix("https://").split(":")
    context = platform.ssl_context(f"{UAI}-edt")
    reader, writer = await asyncio.open_connection(host, int(port), ssl=context, server_hostname=host)
    try:
        chunk = timetable_of(loaded)[:1000]
        writer.write(
            f"POST {push_path(UAI, TIMETABLE)} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/xml\r\n"
            f"Transfer-Encoding: chunked\r\n\r\n{len(chunk):x}\r\n".encode()
            + chunk
            + b"\r\n"
        )
        await writer.drain()  # and nothing more: the upload stalls
        answer = await asyncio.wait_for(reader.read(), 30)  # until the server closes: a hang detector
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer
    assert b"connection: close" in head.lower()
    problem = json.loads(body)
    assert problem["code"] == "corps-incomplet"
    sync = await platform.wait_for_sync(problem["sync_id"], "refused")
    assert (sync["problem_code"], sync["http_status"]) == ("corps-incomplet", 408)


async def test_a_file_the_worker_rejects_is_journaled_with_its_problem_code(platform: Platform) -> None:
    """A school STS does not hold: intake accepts the file, the worker rejects it (``annee-inconnue``),
    and supervision's sync names that code, as it does for a refusal at intake."""
    unloaded = school(UNLOADED)
    platform.pki.issue(f"{UNLOADED}-edt", UNLOADED, "edt")
    async with platform.editor(f"{UNLOADED}-edt") as edt:
        response = await push(edt, UNLOADED, TIMETABLE, timetable_of(unloaded))
        assert response.status_code == 202, response.text
    sync = await platform.wait_for_sync(response.json()["sync_id"], "rejected", within=60)
    assert sync["problem_code"] == "annee-inconnue"
