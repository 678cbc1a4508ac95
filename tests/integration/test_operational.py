"""Every service answers /healthz, /readyz and /metrics."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from services.common.logging import JsonFormatter
from tests.support.platform import Platform


async def test_gateway_health_readiness_and_metrics(platform: Platform) -> None:
    async with platform.editor("school-a-edt") as client:
        await client.get("/v1/etablissements/0310053P/annees/2026/nomenclatures")
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        assert (await client.get("/readyz")).json() == {"status": "ready"}
        metrics = (await client.get("/metrics")).text
    route = 'route="/v1/etablissements/{uai}/annees/{annee}/nomenclatures"'
    counted = [
        line for line in metrics.splitlines() if line.startswith("http_requests_total{") and route in line
    ]
    assert counted
    assert 'service="gateway"' in counted[0]
    assert 'status="200"' in counted[0]


async def test_supervision_health_and_readiness(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.supervision_url) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/readyz")).json() == {"status": "ready"}
        assert "http_requests_total" in (await client.get("/metrics")).text


async def test_the_gateway_writes_one_access_line_per_exchange(
    platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="netsynchro.access")
    async with platform.editor("school-a-edt") as client:
        served = await client.get("/v1/etablissements/0310053P/annees/2026/nomenclatures")
        refused = await client.get("/v1/etablissements/0332490C/annees/2026/nomenclatures")
        await client.get("/healthz")  # an operational route: not an exchange
    lines = [record for record in caplog.records if record.name == "netsynchro.access"]
    assert len(lines) == 2
    ok, no = (vars(record) for record in lines)
    assert ok["status"] == 200
    assert ok["flow"] == "nomenclatures"
    assert ok["product"] == "edt"
    assert ok["uai"] == "0310053P"
    assert ok["editor"]
    assert ok["serial"]
    assert ok["bytes"] == len(served.content)
    assert ok["duration_ms"] > 0
    assert ok["sync_id"] == served.headers["Sync-Id"]
    assert no["status"] == 403
    assert no["sync_id"] == refused.headers["Sync-Id"]
    line = JsonFormatter("gateway").format(lines[0])
    assert json.loads(line)["sync_id"] == served.headers["Sync-Id"]  # the JSON line keeps it
