"""Helpers of the push tests: load a school, issue its certificates, push, wait for a final state."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from services.bee.seed import bee_files
from services.bee.service import load_files
from services.common.db import transaction
from services.common.demo import DemoSchool
from services.common.formats.edt_sts import write_edt_sts
from services.common.formats.import_eleves import write_import_eleves
from services.common.pull.journal import Scope
from services.sts.service import load_sts_edt
from tests.support.platform import Platform

FINAL = frozenset({"applied", "partially_applied", "rejected", "failed"})
SETTLED = FINAL | {"held"}
XML = {"Content-Type": "application/xml"}


async def load_school(platform: Platform, school: DemoSchool) -> None:
    """Every BEE and STS file of ``school``, through the services' own write paths; one EDT and one
    Pronote certificate for it (``<uai>-edt``, ``<uai>-pronote``)."""
    scope = Scope(school.uai, school.year)
    bee, sts = platform.bee_app.state, platform.sts_app.state
    async with transaction(bee.runtime.sessions) as session:
        await load_files(session, bee.journal, scope, bee_files(school))
    async with transaction(sts.runtime.sessions) as session:
        await load_sts_edt(session, sts.journal, scope, school.sts_edt)
    for product in ("edt", "pronote"):
        if f"{school.uai}-{product}" not in platform.pki.clients:
            platform.pki.issue(f"{school.uai}-{product}", school.uai, product)


def timetable_of(school: DemoSchool) -> bytes:
    return write_edt_sts(school.edt_sts)


def links_of(school: DemoSchool) -> bytes:
    return write_import_eleves(school.import_eleves)


def push_path(uai: str, flow: str, year: int = 2026) -> str:
    return f"/v1/etablissements/{uai}/annees/{year}/{flow}"


async def push(editor: httpx.AsyncClient, uai: str, flow: str, data: bytes, **headers: str) -> httpx.Response:
    return await editor.post(push_path(uai, flow), content=data, headers={**XML, **headers})


async def wait_final(
    editor: httpx.AsyncClient, sync_id: str, within: float = 60.0, states: frozenset[str] = SETTLED
) -> dict[str, Any]:
    """Poll the status URL until the sync is in ``states`` (final, or held, by default)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        response = await editor.get(f"/v1/syncs/{sync_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["etat"] in states:
            return body
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"sync {sync_id} still {body['etat']}: {body}")
        await asyncio.sleep(0.1)
