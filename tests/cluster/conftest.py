"""The cluster tests' platform: a 3-node JetStream cluster on loopback, two replicas each of bee, sts and
supervision, one gateway, on PostgreSQL whenever it is there (always in CI), as in production."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from services.common.localnats import NatsCluster
from tests.support.cluster import ClusterPlatform, running_cluster_platform
from tests.support.databases import backends
from tests.support.pki import TestPki

YEAR = 2026
SCHOOLS = {"0310053P": "cluster-a", "0332490C": "cluster-b", "0750702F": "cluster-c"}


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    nodes = NatsCluster(tmp_path / "nats").start(log_dir=tmp_path)
    try:
        yield nodes
    finally:
        nodes.stop()


@pytest.fixture
async def cluster_platform(
    tmp_path: Path, cluster: NatsCluster, test_pki: TestPki
) -> AsyncIterator[ClusterPlatform]:
    for uai, client in SCHOOLS.items():
        if client not in test_pki.clients:
            test_pki.issue(client, uai, "pronote")
    async with running_cluster_platform(tmp_path, cluster, test_pki, backends()[-1]) as running:
        yield running
