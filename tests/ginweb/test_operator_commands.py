"""The operator's command line against a real database and a real nats-server."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from nats.js.api import ConsumerConfig, DeliverPolicy

from services.common import subjects
from services.common.auth import AuthSettings, authenticate
from services.common.bus import Bus
from services.common.db import create_engine, session_factory
from services.common.localnats import NatsProcess
from services.common.settings import DatabaseSettings, NatsSettings, sqlite_url
from services.common.trustfeed import EditorAccreditation
from services.ginweb.cli import main

PASSWORD = "Rentree-2026-ok"


@pytest.fixture
def environment(tmp_path: Path, fresh_nats: NatsProcess, monkeypatch: pytest.MonkeyPatch) -> DatabaseSettings:
    database = DatabaseSettings(url=sqlite_url(tmp_path / "ginweb.db"))
    monkeypatch.setenv("GINWEB_DATABASE__URL", database.url)
    monkeypatch.setenv("GINWEB_NATS__URL", fresh_nats.url)
    return database


async def accreditations(nats_url: str) -> list[EditorAccreditation]:
    bus = Bus(NatsSettings(url=nats_url), name="test")
    await bus.connect()
    try:
        config = ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
        subscription = await bus.js.pull_subscribe(subjects.ACCREDITATION_SUBJECTS, config=config)
        messages = await subscription.fetch(10, timeout=2)
        return [EditorAccreditation.model_validate_json(msg.data) for msg in messages]
    finally:
        await bus.close()


def test_registry_commands_publish_the_editors_state(
    environment: DatabaseSettings, fresh_nats: NatsProcess
) -> None:
    assert main(["add-editor", "--id", "logiciel-libre", "--name", "Logiciel libre"]) == 0
    assert (
        main(
            [
                "add-product",
                "--editor",
                "logiciel-libre",
                "--id",
                "udt-libre",
                "--flows",
                "nomenclatures,emploi-du-temps",
            ]
        )
        == 0
    )
    assert main(["withdraw-editor", "--id", "logiciel-libre"]) == 0
    assert main(["add-product", "--editor", "logiciel-libre", "--id", "x", "--flows", "vols"]) == 2

    states = asyncio.run(accreditations(fresh_nats.url))
    assert [(s.active, sorted(s.products)) for s in states] == [
        (True, []),
        (True, ["udt-libre"]),
        (False, ["udt-libre"]),
    ]


def test_create_head_reads_the_password_from_stdin(
    environment: DatabaseSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))

    assert main(["create-head", "--username", "Chef.0310053P", "--uai", "0310053P", "--password-stdin"]) == 0

    async def sign_in() -> list[str]:
        engine = create_engine(environment)
        try:
            account = await authenticate(
                session_factory(engine), "chef.0310053p", PASSWORD, AuthSettings(), source="127.0.0.1"
            )
            return account.scopes
        finally:
            await engine.dispose()

    assert asyncio.run(sign_in()) == ["0310053P"]


def test_create_head_refuses_a_bad_uai(
    environment: DatabaseSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["create-head", "--username", "x", "--uai", "0750001A", "--oidc-only"]) == 2
    assert "uai-invalide" in capsys.readouterr().err
