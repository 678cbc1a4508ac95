"""The `netsynchro` command against the real running platform: output for people and for scripts, and
exit codes that tell refused from not-possible-now."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
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
    printed = capsys.readouterr()
    assert printed.out == ""  # the summary is a message: standard error
    assert printed.err.startswith("structures : ")
    assert str(target) in printed.err


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
    assert "[flux-non-autorise]" in capsys.readouterr().err
    unknown_year = ("pull", "structures", "--uai", SCHOOL_A, "--annee", "2031", "-o", "x")
    assert await run(platform, "school-a-edt", tmp_path, *unknown_year) == cli.EXIT_NOT_NOW
    assert "[annee-inconnue]" in capsys.readouterr().err


async def test_errors_are_french_with_their_own_exit_code(
    platform: Platform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    school = ("--uai", SCHOOL_A, "--annee", str(YEAR))
    with pytest.raises(SystemExit) as usage:
        cli.main(["pull", "eleve", *school])
    assert usage.value.code == cli.EXIT_USAGE
    assert "flux inconnu « eleve »" in capsys.readouterr().err
    p12 = _pkcs12(platform, "school-a-edt", tmp_path, b"netsynchro")
    wrong = ["whoami", "--url", platform.gateway_url, "--p12", str(p12), "--password", "faux"]
    assert await asyncio.to_thread(cli.main, wrong) == cli.EXIT_CERTIFICATE
    assert "mot de passe du PKCS#12 incorrect" in capsys.readouterr().err
    unreachable = arguments(platform, "school-a-edt", tmp_path, "whoami")
    unreachable[unreachable.index("--url") + 1] = "https://127.0.0.1:9"
    assert await asyncio.to_thread(cli.main, unreachable) == cli.EXIT_FAILED
    assert "plateforme injoignable" in capsys.readouterr().err


async def test_json_is_one_document_and_can_run_names_each_direction(
    platform: Platform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    school = ("--uai", SCHOOL_A, "--annee", str(YEAR))
    assert await run(platform, "school-a-edt", tmp_path, "can-run", *school) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("✔ emploi-du-temps (export") for line in lines)
    assert any("emploi-du-temps (import" in line for line in lines)
    refused = ("pull", "emploi-du-temps", *school, "--json", "-o", str(tmp_path / "x.xml"))
    assert await run(platform, "school-a-pronote", tmp_path, *refused) == cli.EXIT_REFUSED
    document = json.loads(capsys.readouterr().out)  # exactly one document, even for an error
    assert document["erreur"]["code"] == "flux-non-autorise"


def _pkcs12(platform: Platform, client: str, folder: Path, password: bytes) -> Path:
    """The client's certificate as GIN-WEB delivers it: a PKCS#12 protected by a password."""
    files = platform.pki.clients[client]
    key = serialization.load_pem_private_key(files.key.read_bytes(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey)
    encryption = serialization.BestAvailableEncryption(password)
    data = pkcs12.serialize_key_and_certificates(b"ecole", key, files.certificate, None, encryption)
    target = folder / f"{client}.p12"
    target.write_bytes(data)
    return target
