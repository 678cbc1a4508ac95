"""The monitoring shipped with the manifests: alert rules that fire (promtool), a dashboard that queries
exported metrics, and public ingresses that route neither metrics, health nor the gateway's docs."""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

import pytest

from scripts import check_monitoring
from tests.deploy.kube import OVERLAYS, Resource, of_kind, render

OPERATIONAL_PATHS = ("/metrics", "/healthz", "/readyz")
GATEWAY_DOCS = ("/docs", "/docs/api", "/docs/api/ui/index.html", "/docs/references", "/openapi.json")
DENY_ALL = "nginx.ingress.kubernetes.io/denylist-source-range"


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI") == "true":
            raise RuntimeError("CI=true but promtool is missing: make system-deps (Debian prometheus)")
        pytest.skip("promtool is missing: make system-deps")
    return found


def test_the_rules_pass_promtool_and_each_fires_in_its_unit_test() -> None:
    assert check_monitoring.run_promtool(promtool()) == []


def test_every_alert_has_a_unit_test() -> None:
    alerts = {rule["alert"] for group in check_monitoring.rule_groups()["groups"] for rule in group["rules"]}  # type: ignore[attr-defined]
    tested = check_monitoring.RULES_TEST.read_text()
    assert alerts
    assert all(f"alertname: {alert}\n" in tested for alert in alerts)


def test_a_broken_rule_fails_the_unit_tests(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """The unit tests can fail: with the journal's threshold raised, JournalEnRetard no longer fires."""
    broken = tmp_path / "prometheusrule.yaml"
    broken.write_text(
        check_monitoring.RULES.read_text().replace(
            "netsynchro_journal_lag_messages) > 1000", "netsynchro_journal_lag_messages) > 100000"
        )
    )
    monkeypatch.setattr(check_monitoring, "RULES", broken)
    failures = check_monitoring.run_promtool(promtool())
    assert failures
    assert "JournalEnRetard" in failures[0]


def test_the_dashboard_loads_and_queries_documented_metrics_only() -> None:
    dashboard = json.loads(check_monitoring.DASHBOARD.read_text())
    assert dashboard["uid"]
    assert dashboard["panels"]
    assert all(panel["targets"] and panel["title"] for panel in dashboard["panels"])
    assert check_monitoring.unknown_metrics(check_monitoring.documented_metrics()) == set()
    assert check_monitoring.unknown_metrics({"http_requests_total"}) != set()  # the check can fail


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_public_ingresses_route_neither_metrics_nor_health_nor_the_gateway_docs(overlay: str) -> None:
    ingresses = of_kind(render(overlay), "Ingress")
    hosts = {rule["host"] for ingress in ingresses.values() for rule in ingress["spec"]["rules"]}
    gateway_host = ingresses["gateway"]["spec"]["rules"][0]["host"]
    for host in hosts:
        for path in OPERATIONAL_PATHS:
            assert not _served(ingresses, host, path), f"{host}{path} est routé"
    for path in GATEWAY_DOCS:
        assert not _served(ingresses, gateway_host, path), f"{gateway_host}{path} est routé"
    # What must stay reachable still is: the API, the error catalogue, the consoles.
    assert _served(ingresses, gateway_host, "/v1/etablissements/0310053P/annees/2026/nomenclatures")
    assert _served(ingresses, gateway_host, "/docs/erreurs/certificat-revoque")
    assert all(_served(ingresses, host, "/") for host in hosts - {gateway_host})


def _served(ingresses: dict[str, Resource], host: str, path: str) -> bool:
    """Whether ingress-nginx would pass ``path`` on ``host`` to a backend: the Exact path, else the longest
    Prefix, among the paths of every Ingress of that host; an Ingress refusing every address does not."""
    candidates: list[tuple[int, int, bool]] = []  # (exact?, length, refused)
    for ingress in ingresses.values():
        refused = "0.0.0.0/0" in ingress["metadata"].get("annotations", {}).get(DENY_ALL, "")
        for rule in ingress["spec"]["rules"]:
            if rule["host"] != host:
                continue
            for entry in rule["http"]["paths"]:
                route, kind = entry["path"], entry["pathType"]
                if kind == "Exact" and path == route:
                    candidates.append((1, len(route), refused))
                elif kind == "Prefix" and _prefix_matches(route, path):
                    candidates.append((0, len(route), refused))
    if not candidates:
        return False
    return not max(candidates)[2]


def _prefix_matches(prefix: str, path: str) -> bool:
    """Kubernetes Prefix matching: element by element of the path split on '/'."""
    if prefix == "/":
        return True
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")
