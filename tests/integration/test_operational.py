"""Every service answers /healthz, /readyz and /metrics."""

from __future__ import annotations

import httpx

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
