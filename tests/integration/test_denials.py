"""Every refusal gets the right status and problem code, and is recorded as a sync event."""

from __future__ import annotations

import asyncio
import ssl

import httpx
import pytest

from tests.integration.conftest import YEAR
from tests.support.pki import SCHOOL_A, SCHOOL_B
from tests.support.platform import Platform


def export_path(uai: str) -> str:
    return f"/v1/etablissements/{uai}/annees/{YEAR}/nomenclatures"


@pytest.mark.parametrize(
    ("client", "uai", "status", "code"),
    [
        (None, SCHOOL_A, 401, "certificat-absent"),
        ("expired", SCHOOL_A, 401, "certificat-expire"),
        ("school-a-edt", SCHOOL_B, 403, "etablissement-non-autorise"),
        ("cn-san-mismatch", SCHOOL_A, 401, "certificat-incoherent"),
        ("school-a-edt", "0750001A", 400, "uai-invalide"),
    ],
)
async def test_refusal_has_problem_code_and_sync_event(
    platform: Platform, client: str | None, uai: str, status: int, code: str
) -> None:
    async with platform.editor(client) as editor:
        response = await editor.get(export_path(uai))

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["status"], problem["code"]) == (status, code)
    assert problem["title"]  # a French sentence for the user
    sync = await platform.wait_for_sync(problem["sync_id"], "refused")
    assert (sync["problem_code"], sync["http_status"]) == (code, status)
    assert sync["flow"] == "nomenclatures"


async def test_foreign_ca_is_refused_at_handshake_and_recorded(platform: Platform) -> None:
    async with platform.editor("foreign") as editor:
        with pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError, ssl.SSLError)):
            await editor.get(export_path(SCHOOL_A))

    async with platform.supervision() as supervision:
        for _ in range(200):
            page = (await supervision.get("/api/syncs", params={"flow": "authentification"})).json()
            if page["items"]:
                break
            await asyncio.sleep(0.05)
    (sync,) = page["items"]
    assert (sync["state"], sync["problem_code"]) == ("refused", "certificat-autorite-inconnue")
