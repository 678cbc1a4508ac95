"""Helpers of the rollover tests: pull through the gateway, compare exports, read supervision."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlmodel import select

from services.bee.models import AcademieNomenclatures, BeeRollover, SchoolYear
from services.common.bus import Bus
from services.common.settings import NatsSettings
from services.sts.models import StsRollover, StsSchoolYear
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


@asynccontextmanager
async def operator_bus(platform: Platform) -> AsyncIterator[Bus]:
    """The bus as an admin UI would use it (the CLIs are tested by the whole sequence)."""
    bus = Bus(NatsSettings(url=platform.nats_url, request_timeout=20), name="rollover-tests")
    await bus.connect()
    try:
        yield bus
    finally:
        await bus.close()


async def footprint(platform: Platform, uai: str) -> dict[str, Any]:
    """Everything a rollover step may change for a school, in both services: school years with their
    journal heads, rollover rows, the académie's catalogue."""
    found: dict[str, Any] = {}
    for name, app, models in (
        ("bee", platform.bee_app, (SchoolYear, BeeRollover, AcademieNomenclatures)),
        ("sts", platform.sts_app, (StsSchoolYear, StsRollover)),
    ):
        async with app.state.runtime.sessions() as session:
            for model in models:
                rows = (await session.exec(select(model))).all()
                found[f"{name}.{model.__tablename__}"] = sorted(
                    (
                        row.model_dump(mode="json", exclude={"document"})
                        for row in rows
                        if getattr(row, "uai", uai) == uai
                    ),
                    key=str,
                )
    return found
