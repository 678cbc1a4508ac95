"""services.ginweb.cli: the development PKI and one-off issuance."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from services.common.identity import identity_from_certificate, serial_hex, verify_chain
from services.common.pki import CertificateAuthority
from services.common.pki.issuance import new_key
from services.ginweb.cli import dev_pki, main

REPOSITORY = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(folder.iterdir())}


def leaf(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificates(path.read_bytes())[0]


@pytest.fixture(scope="module")
def dev_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("certs")
    dev_pki(out)
    return out


def test_dev_pki_is_idempotent(dev_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(dev_dir)

    assert main(["dev-pki", "--out", str(dev_dir)]) == 0

    assert snapshot(dev_dir) == before
    assert "created" not in capsys.readouterr().out


def test_dev_pki_keys_and_bundles_are_private(dev_dir: Path) -> None:
    private = [path for path in dev_dir.iterdir() if path.name.endswith((".key.pem", ".p12"))]
    assert len(private) == 2 + 1 + 8 * 2  # CA keys, gateway key, each client's key and bundle
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in private)


def test_manifest_describes_the_demo_certificates(dev_dir: Path) -> None:
    manifest = json.loads((dev_dir / "manifest.json").read_text())
    ca = CertificateAuthority.load(dev_dir)

    pairs = {(client["uai"], client["product"]) for client in manifest["clients"]}
    assert {("0310053P", "edt"), ("0332490C", "pronote"), ("0750702F", "edt")} <= pairs
    for client in manifest["clients"]:
        cert = leaf(dev_dir / client["cert"])
        verify_chain(cert, ca.issuing.certificate, ca.root_certificate)
        identity = identity_from_certificate(cert, now=cert.not_valid_before_utc)
        assert (identity.uai, identity.editor, identity.product) == (
            client["uai"],
            client["editor"],
            client["product"],
        )
        assert client["serial"] == serial_hex(cert.serial_number)


def test_dev_bundles_open_with_the_documented_password(dev_dir: Path) -> None:
    bundle = pkcs12.load_pkcs12((dev_dir / "index-education-edt-0310053P.p12").read_bytes(), b"netsynchro")
    assert bundle.cert is not None
    assert len(bundle.additional_certs) == 2


def test_dev_pki_force_regenerates_the_authority(tmp_path: Path) -> None:
    dev_pki(tmp_path)
    old_root = (tmp_path / "root-ca.pem").read_bytes()

    dev_pki(tmp_path, force=True)

    assert (tmp_path / "root-ca.pem").read_bytes() != old_root
    ca = CertificateAuthority.load(tmp_path)
    verify_chain(leaf(tmp_path / "gateway.crt.pem"), ca.issuing.certificate, ca.root_certificate)


def test_missing_client_files_are_reissued_with_the_existing_authority(tmp_path: Path) -> None:
    dev_pki(tmp_path)
    root = (tmp_path / "root-ca.pem").read_bytes()
    (tmp_path / "index-education-pronote-0332490C.p12").unlink()

    dev_pki(tmp_path)

    assert (tmp_path / "root-ca.pem").read_bytes() == root
    assert (tmp_path / "index-education-pronote-0332490C.p12").is_file()


def test_issue_cert_signs_a_csr_with_the_ca_in_a_folder(dev_dir: Path, tmp_path: Path) -> None:
    key = new_key()
    csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([])).sign(key, hashes.SHA256())
    (tmp_path / "request.pem").write_bytes(csr.public_bytes(serialization.Encoding.PEM))
    argv = ["issue-cert", "--uai", "0750702F", "--editor", "index-education", "--product", "edt"]

    status = main(
        [*argv, "--ca", str(dev_dir), "--out", str(tmp_path), "--csr", str(tmp_path / "request.pem")]
    )

    assert status == 0
    cert = leaf(tmp_path / "index-education-edt-0750702F.crt.pem")
    assert cert.public_key() == key.public_key()
    assert not (tmp_path / "index-education-edt-0750702F.key.pem").exists()


def test_issue_cert_refuses_a_bad_uai_with_its_code(
    dev_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["issue-cert", "--uai", "0750001A", "--editor", "index-education", "--product", "edt"]

    assert main([*argv, "--ca", str(dev_dir), "--out", str(dev_dir / "issued")]) == 2
    assert capsys.readouterr().err.startswith("uai-invalide:")


def test_module_runs_as_a_command(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "services.ginweb.cli", "issue-cert", "--help"]
    result = subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "--csr" in result.stdout
