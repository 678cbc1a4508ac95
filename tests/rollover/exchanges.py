"""Helpers of the rollover tests: pull through the gateway, compare exports, read supervision."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from tests.support.platform import Platform

BEE_EXPORTS = ("eleves", "responsables", "structures", "nomenclatures", "etablissement")
# A BEE file's time stamp is the moment of the export, the only part that may differ between two pulls.
_STAMPS = re.compile(rb"<(DATE_EXPORT|HORODATAGE)>[^<]*</\1>")


def path(uai: str, flow: str, year: int) -> str:
    return f"/v1/etablissements/{uai}/annees/{year}/{flow}"


async def pull(platform: Platform, uai: str, flow: str, year: int) -> httpx.Response:
    product = "edt" if flow in ("emploi-du-temps", "structures", "nomenclatures") else "pronote"
    async with platform.editor(f"{uai}-{product}") as editor:
        return await editor.get(path(uai, flow, year))


def unstamped(body: bytes) -> bytes:
    return _STAMPS.sub(rb"<\1/>", body)


async def year_exports(platform: Platform, uai: str, year: int) -> dict[str, bytes]:
    """Every export of the school's year, time stamps masked."""
    found = {}
    for flow in (*BEE_EXPORTS, "emploi-du-temps"):
        response = await pull(platform, uai, flow, year)
        assert response.status_code == 200, (flow, response.text)
        found[flow] = unstamped(response.content)
    return found


async def refusal(platform: Platform, uai: str, flow: str, year: int) -> tuple[int, str]:
    response = await pull(platform, uai, flow, year)
    return response.status_code, response.json().get("code", "")


async def step_syncs(platform: Platform, uai: str, flow: str, count: int = 1) -> list[dict[str, Any]]:
    """The school's syncs of one rollover step, once supervision recorded ``count`` of them."""
    async with platform.supervision() as client:
        for _ in range(200):
            response = await client.get("/api/syncs", params={"uai": uai, "flow": flow})
            items: list[dict[str, Any]] = response.json()["items"]
            if len(items) >= count:
                return items
            await asyncio.sleep(0.05)
    raise AssertionError(f"supervision shows {len(items)} {flow} syncs of {uai}, expected {count}")
