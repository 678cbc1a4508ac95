"""The `netsynchro` command against the real running platform: output for people and for scripts, and
exit codes that tell refused from not-possible-now."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from lxml import etree
from netsynchro import cli

from tests.sdk.conftest import YEAR
from tests.support.pki import SCHOOL_A
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")


def arguments(platform: Platform, client: str, tmp_path: Path, *command: str) -> list[str]:
    files = platform.pki.clients[client]
    return [
        *command,
        "--url", platform.gateway_url,
        "--cert", str(files.cert),
        "--key", str(files.key),
        "--ca", str(platform.pki.root),
        "--cursors", str(tmp_path / "curseurs.json"),
    ]  # fmt: skip


async def run(platform: Platform, client: str, tmp_path: Path, *command: str) -> int:
    return await asyncio.to_thread(cli.main, arguments(platform, client, tmp_path, *command))


async def test_whoami_in_json_for_scripts(
    platform: Platform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(platform, "school-a-edt", tmp_path, "whoami", "--json") == 0
    me = json.loads(capsys.readouterr().out)
    assert (me["uai"], me["editeur"], me["produit"]) == (SCHOOL_A, "index-education", "edt")


async def test_pull_to_a_file_with_a_human_summary(
    platform: Platform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "Structures.xml"
    school = ("--uai", SCHOOL_A, "--annee", str(YEAR))
    assert (
        await run(platform, "school-a-edt", tmp_path, "pull", "structures", *school, "-o", str(target)) == 0
    )
    assert etree.fromstring(target.read_bytes()).tag == "BEE_STRUCTURES"
    summary = capsys.readouterr().out
    assert summary.startswith("structures : ")
    assert str(target) in summary


async def test_incremental_pull_stores_the_cursor_between_runs(
    platform: Platform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    school = ("--uai", SCHOOL_A, "--annee", str(YEAR))
    pull = ("pull", "eleves", *school, "--incremental", "--json", "-o", str(tmp_path / "eleves.xml"))
    assert await run(platform, "school-a-pronote", tmp_path, *pull) == 0
    first = json.loads(capsys.readouterr().out)
    assert await run(platform, "school-a-pronote", tmp_path, *pull) == 0
    second = json.loads(capsys.readouterr().out)
    assert (first["type"], second["type"]) == ("complet", "differentiel")
    assert json.loads((tmp_path / "curseurs.json").read_text())  # kept for the next run


async def test_exit_codes_tell_refused_from_not_possible_now(
    platform: Platform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_allowed = ("pull", "emploi-du-temps", "--uai", SCHOOL_A, "--annee", str(YEAR), "-o", "x")
    assert await run(platform, "school-a-pronote", tmp_path, *not_allowed) == cli.EXIT_REFUSED
    assert "[flux-non-autorise]" in capsys.readouterr().out
    unknown_year = ("pull", "structures", "--uai", SCHOOL_A, "--annee", "2031", "-o", "x")
    assert await run(platform, "school-a-edt", tmp_path, *unknown_year) == cli.EXIT_NOT_NOW
    assert "[annee-inconnue]" in capsys.readouterr().out
