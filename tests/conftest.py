"""Fixtures shared by the whole suite: a real nats-server, the test PKI, database backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.localnats import NatsProcess
from tests.support.databases import POSTGRES_URL, backends
from tests.support.pki import TestPki, build_test_pki

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FORMATS = SHARED / "reference" / "formats"


def pytest_report_header() -> list[str]:
    available = backends()
    if "postgresql" in available:
        return [f"databases: SQLite and PostgreSQL ({POSTGRES_URL}) — database tests run on both"]
    return ["databases: SQLite only — PostgreSQL is not reachable, database tests run on SQLite"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" in metafunc.fixturenames:
        metafunc.parametrize("db_backend", backends())


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsProcess]:
    server = NatsProcess(store_dir=tmp_path_factory.mktemp("jetstream")).start()
    yield server
    server.stop()


@pytest.fixture
def fresh_nats(tmp_path: Path) -> Iterator[NatsProcess]:
    """A server of the test's own: streams and durable consumers start empty."""
    server = NatsProcess(store_dir=tmp_path / "jetstream").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return build_test_pki(tmp_path_factory.mktemp("pki"))
